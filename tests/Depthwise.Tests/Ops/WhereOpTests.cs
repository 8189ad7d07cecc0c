using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class WhereOpTests
{
    public static TheoryData<int[], int[], int[]> Shapes => new()
    {
        { new[] { 2, 3 }, new[] { 2, 3 }, new[] { 2, 3 } },
        { new[] { 2, 1 }, new[] { 1, 3 }, new int[0] },
        { new int[0], new[] { 4 }, new[] { 3, 1 } },
        { new[] { 3, 1, 2 }, new[] { 1, 4, 1 }, new[] { 2 } },
        { new[] { 5 }, new[] { 2, 1, 5 }, new[] { 1, 3, 1 } },
        { new[] { 0, 2 }, new[] { 2 }, new[] { 1 } },
        { new[] { 67 }, new[] { 67 }, new[] { 1 } },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BroadcastsAllThreeInputs(int[] c, int[] x, int[] y)
    {
        Shape sc = new(c), sx = new(x), sy = new(y);
        var cond = Enumerable.Range(0, sc.ElementCount).Select(i => i % 3 != 1).ToArray();
        var xv = Enumerable.Range(0, sx.ElementCount).Select(i => 100f + i).ToArray();
        var yv = Enumerable.Range(0, sy.ElementCount).Select(i => -1f - i).ToArray();
        var r = GraphFactory.RunOp(new WhereOp(), [Tensor.FromArray(sc, cond), Tensor.FromArray(sx, xv), Tensor.FromArray(sy, yv)])[0];
        var so = Broadcast(sc, sx, sy);
        Assert.Equal(so, r.Shape);
        var rr = r.ToArray<float>();
        for (int i = 0; i < so.ElementCount; i++)
        {
            var idx = Unflatten(so, i);
            Assert.Equal(cond[Flat(sc, idx)] ? xv[Flat(sx, idx)] : yv[Flat(sy, idx)], rr[i]);
        }
    }

    [Fact]
    public void SelectsEveryElementType()
    {
        var c = Tensor.FromArray(new Shape(2), new[] { true, false });
        Tensor Run(Tensor x, Tensor y) => GraphFactory.RunOp(new WhereOp(), [c, x, y])[0];
        Assert.Equal(new[] { 1L, -2L }, Run(Tensor.FromArray(new Shape(2), new[] { 1L, 2L }), Tensor.FromArray(new Shape(2), new[] { -1L, -2L })).ToArray<long>());
        Assert.Equal(new[] { 1, -2 }, Run(Tensor.FromArray(new Shape(2), new[] { 1, 2 }), Tensor.FromArray(new Shape(2), new[] { -1, -2 })).ToArray<int>());
        Assert.Equal(new sbyte[] { 1, -2 }, Run(Tensor.FromArray(new Shape(2), new sbyte[] { 1, 2 }), Tensor.FromArray(new Shape(2), new sbyte[] { -1, -2 })).ToArray<sbyte>());
        Assert.Equal(new byte[] { 1, 9 }, Run(Tensor.FromArray(new Shape(2), new byte[] { 1, 2 }), Tensor.FromArray(new Shape(1), new byte[] { 9 })).ToArray<byte>());
        Assert.Equal(new[] { true, true }, Run(Tensor.FromArray(new Shape(2), new[] { true, false }), Tensor.FromArray(new Shape(2), new[] { false, true })).ToArray<bool>());
        Assert.Equal(new[] { (Half)1, (Half)(-2) }, Run(Tensor.FromArray(new Shape(2), new[] { (Half)1, (Half)2 }), Tensor.FromArray(new Shape(2), new[] { (Half)(-1), (Half)(-2) })).ToArray<Half>());
    }

    [Fact]
    public void RejectsANonBoolConditionAndMixedValueTypes()
    {
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new WhereOp(),
            [Tensor.FromArray(new Shape(1), new byte[] { 1 }), Tensor.Zeros(DataType.Float32, new Shape(1)), Tensor.Zeros(DataType.Float32, new Shape(1))]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new WhereOp(),
            [Tensor.FromArray(new Shape(1), new[] { true }), Tensor.Zeros(DataType.Float32, new Shape(1)), Tensor.Zeros(DataType.Int32, new Shape(1))]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new WhereOp(),
            [Tensor.FromArray(new Shape(2), new[] { true, false }), Tensor.Zeros(DataType.Float32, new Shape(3)), Tensor.Zeros(DataType.Float32, new Shape(1))]));
    }

    [Fact]
    public void KernelAllocatesNothing() =>
        AssertRunAllocatesNothing(new WhereOp(), Tensor.FromArray(new Shape(3, 1), new bool[3]), Tensor.FromArray(new Shape(4), new float[4]), Tensor.FromArray(new Shape(1), new float[1]));

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_where_example", "test_where_long_example");
}
