using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ChannelsLastOpTests;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

/// <summary>
/// Gemm and MatMul with a constant B run the packed GEMM; with B as a graph input they run the reference. The two
/// must agree (to FMA rounding) over awkward sizes, transB, every C form, and the fallbacks must still be right.
/// </summary>
public class GemmMatMulFastPathTests
{
    private static void AssertFastMatchesReference(Op op, Tensor?[] inputs, int[] constants)
    {
        var expected = RunUnoptimized(op, inputs);                 // B (and C) as graph inputs: reference kernel
        var actual = RunUnoptimized(op, inputs, constants);        // constant B: packed GEMM when it applies
        AssertClose(expected.Shape, expected.ToArray<float>(), actual, rtol: 1e-4, atol: 2e-5);
    }

    public static TheoryData<int, int, int, bool, int[]?, float, float> GemmCases() => new()
    {
        // M, N, K, transB, C dims (null = none), alpha, beta
        { 1, 1000, 1280, true, [1000], 1f, 1f },   // the classifier head
        { 1, 1, 1, false, null, 1f, 1f },
        { 3, 17, 5, false, [17], 1f, 1f },
        { 7, 33, 9, true, [1, 33], 1f, 1f },
        { 13, 5, 33, true, null, 1f, 1f },
        { 2, 40, 3, false, [2, 40], 1f, 1f },      // C over M×N: reference
        { 2, 40, 3, false, [40], 1f, 0.5f },       // beta ≠ 1: reference
        { 2, 40, 3, true, [40], 2f, 1f },          // alpha ≠ 1: reference
        { 2, 40, 3, true, [40], 1f, 0f },          // beta = 0: C ignored
    };

    [Theory]
    [MemberData(nameof(GemmCases))]
    public void GemmWithConstantB(int m, int n, int k, bool transB, int[]? cDims, float alpha, float beta)
    {
        var a = Random(1, m, k);
        var b = Random(2, transB ? [n, k] : [k, n]);
        var c = cDims is null ? null : Random(3, cDims);
        var op = new GemmOp { TransB = transB, Alpha = alpha, Beta = beta };
        AssertFastMatchesReference(op, c is null ? [a, b] : [a, b, c], c is null ? [1] : [1, 2]);
    }

    [Theory]
    [InlineData(new[] { 5 }, new[] { 5, 7 })]
    [InlineData(new[] { 3, 17 }, new[] { 17, 33 })]
    [InlineData(new[] { 2, 3, 9, 16 }, new[] { 16, 40 })]
    [InlineData(new[] { 1, 49, 960 }, new[] { 960, 128 })]
    public void MatMulWithConstantB(int[] aDims, int[] bDims)
    {
        AssertFastMatchesReference(new MatMulOp(), [Random(4, aDims), Random(5, bDims)], [1]);
    }
}
