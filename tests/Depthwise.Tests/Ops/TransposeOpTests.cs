using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.TensorOpHarness;

namespace Depthwise.Tests.Ops;

public class TransposeOpTests
{
    private static IEnumerable<int[]> Permutations(int n)
    {
        if (n == 0) { yield return []; yield break; }
        foreach (var p in Permutations(n - 1))
            for (int at = 0; at <= p.Length; at++)
            {
                var q = new List<int>(p);
                q.Insert(at, n - 1);
                yield return q.ToArray();
            }
    }

    /// <summary>Naive transpose: output index o reads input index with idx[perm[d]] = o[d].</summary>
    private static void AssertTransposed(Tensor x, int[] perm, Tensor y)
    {
        var outDims = perm.Select(p => x.Shape[p]).ToArray();
        Assert.Equal(new Shape(outDims), y.Shape);
        for (int f = 0; f < y.ElementCount; f++)
        {
            var o = Unflatten(y.Shape, f);
            var i = new int[x.Shape.Rank];
            for (int d = 0; d < perm.Length; d++) i[perm[d]] = o[d];
            Assert.Equal(Element(x, Flatten(x.Shape, i)), Element(y, f));
        }
    }

    [Fact]
    public void EveryPermutationOfRank4MatchesTheNaiveIndexMap()
    {
        var x = Iota(2, 3, 1, 5);
        foreach (var perm in Permutations(4))
            AssertTransposed(x, perm, GraphFactory.RunOp(new TransposeOp { Perm = perm }, [x])[0]);
    }

    [Fact]
    public void EveryElementSizeAndAwkwardShapes()
    {
        foreach (var type in new[] { DataType.UInt8, DataType.Bool, DataType.Float16, DataType.Int32, DataType.Int64 })
        {
            var x = Pattern(type, 3, 1, 4, 7);
            foreach (var perm in new[] { new[] { 0, 2, 3, 1 }, [0, 3, 1, 2], [3, 2, 1, 0], [1, 0, 2, 3] })
                AssertTransposed(x, perm, GraphFactory.RunOp(new TransposeOp { Perm = perm }, [x])[0]);
        }
        var empty = GraphFactory.RunOp(new TransposeOp { Perm = [1, 0] }, [Iota(0, 3)])[0];
        Assert.Equal(new Shape(3, 0), empty.Shape);
        var scalar = GraphFactory.RunOp(new TransposeOp(), [Tensor.Scalar(7f)])[0];
        Assert.Equal(7f, scalar.ToArray<float>()[0]);
    }

    [Fact]
    public void DefaultPermReversesTheDims()
    {
        var x = Iota(2, 3, 4);
        AssertTransposed(x, [2, 1, 0], GraphFactory.RunOp(new TransposeOp(), [x])[0]);
    }

    [Fact]
    public void RejectsABadPerm()
    {
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new TransposeOp { Perm = [0, 0, 1] }, [Iota(2, 3, 4)]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new TransposeOp { Perm = [1, 0] }, [Iota(2, 3, 4)]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new TransposeOp { Perm = [0, 1, 3] }, [Iota(2, 3, 4)]));
    }

    [Fact]
    public void MovingOnlyUnitDimsBecomesOneBlockCopy()
    {
        var g = new Graph.Graph();
        var x = g.AddInput("x", DataType.Float32, [Dim.Known(1), Dim.Known(6), Dim.Known(1), Dim.Known(5)]);
        g.AddOutput(g.AddNode("t", new TransposeOp { Perm = [2, 1, 0, 3] }, [x], ["y"]).Outputs[0]);
        var plan = new Depthwise.Runtime.InferenceSession(g).GetPlan([Iota(1, 6, 1, 5)]);
        var kernel = Assert.IsAssignableFrom<StridedCopyKernel>(Assert.Single(plan.Steps).Kernel);
        Assert.Equal([30], kernel.MergedDims);
    }

    [Fact]
    public void FewChannelNchwToNhwcInterleavesEveryElementSize()
    {
        // The ChannelInterleaveKernel path (C ≤ 4, 1- and 4-byte elements): plane sizes around the 16-byte steps,
        // batch 2, and 2/8-byte types that take the generic copy, all against the naive index map.
        foreach (var type in new[] { DataType.UInt8, DataType.Int8, DataType.Float32, DataType.Int32, DataType.Float16, DataType.Int64 })
            foreach (int c in new[] { 1, 2, 3, 4, 5 })
                foreach (var (h, w) in new[] { (1, 1), (1, 3), (4, 4), (3, 7), (5, 13), (16, 17), (2, 40) })
                    foreach (int n in new[] { 1, 2 })
                    {
                        var x = Pattern(type, n, c, h, w);
                        AssertTransposed(x, [0, 2, 3, 1], GraphFactory.RunOp(new TransposeOp { Perm = [0, 2, 3, 1] }, [x])[0]);
                    }
    }

    [Fact]
    public void FewChannelNchwToNhwcUsesTheInterleaveKernel()
    {
        foreach (var (type, c, chosen) in new[] { (DataType.UInt8, 3, true), (DataType.Float32, 4, true), (DataType.Float32, 5, false), (DataType.Float16, 3, false) })
        {
            var g = new Graph.Graph();
            var x = g.AddInput("x", type, [Dim.Known(2), Dim.Known(c), Dim.Known(9), Dim.Known(11)]);
            g.AddOutput(g.AddNode("t", new TransposeOp { Perm = [0, 2, 3, 1] }, [x], ["y"]).Outputs[0]);
            var plan = new Depthwise.Runtime.InferenceSession(g).GetPlan([Pattern(type, 2, c, 9, 11)]);
            Assert.Equal(chosen, Assert.Single(plan.Steps).Kernel is ChannelInterleaveKernel);
        }
    }

    [Fact]
    public void InterleaveKernelMatchesTheNaiveLoopOnBytesAndWords()
    {
        var rng = new Random(5);
        foreach (int e in new[] { 1, 4 })
            foreach (int c in new[] { 1, 2, 3, 4 })
                foreach (int plane in new[] { 0, 1, 3, 4, 15, 16, 17, 31, 33, 50176 % 997 })
                    foreach (int n in new[] { 1, 2 })
                    {
                        var src = new byte[n * c * plane * e];
                        rng.NextBytes(src);
                        var dst = new byte[src.Length + 16];
                        Array.Fill(dst, (byte)0xA5);
                        new ChannelInterleaveKernel(n, c, plane, e).Interleave(src, dst);
                        for (int b = 0; b < n; b++)
                            for (int p = 0; p < plane; p++)
                                for (int ch = 0; ch < c; ch++)
                                    for (int k = 0; k < e; k++)
                                        Assert.Equal(src[((b * c + ch) * plane + p) * e + k], dst[((b * plane + p) * c + ch) * e + k]);
                        for (int i = src.Length; i < dst.Length; i++) Assert.Equal(0xA5, dst[i]);
                    }
    }

    [Fact]
    public void RunAllocatesNothing() => AssertRunAllocatesNothing(new TransposeOp { Perm = [0, 2, 3, 1] }, [Iota(1, 3, 5, 7)], 1);

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_transpose_default", "test_transpose_all_permutations_0", "test_transpose_all_permutations_1", "test_transpose_all_permutations_2",
        "test_transpose_all_permutations_3", "test_transpose_all_permutations_4", "test_transpose_all_permutations_5");
}
