using Depthwise.Kernels;
using Depthwise.Kernels.Gemm;

namespace Depthwise.Tests.Kernels.Gemm;

/// <summary>
/// One GEMM problem with random data, run through a variant and through <see cref="F32GemmReference"/>.
/// Padding columns of A and R hold NaN (a kernel that reads them poisons its output) and padding of C holds a
/// sentinel that must survive (a kernel that writes past column N or row M is caught).
/// </summary>
internal sealed class GemmTestCase
{
    public const float Sentinel = -7777.25f;

    public required int M { get; init; }
    public required int N { get; init; }
    public required int K { get; init; }
    public int PadA { get; init; }
    public int PadC { get; init; }
    public int PadR { get; init; }
    public bool Bias { get; init; } = true;
    public bool Residual { get; init; }
    public bool TransposedB { get; init; }
    public FusedEpilogue Epilogue { get; init; } = FusedEpilogue.Linear;
    public int Seed { get; init; } = 1;

    public int Lda => K + PadA;
    public int Ldc => N + PadC;
    public int Ldr => N + PadR;

    public float[] A = [], B = [], BiasValues = [], R = [];

    public override string ToString() =>
        $"M={M} N={N} K={K} lda={Lda} ldc={Ldc} bias={Bias} residual={Residual}(ldr={Ldr}) transB={TransposedB} {Epilogue}";

    public GemmTestCase Build()
    {
        var rng = new Random(Seed);
        A = Matrix(rng, M, K, Lda);
        B = new float[K * N];
        for (int i = 0; i < B.Length; i++) B[i] = Next(rng);
        BiasValues = Bias ? Enumerable.Range(0, N).Select(_ => Next(rng)).ToArray() : [];
        R = Residual ? Matrix(rng, M, N, Ldr) : [];
        return this;
    }

    public int StrideK => TransposedB ? 1 : N;
    public int StrideN => TransposedB ? K : 1;

    public F32GemmPackedWeights Pack(F32GemmVariant v) => v.Pack(K, N, B, StrideK, StrideN, BiasValues);

    public float[] NewOutput()
    {
        var c = new float[M * Ldc];
        Array.Fill(c, Sentinel);
        return c;
    }

    public float[] Run(F32GemmVariant v)
    {
        var c = NewOutput();
        var w = Pack(v);
        v.Run(w, M, A, Lda, c, Ldc, Epilogue, R, Ldr, v.FullRange(M, w));
        return c;
    }

    public float[] Reference()
    {
        var c = NewOutput();
        F32GemmReference.Compute(M, N, K, A, Lda, B, StrideK, StrideN, BiasValues, c, Ldc, Epilogue, R, Ldr);
        return c;
    }

    /// <summary>
    /// Asserts <paramref name="got"/> matches the reference within 1e-5 relative to the magnitude of the sum
    /// (|bias| + Σ|a·b| + |r|): FMA and non-FMA rounding differ by a few ulps of the terms, not of a result
    /// that happens to cancel to near zero.
    /// </summary>
    public void AssertMatches(float[] got, string variant)
    {
        float[] want = Reference();
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < Ldc; j++)
            {
                int at = i * Ldc + j;
                if (j >= N)
                {
                    if (BitConverter.SingleToInt32Bits(got[at]) != BitConverter.SingleToInt32Bits(Sentinel))
                        Assert.Fail($"{variant}: wrote padding C[{i},{j}] = {got[at]} ({this})");
                    continue;
                }
                double scale = Bias ? Math.Abs(BiasValues[j]) : 0;
                for (int kk = 0; kk < K; kk++) scale += Math.Abs((double)A[i * Lda + kk] * B[kk * StrideK + j * StrideN]);
                if (Residual) scale += Math.Abs(R[i * Ldr + j]);
                double tol = 1e-5 * (scale + 1e-3);
                if (!(Math.Abs(got[at] - want[at]) <= tol))
                    Assert.Fail($"{variant}: C[{i},{j}] = {got[at]}, reference {want[at]} (tol {tol:g3}) ({this})");
            }
        }
    }

    private static float Next(Random rng) => (float)(rng.NextDouble() * 2 - 1);

    private static float[] Matrix(Random rng, int rows, int cols, int stride)
    {
        var x = new float[rows == 0 ? 0 : (rows - 1) * stride + cols];
        Array.Fill(x, float.NaN);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) x[i * stride + j] = Next(rng);
        return x;
    }
}
