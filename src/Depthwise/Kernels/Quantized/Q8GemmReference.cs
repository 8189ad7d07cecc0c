namespace Depthwise.Kernels.Quantized;

/// <summary>
/// The scalar definition of the quantized GEMM, straight from the bytes:
/// <c>C[m,n] = q.Apply(bias[n] + Σ_k (A[m,k] − za)·(B[k,n] − zb[n]), n)</c>, accumulating in int32 (wrapping, as
/// TFLite's C++ does). B element (k, n) is at <c>b[k·strideK + n·strideN]</c>.
/// </summary>
public static class Q8GemmReference
{
    /// <summary>Computes C; see the type summary.</summary>
    public static void Run(int m, int n, int k, ReadOnlySpan<byte> a, int lda, bool aSigned, int aZeroPoint,
        ReadOnlySpan<byte> b, bool bSigned, int strideK, int strideN, ReadOnlySpan<int> bZeroPoints, ReadOnlySpan<int> bias,
        Q8Requantization requantization, Span<byte> c, int ldc)
    {
        ArgumentNullException.ThrowIfNull(requantization);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                int zb = bZeroPoints[bZeroPoints.Length == 1 ? 0 : j];
                int acc = bias.IsEmpty ? 0 : bias[j];
                for (int p = 0; p < k; p++)
                {
                    int av = aSigned ? (sbyte)a[i * lda + p] : a[i * lda + p];
                    int bv = bSigned ? (sbyte)b[p * strideK + j * strideN] : b[p * strideK + j * strideN];
                    acc = unchecked(acc + (av - aZeroPoint) * (bv - zb));
                }
                c[i * ldc + j] = (byte)requantization.Apply(acc, j);
            }
        }
    }
}
