using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

/// <summary>
/// A naive reduction for the ReduceXxx tests: every input element is dropped into the bucket of its output position,
/// then each bucket is folded in double precision.
/// </summary>
internal static class NaiveReduce
{
    public static (int[] Shape, double[] Data) Run(int[] dims, float[] x, IEnumerable<int> axes, bool keepDims, Func<List<double>, double> fold)
    {
        int rank = dims.Length;
        var reduce = new bool[rank];
        bool any = false;
        foreach (int a in axes) { reduce[a < 0 ? a + rank : a] = true; any = true; }
        if (!any) Array.Fill(reduce, true);
        var outDims = new List<int>();
        var keptDims = new List<int>();
        for (int d = 0; d < rank; d++)
        {
            if (!reduce[d]) { outDims.Add(dims[d]); keptDims.Add(dims[d]); }
            else if (keepDims) outDims.Add(1);
        }
        int outCount = keptDims.Aggregate(1, (a, b) => a * b);
        var buckets = Enumerable.Range(0, outCount).Select(_ => new List<double>()).ToArray();
        var idx = new int[rank];
        for (int e = 0; e < x.Length; e++)
        {
            int rem = e;
            for (int d = rank - 1; d >= 0; d--) { idx[d] = rem % dims[d]; rem /= dims[d]; }
            int o = 0;
            for (int d = 0; d < rank; d++) if (!reduce[d]) o = o * dims[d] + idx[d];
            buckets[o].Add(x[e]);
        }
        return (outDims.ToArray(), buckets.Select(fold).ToArray());
    }

    /// <summary>Every subset of the axes of a rank (as lists, the empty set included).</summary>
    public static IEnumerable<int[]> AxisSubsets(int rank)
    {
        for (int mask = 0; mask < 1 << rank; mask++)
            yield return Enumerable.Range(0, rank).Where(d => (mask >> d & 1) != 0).ToArray();
    }

    public static Tensor Axes(params long[] a) => Tensor.FromArray(new Shape(a.Length), a);

    /// <summary>Runs <paramref name="op"/> over all axis subsets of awkward shapes and compares with the naive fold.</summary>
    public static void CheckAgainstNaive(Func<bool, ReduceOp> make, Func<List<double>, double> fold, double tolerance)
    {
        int[][] shapes = [[7], [3, 5], [2, 1, 4], [3, 2, 5, 2], [1, 9, 1]];
        foreach (var dims in shapes)
        {
            var shape = new Shape(dims);
            var x = Enumerable.Range(0, shape.ElementCount).Select(i => (float)Math.Sin(i * 1.7) * 10).ToArray();
            foreach (var axes in AxisSubsets(dims.Length))
            {
                foreach (bool keep in new[] { true, false })
                {
                    // Negative spellings of the same axes must give the same answer.
                    foreach (bool negative in new[] { false, true })
                    {
                        var spelled = axes.Select(a => (long)(negative ? a - dims.Length : a)).ToArray();
                        var y = GraphFactory.RunOp(make(keep), [Tensor.FromArray(shape, x), Axes(spelled)], 1, 1)[0];
                        var (eShape, expected) = Run(dims, x, axes, keep, fold);
                        Assert.Equal(new Shape(eShape), y.Shape);
                        var actual = y.ToArray<float>();
                        for (int i = 0; i < expected.Length; i++)
                            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                                $"shape {shape} axes [{string.Join(",", spelled)}] keepdims {keep}: element {i} is {actual[i]}, expected {expected[i]}");
                    }
                }
            }
        }
    }
}

public class ReduceSumOpTests
{
    [Fact]
    public void MatchesNaiveSumForEveryAxisSubset() =>
        NaiveReduce.CheckAgainstNaive(keep => new ReduceSumOp { KeepDims = keep }, b => b.Sum(), 1e-5);

    [Fact]
    public void HandComputedSums()
    {
        var x = Tensor.FromArray(new Shape(2, 3), new float[] { 1, 2, 3, 4, 5, 6 });
        Assert.Equal([5f, 7, 9], GraphFactory.RunOp(new ReduceSumOp { KeepDims = false }, [x, NaiveReduce.Axes(0)], 1, 1)[0].ToArray<float>());
        var rows = GraphFactory.RunOp(new ReduceSumOp(), [x, NaiveReduce.Axes(-1)], 1, 1)[0];
        Assert.Equal(new Shape(2, 1), rows.Shape);
        Assert.Equal([6f, 15], rows.ToArray<float>());
        var all = GraphFactory.RunOp(new ReduceSumOp(), [x], 1)[0];
        Assert.Equal(new Shape(1, 1), all.Shape);
        Assert.Equal([21f], all.ToArray<float>());
    }

    [Fact]
    public void EmptyAxesReduceAllUnlessNoop()
    {
        var x = Tensor.FromArray(new Shape(2, 2), new float[] { 1, 2, 3, 4 });
        var empty = NaiveReduce.Axes();
        Assert.Equal([10f], GraphFactory.RunOp(new ReduceSumOp { KeepDims = false }, [x, empty], 1, 1)[0].ToArray<float>());
        var same = GraphFactory.RunOp(new ReduceSumOp { NoopWithEmptyAxes = true }, [x, empty], 1, 1)[0];
        Assert.Equal(new Shape(2, 2), same.Shape);
        Assert.Equal([1f, 2, 3, 4], same.ToArray<float>());
        Assert.Equal([1f, 2, 3, 4], GraphFactory.RunOp(new ReduceSumOp { NoopWithEmptyAxes = true }, [x], 1)[0].ToArray<float>());
    }

    [Fact]
    public void EmptyGroupsSumToZeroAndIntegersWrap()
    {
        var y = GraphFactory.RunOp(new ReduceSumOp(), [Tensor.Zeros(DataType.Float32, new Shape(2, 0)), NaiveReduce.Axes(1)], 1, 1)[0];
        Assert.Equal(new Shape(2, 1), y.Shape);
        Assert.Equal([0f, 0f], y.ToArray<float>());
        var big = Tensor.FromArray(new Shape(2), new[] { int.MaxValue, 2 });
        Assert.Equal([int.MinValue + 1], GraphFactory.RunOp(new ReduceSumOp(), [big], 1)[0].ToArray<int>());
        var bytes = Tensor.FromArray(new Shape(2, 2), new byte[] { 200, 100, 1, 2 });
        Assert.Equal([(byte)44, (byte)3], GraphFactory.RunOp(new ReduceSumOp { KeepDims = false }, [bytes, NaiveReduce.Axes(1)], 1, 1)[0].ToArray<byte>());
        Assert.Equal([5L, 7], GraphFactory.RunOp(new ReduceSumOp { KeepDims = false }, [Tensor.FromArray(new Shape(2, 2), new long[] { 1, 2, 4, 5 }), NaiveReduce.Axes(0)], 1, 1)[0].ToArray<long>());
        Assert.Equal([(Half)3, (Half)7], GraphFactory.RunOp(new ReduceSumOp { KeepDims = false }, [Tensor.FromArray(new Shape(2, 2), new[] { (Half)1, (Half)2, (Half)3, (Half)4 }), NaiveReduce.Axes(1)], 1, 1)[0].ToArray<Half>());
    }

    [Fact]
    public void RejectsBadAxes()
    {
        var x = Tensor.FromArray(new Shape(2, 2), new float[4]);
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ReduceSumOp(), [x, NaiveReduce.Axes(2)], 1, 1));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ReduceSumOp(), [x, NaiveReduce.Axes(-3)], 1, 1));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ReduceSumOp(), [x, NaiveReduce.Axes(1, -1)], 1, 1));
    }

    [Fact]
    public void AxesFromAGraphInputSpecializeThePlan()
    {
        var x = Tensor.FromArray(new Shape(2, 3), new float[] { 1, 2, 3, 4, 5, 6 });
        var y = GraphFactory.RunOp(new ReduceSumOp { KeepDims = false }, [x, NaiveReduce.Axes(1)]);
        Assert.Equal([6f, 15], y[0].ToArray<float>());
    }

    [Fact]
    public void ImportsAxesAttributeBeforeOpset13AndInputAfter()
    {
        var x = Tensor.FromArray(new Shape(2, 3), new float[] { 1, 2, 3, 4, 5, 6 });
        var old = new OnnxOneNodeModel("ReduceSum", 11).Input(x).Attr("axes", [1L]).Attr("keepdims", 0L).Run();
        Assert.Equal([6f, 15], old.ToArray<float>());
        var all = new OnnxOneNodeModel("ReduceSum", 7).Input(x).Run();
        Assert.Equal(new Shape(1, 1), all.Shape);
        var now = new OnnxOneNodeModel("ReduceSum", 13).Input(x).Constant(NaiveReduce.Axes(0)).Attr("keepdims", 0L).Run();
        Assert.Equal([5f, 7, 9], now.ToArray<float>());
        var noop = new OnnxOneNodeModel("ReduceSum", 18).Input(x).Attr("noop_with_empty_axes", 1L).Run();
        Assert.Equal(new Shape(2, 3), noop.Shape);
    }

    [Fact]
    public void RunAllocatesNothing()
    {
        var g = new Graph.Graph("reduce");
        var xi = g.AddInput("x", DataType.Float32, [Graph.Dim.Known(3), Graph.Dim.Known(4), Graph.Dim.Known(5)]);
        var node = g.AddNode("r", new ReduceSumOp(), [xi, g.AddConstant("a", NaiveReduce.Axes(0, 2))], ["y"]);
        g.AddOutput(node.Outputs[0]);
        var session = new InferenceSession(g);
        var x = Tensor.FromArray(new Shape(3, 4, 5), new float[60]);
        var plan = session.GetPlan([x]);
        var y = Tensor.Zeros(plan.OutputTypes[0], plan.OutputShapes[0]);
        session.Run([x], [y]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) session.Run([x], [y]);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_reduce_sum_default_axes_keepdims_example", "test_reduce_sum_default_axes_keepdims_random",
        "test_reduce_sum_do_not_keepdims_example", "test_reduce_sum_do_not_keepdims_random",
        "test_reduce_sum_empty_axes_input_noop_example", "test_reduce_sum_empty_axes_input_noop_random",
        "test_reduce_sum_keepdims_example", "test_reduce_sum_keepdims_random",
        "test_reduce_sum_negative_axes_keepdims_example", "test_reduce_sum_negative_axes_keepdims_random");
}
