namespace Depthwise.Kernels.Gemm;

/// <summary>
/// The obviously-correct GEMM the micro-kernels are tested against: unpacked B, one output element at a time,
/// summed in the kernels' order (bias, then k ascending), then residual, then <see cref="FusedEpilogue.Activate"/>.
/// </summary>
public static class F32GemmReference
{
    /// <summary>
    /// <c>c[i·ldc + j] = act(bias[j] + Σ_k a[i·lda + k]·b[k·strideK + j·strideN] + residual[i·ldr + j])</c>
    /// for i &lt; m, j &lt; n; an empty bias or residual counts as zero.
    /// </summary>
    public static void Compute(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b,
        int strideK, int strideN, ReadOnlySpan<float> bias, Span<float> c, int ldc, FusedEpilogue epilogue,
        ReadOnlySpan<float> residual = default, int ldr = 0)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float acc = bias.IsEmpty ? 0f : bias[j];
                for (int kk = 0; kk < k; kk++) acc += a[i * lda + kk] * b[kk * strideK + j * strideN];
                if (!residual.IsEmpty) acc += residual[i * ldr + j];
                c[i * ldc + j] = epilogue.Activate(acc);
            }
        }
    }
}
