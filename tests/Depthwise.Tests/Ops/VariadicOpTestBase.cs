using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

/// <summary>
/// Tests every variadic elementwise op (Sum, Mean, Max, Min) shares: any number of inputs broadcast together,
/// compared with a fold written here; type and shape errors; no allocation per run. Each op's test class derives
/// from this and adds what is specific to it.
/// </summary>
public abstract class VariadicOpTestBase
{
    /// <summary>A new instance of the op under test.</summary>
    protected abstract Op CreateOp();

    /// <summary>Combines the running value with the next input's element.</summary>
    protected abstract float Fold(float acc, float x);

    /// <summary>Turns the folded value of <paramref name="n"/> inputs into the result (Mean divides).</summary>
    protected virtual float Finish(float acc, int n) => acc;

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
        var y = GraphFactory.RunOp(CreateOp(), xs.Select((x, k) => (Tensor?)Tensor.FromArray(ss[k], x)).ToArray())[0];
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
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(CreateOp(), [Tensor.Zeros(DataType.Float32, new Shape(2)), Tensor.Zeros(DataType.Float32, new Shape(2)), Tensor.Zeros(DataType.Float32, new Shape(3))]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(CreateOp(), [Tensor.Zeros(DataType.Float32, new Shape(2)), Tensor.Zeros(DataType.Float16, new Shape(2))]));
    }

    [Fact]
    public void KernelAllocatesNothing() =>
        AssertRunAllocatesNothing(CreateOp(), Tensor.FromArray(new Shape(2, 3), new float[6]), Tensor.FromArray(new Shape(3), new float[3]), Tensor.FromArray(new Shape(2, 1), new float[2]));
}
