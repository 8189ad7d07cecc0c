using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class SumOpTests
{
    private static float Fold(float a, float b) => a + b;

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
        var y = GraphFactory.RunOp(new SumOp(), xs.Select((x, k) => (Tensor?)Tensor.FromArray(ss[k], x)).ToArray())[0];
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
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new SumOp(), [Tensor.Zeros(DataType.Float32, new Shape(2)), Tensor.Zeros(DataType.Float32, new Shape(2)), Tensor.Zeros(DataType.Float32, new Shape(3))]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new SumOp(), [Tensor.Zeros(DataType.Float32, new Shape(2)), Tensor.Zeros(DataType.Float16, new Shape(2))]));
    }

    [Fact]
    public void KernelAllocatesNothing() =>
        AssertRunAllocatesNothing(new SumOp(), Tensor.FromArray(new Shape(2, 3), new float[6]), Tensor.FromArray(new Shape(3), new float[3]), Tensor.FromArray(new Shape(2, 1), new float[2]));

    [Fact]
    public void AddsFloat16() =>
        Assert.Equal(new[] { (Half)3.5f, (Half)(-1) },
            GraphFactory.RunOp(new SumOp(), [Tensor.FromArray(new Shape(2), new[] { (Half)1, (Half)(-2) }), Tensor.FromArray(new Shape(1), new[] { (Half)1 }), Tensor.FromArray(new Shape(2), new[] { (Half)1.5f, (Half)0 })])[0].ToArray<Half>());

    [Fact]
    public void RejectsIntegers() =>
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new SumOp(), [Tensor.FromArray(new Shape(1), new[] { 1 })]));

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_sum_example", "test_sum_one_input", "test_sum_two_inputs");
}
