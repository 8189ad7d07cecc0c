using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

public class MatMulOpTests
{
    /// <summary>numpy.matmul by definition: promote 1-D operands, broadcast the batch dims, multiply, drop promoted dims.</summary>
    private static (int[] Dims, double[] Values) Naive(int[] ad, double[] a, int[] bd, double[] b)
    {
        int[] a2 = ad.Length == 1 ? [1, ad[0]] : ad;
        int[] b2 = bd.Length == 1 ? [bd[0], 1] : bd;
        int m = a2[^2], k = a2[^1], n = b2[^1];
        int[] ab = a2[..^2], bb = b2[..^2];
        int rank = Math.Max(ab.Length, bb.Length);
        var batch = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int x = i - (rank - ab.Length) >= 0 ? ab[i - (rank - ab.Length)] : 1;
            int y = i - (rank - bb.Length) >= 0 ? bb[i - (rank - bb.Length)] : 1;
            batch[i] = Math.Max(x, y);
        }
        int count = Count(batch);
        var result = new double[count * m * n];
        for (int bi = 0; bi < count; bi++)
        {
            var idx = rank == 0 ? [] : Unflatten(bi, batch);
            int aOff = Offset(idx, ab) * m * k, bOff = Offset(idx, bb) * k * n;
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += a[aOff + i * k + p] * b[bOff + p * n + j];
                result[(bi * m + i) * n + j] = s;
            }
        }
        var dims = new List<int>(batch);
        if (ad.Length > 1) dims.Add(m);
        if (bd.Length > 1) dims.Add(n);
        return (dims.ToArray(), result);
    }

    private static int Offset(int[] batchIdx, int[] own)
    {
        int off = 0;
        for (int d = 0; d < own.Length; d++) off = off * own[d] + (own[d] == 1 ? 0 : batchIdx[d + batchIdx.Length - own.Length]);
        return off;
    }

    public static TheoryData<int[], int[]> Shapes() => new()
    {
        { [3, 4], [4, 3] },
        { [2, 3, 4], [2, 4, 3] },
        { [1, 2, 3, 4], [1, 2, 4, 3] },
        { [4], [4, 5] },            // 1-D A
        { [3, 4], [4] },            // 1-D B
        { [7], [7] },               // both 1-D: a scalar
        { [2, 1, 3, 5], [4, 5, 2] },  // batch broadcast both ways
        { [5, 1, 2], [2, 6] },
        { [17], [3, 17, 2] },
        { [1, 1], [1, 1] },
        { [2, 0, 3], [3, 4] },      // empty
        { [2, 3, 0], [0, 4] },      // K = 0 gives zeros
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesNumpySemantics(int[] ad, int[] bd)
    {
        var a = Random(61, ad);
        var b = Random(62, bd);
        var (dims, values) = Naive(ad, a.ToArray<float>().Select(v => (double)v).ToArray(), bd, b.ToArray<float>().Select(v => (double)v).ToArray());
        AssertClose(new Shape(dims), values.Select(v => (float)v).ToArray(), GraphFactory.RunOp(new MatMulOp(), [a, b])[0]);

        // int32 and int64 take the same path (exact).
        var ai = a.ToArray<float>().Select(v => (int)(v * 10)).ToArray();
        var bi = b.ToArray<float>().Select(v => (int)(v * 10)).ToArray();
        var (_, iv) = Naive(ad, ai.Select(v => (double)v).ToArray(), bd, bi.Select(v => (double)v).ToArray());
        var y32 = GraphFactory.RunOp(new MatMulOp(), [Tensor.FromArray(new Shape(ad), ai), Tensor.FromArray(new Shape(bd), bi)])[0];
        Assert.Equal(iv.Select(v => (int)v).ToArray(), y32.ToArray<int>());
        var y64 = GraphFactory.RunOp(new MatMulOp(), [Tensor.FromArray(new Shape(ad), ai.Select(v => (long)v).ToArray()), Tensor.FromArray(new Shape(bd), bi.Select(v => (long)v).ToArray())])[0];
        Assert.Equal(iv.Select(v => (long)v).ToArray(), y64.ToArray<long>());
    }

    [Fact]
    public void CountsMacsAndRejectsBadShapes()
    {
        var plan = new Depthwise.Runtime.InferenceSession(ConvOpTests.OneNode(new MatMulOp(), new Shape(2, 3, 5, 4), Random(1, 4, 6))).GetPlan([new Shape(2, 3, 5, 4)]);
        Assert.Equal(6L * 5 * 6 * 4, plan.TotalMacs);
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new MatMulOp(), [Random(1, 2, 3), Random(2, 4, 5)]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new MatMulOp(), [Random(1, 2, 2, 3), Random(2, 3, 3, 5)]));
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_matmul_2d", "test_matmul_3d", "test_matmul_4d");
}
