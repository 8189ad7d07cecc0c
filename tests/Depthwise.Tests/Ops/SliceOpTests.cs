using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.TensorOpHarness;

namespace Depthwise.Tests.Ops;

public class SliceOpTests
{
    /// <summary>The indices one axis keeps, enumerated by walking from the clamped start to the clamped end (ONNX rules).</summary>
    private static List<int> Kept(int dim, long start, long end, long step)
    {
        if (start < 0) start += dim;
        if (end < 0) end += dim;
        if (step > 0) { start = Math.Clamp(start, 0, dim); end = Math.Clamp(end, 0, dim); }
        else { start = Math.Clamp(start, 0, Math.Max(dim - 1, 0)); end = Math.Clamp(end, -1, dim - 1); }
        var r = new List<int>();
        if (dim == 0) return r;
        for (Int128 i = start; step > 0 ? i < end : i > end; i += step) r.Add((int)i);   // Int128: huge steps must not wrap
        return r;
    }

    private static void AssertSliced(Tensor x, long[] starts, long[] ends, long[]? axes, long[]? steps, Tensor y)
    {
        int rank = x.Shape.Rank;
        var kept = Enumerable.Range(0, rank).Select(d => Enumerable.Range(0, x.Shape[d]).ToList()).ToArray();
        for (int k = 0; k < starts.Length; k++)
        {
            int a = (int)(axes is null ? k : axes[k] < 0 ? axes[k] + rank : axes[k]);
            kept[a] = Kept(x.Shape[a], starts[k], ends[k], steps?[k] ?? 1);
        }
        Assert.Equal(new Shape(kept.Select(k => k.Count).ToArray()), y.Shape);
        for (int f = 0; f < y.ElementCount; f++)
        {
            var o = Unflatten(y.Shape, f);
            var i = o.Select((v, d) => kept[d][v]).ToArray();
            Assert.Equal(Element(x, Flatten(x.Shape, i)), Element(y, f));
        }
    }

    private static Tensor RunSlice(Tensor x, long[] starts, long[] ends, long[]? axes = null, long[]? steps = null)
    {
        Tensor?[] ins = [x, Longs(starts), Longs(ends), axes is null ? null : Longs(axes), steps is null ? null : Longs(steps)];
        return GraphFactory.RunOp(new SliceOp(), ins, 1, 1, 2, 3, 4)[0];
    }

    [Fact]
    public void MatchesTheNaiveWalkOverManyStartsEndsAndSteps()
    {
        var x = Iota(5, 4, 7);
        long[] bounds = [long.MinValue, int.MinValue, -9, -7, -3, -1, 0, 1, 3, 6, 7, 9, int.MaxValue, long.MaxValue];
        long[] stepsToTry = [1, 2, 3, 100, -1, -2, -5, long.MinValue, long.MaxValue];
        foreach (long s in stepsToTry)
            foreach (long b in bounds)
                foreach (long e in bounds)
                    AssertSliced(x, [b], [e], [2], [s], RunSlice(x, [b], [e], [2], [s]));
    }

    [Fact]
    public void SlicesSeveralAxesAtOnceInAnyOrder()
    {
        var x = Iota(4, 1, 6, 5);
        (long[] S, long[] E, long[]? A, long[]? St)[] cases =
        [
            ([1, 0], [3, 6], null, null),
            ([0, 5, -1], [4, 0, long.MinValue], [-1, 2, 0], [2, -2, -1]),
            ([0, 0, 0, 0], [1, 1, 1, 1], [3, 2, 1, 0], [1, 1, 1, 1]),
            ([2], [2], [0], null),
            ([-2, 1], [long.MaxValue, 4], [3, -2], [1, 3]),
        ];
        foreach (var (s, e, a, st) in cases) AssertSliced(x, s, e, a, st, RunSlice(x, s, e, a, st));
    }

    [Fact]
    public void EveryElementSizeAndInt32Bounds()
    {
        foreach (var type in new[] { DataType.UInt8, DataType.Float16, DataType.Int32, DataType.Int64, DataType.Bool })
        {
            var x = Pattern(type, 3, 6);
            AssertSliced(x, [5, 2], [0, 0], [1, 0], [-2, -1], RunSlice(x, [5, 2], [0, 0], [1, 0], [-2, -1]));
        }
        var xi = Iota(6);
        var yi = GraphFactory.RunOp(new SliceOp(), [xi, Tensor.FromArray(new Shape(1), new[] { 1 }), Tensor.FromArray(new Shape(1), new[] { -1 })], 1, 1, 2)[0];
        Assert.Equal(new float[] { 1, 2, 3, 4 }, yi.ToArray<float>());
    }

    [Fact]
    public void RejectsZeroStepsRepeatedAxesAndLengthMismatches()
    {
        var x = Iota(3, 4);
        Assert.Throws<ShapeMismatchException>(() => RunSlice(x, [0], [2], [0], [0]));
        Assert.Throws<ShapeMismatchException>(() => RunSlice(x, [0, 0], [2, 2], [1, -1]));
        Assert.Throws<ShapeMismatchException>(() => RunSlice(x, [0, 0], [2]));
        Assert.Throws<ShapeMismatchException>(() => RunSlice(x, [0], [2], [2]));
    }

    [Fact]
    public void ImportsTheOpset9AttributeForm()
    {
        var y = Run("Slice", 9, [new(Iota(3, 4))], 1, n =>
        {
            n.Attribute.Add(Ints("starts", 1, -3));
            n.Attribute.Add(Ints("ends", 1000, -1));
            n.Attribute.Add(Ints("axes", 0, 1));
        });
        Assert.Equal(new Shape(2, 2), y[0].Shape);
        Assert.Equal(new float[] { 5, 6, 9, 10 }, y[0].ToArray<float>());
        var z = Run("Slice", 7, [new(Iota(3, 4))], 1, n => { n.Attribute.Add(Ints("starts", 0, 3)); n.Attribute.Add(Ints("ends", 1, 4)); });
        Assert.Equal(new float[] { 3 }, z[0].ToArray<float>());
    }

    [Fact]
    public void RunAllocatesNothing() =>
        AssertRunAllocatesNothing(new SliceOp(), [Iota(3, 8, 5), Longs(7, 1), Longs(0, 4), Longs(1, 2), Longs(-2, 1)], 1, 1, 2, 3, 4);

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_slice", "test_slice_default_axes", "test_slice_default_steps", "test_slice_end_out_of_bounds", "test_slice_neg",
        "test_slice_neg_steps", "test_slice_negative_axes", "test_slice_start_out_of_bounds");
}
