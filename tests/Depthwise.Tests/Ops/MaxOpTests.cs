using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class MaxOpTests
{
    private static float Fold(float a, float b) => float.Max(a, b);

    private static float Finish(float acc, int n) => acc;

    public static TheoryData<int[][]> ShapeSets => new()
    {
        new[] { new[] { 2, 3 } },
        new[] { new[] { 2, 3, 4 }, new[] { 2, 3, 4 } },
        new[] { new[] { 2, 1, 4 }, new[] { 3, 1 } },
        new[] { new[] { 4 }, new[] { 3, 1 }, new[] { 2, 1, 1 } },
        new[] { new[] { 1 }, new int[0], new[] { 5 }, new[] { 2, 5 } },
        new[] { new[] { 2, 3 }, new[] { 2, 3 }, new[] { 1, 3 }, new[] { 2, 1 }, new[] { 3 } },
        new[] { new[] { 0, 3 }, new[] { 1, 3 } },
        new[] { new[] { 3, 1, 2 }, new[] { 3, 4, 2 } },
    };

    [Theory]
    [MemberData(nameof(ShapeSets))]
    public void FoldsAnyNumberOfBroadcastInputs(int[][] shapes)
    {
        var ss = shapes.Select(s => new Shape(s)).ToArray();
        var xs = ss.Select((s, k) => Enumerable.Range(0, s.ElementCount).Select(i => (float)((i * 7 + k * 3) % 11) - 4.5f).ToArray()).ToArray();
        var y = GraphFactory.RunOp(new MaxOp(), xs.Select((x, k) => (Tensor?)Tensor.FromArray(ss[k], x)).ToArray())[0];
        var so = Broadcast(ss);
        Assert.Equal(so, y.Shape);
        var yy = y.ToArray<float>();
        for (int i = 0; i < so.ElementCount; i++)
        {
            var idx = Unflatten(so, i);
            float acc = xs[0][Flat(ss[0], idx)];
            for (int k = 1; k < xs.Length; k++) acc = Fold(acc, xs[k][Flat(ss[k], idx)]);
            Assert.Equal(Finish(acc, xs.Length), yy[i]);
        }
    }

    [Fact]
    public void RejectsMixedTypesAndShapesThatDoNotBroadcast()
    {
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new MaxOp(), [Tensor.Zeros(DataType.Float32, new Shape(2)), Tensor.Zeros(DataType.Float32, new Shape(2)), Tensor.Zeros(DataType.Float32, new Shape(3))]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new MaxOp(), [Tensor.Zeros(DataType.Float32, new Shape(2)), Tensor.Zeros(DataType.Float16, new Shape(2))]));
    }

    [Fact]
    public void KernelAllocatesNothing() =>
        AssertRunAllocatesNothing(new MaxOp(), Tensor.FromArray(new Shape(2, 3), new float[6]), Tensor.FromArray(new Shape(3), new float[3]), Tensor.FromArray(new Shape(2, 1), new float[2]));

    [Fact]
    public void PropagatesNaNAndPrefersPositiveZero()
    {
        var y = GraphFactory.RunOp(new MaxOp(), [Tensor.FromArray(new Shape(3), new[] { float.NaN, 1f, -0f }), Tensor.FromArray(new Shape(3), new[] { 1f, float.NaN, 0f })])[0].ToArray<float>();
        Assert.True(float.IsNaN(y[0]) && float.IsNaN(y[1]));
        Assert.False(float.IsNegative(y[2]));
    }

    [Fact]
    public void ComputesEveryIntegerType()
    {
        Assert.Equal(new sbyte[] { 3, -1 }, GraphFactory.RunOp(new MaxOp(), [Tensor.FromArray(new Shape(2), new sbyte[] { -128, -1 }), Tensor.FromArray(new Shape(2), new sbyte[] { 3, -5 })])[0].ToArray<sbyte>());
        Assert.Equal(new byte[] { 200, 7 }, GraphFactory.RunOp(new MaxOp(), [Tensor.FromArray(new Shape(2), new byte[] { 200, 1 }), Tensor.FromArray(new Shape(2), new byte[] { 3, 7 })])[0].ToArray<byte>());
        Assert.Equal(new[] { int.MaxValue, 0 }, GraphFactory.RunOp(new MaxOp(), [Tensor.FromArray(new Shape(2), new[] { int.MaxValue, int.MinValue }), Tensor.FromArray(new Shape(1), new[] { 0 })])[0].ToArray<int>());
        Assert.Equal(new[] { 5L, long.MaxValue }, GraphFactory.RunOp(new MaxOp(), [Tensor.FromArray(new Shape(2), new[] { 5L, long.MaxValue }), Tensor.FromArray(new Shape(2), new[] { long.MinValue, 4L })])[0].ToArray<long>());
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_max_example", "test_max_float16", "test_max_float32", "test_max_int32", "test_max_int64", "test_max_int8", "test_max_one_input", "test_max_two_inputs", "test_max_uint8");
}
