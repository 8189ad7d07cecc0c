using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

public class GemmOpTests
{
    public static TheoryData<int, int, int, bool, bool, int[]?, float, float> Cases() => new()
    {
        // M, N, K, transA, transB, C dims (null = no C), alpha, beta
        { 3, 4, 5, false, false, [3, 4], 1f, 1f },
        { 3, 4, 5, true, false, [4], 0.5f, 2f },
        { 3, 4, 5, false, true, [1, 4], 1f, 1f },
        { 3, 4, 5, true, true, [3, 1], 0.25f, 0.35f },
        { 1, 17, 1, false, false, [], 1f, -1f },
        { 5, 1, 3, false, true, [1], 2f, 1f },
        { 2, 3, 7, false, false, null, 1.5f, 1f },
        { 2, 3, 7, false, false, [2, 3], 1f, 0f },
        { 1, 1000, 64, false, true, [1000], 1f, 1f },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaiveReference(int m, int n, int k, bool transA, bool transB, int[]? cDims, float alpha, float beta)
    {
        var a = Random(51, transA ? [k, m] : [m, k]);
        var b = Random(52, transB ? [n, k] : [k, n]);
        var c = cDims is null ? null : Random(53, cDims);
        float[] av = a.ToArray<float>(), bv = b.ToArray<float>(), cv = c?.ToArray<float>() ?? [];
        var expected = new float[m * n];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            for (int p = 0; p < k; p++) s += av[transA ? p * m + i : i * k + p] * bv[transB ? j * k + p : p * n + j];
            double cval = 0;
            if (c is not null)
            {
                int ci = cDims!.Length switch
                {
                    0 => 0,
                    1 => cDims[0] == 1 ? 0 : j,
                    _ => (cDims[0] == 1 ? 0 : i) * cDims[1] + (cDims[1] == 1 ? 0 : j),
                };
                cval = cv[ci];
            }
            expected[i * n + j] = (float)(alpha * s + beta * cval);
        }
        var op = new GemmOp { TransA = transA, TransB = transB, Alpha = alpha, Beta = beta };
        AssertClose(new Shape(m, n), expected, GraphFactory.RunOp(op, [a, b, c])[0]);
    }

    [Fact]
    public void CountsMacsAndRejectsBadShapes()
    {
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new GemmOp(), [Random(1, 2, 3), Random(2, 4, 5)]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new GemmOp(), [Random(1, 2, 3), Random(2, 3, 5), Random(3, 3, 5)]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new GemmOp(), [Random(1, 2, 3, 1), Random(2, 3, 5)]));
        var plan = new Depthwise.Runtime.InferenceSession(ConvOpTests.OneNode(new GemmOp { TransB = true }, new Shape(2, 1280), Random(4, 1000, 1280))).GetPlan([new Shape(2, 1280)]);
        Assert.Equal(2L * 1000 * 1280, plan.TotalMacs);
    }

    [Fact]
    public void ImportsAttributes()
    {
        var a = Random(54, 4, 3);
        var b = Random(55, 5, 4);
        var c = Random(56, 5);
        var y = RunOnnxNode("Gemm", 7, n => { n.Attr("transA", 1L); n.Attr("transB", 1L); n.Attr("alpha", 0.5f); n.Attr("beta", 2f); }, [a, b, c])[0];
        var direct = GraphFactory.RunOp(new GemmOp { TransA = true, TransB = true, Alpha = 0.5f, Beta = 2f }, [a, b, c])[0];
        Assert.Equal(direct.ToArray<float>(), y.ToArray<float>());
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_gemm_all_attributes", "test_gemm_alpha", "test_gemm_beta", "test_gemm_default_matrix_bias", "test_gemm_default_no_bias",
        "test_gemm_default_scalar_bias", "test_gemm_default_single_elem_vector_bias", "test_gemm_default_vector_bias",
        "test_gemm_default_zero_bias", "test_gemm_transposeA", "test_gemm_transposeB");
}
