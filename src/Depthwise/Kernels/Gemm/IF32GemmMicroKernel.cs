namespace Depthwise.Kernels.Gemm;

/// <summary>
/// One fp32 GEMM micro-kernel: computes an MR×NR tile of C from MR rows of A and one packed panel of B, with the
/// epilogue fused. Implemented by structs so <see cref="F32GemmDriver"/> is specialized per kernel (direct calls,
/// no virtual dispatch in the tile loop).
/// </summary>
internal unsafe interface IF32GemmMicroKernel
{
    /// <summary>Rows per tile.</summary>
    static abstract int MR { get; }

    /// <summary>Columns per tile (the packed panel width).</summary>
    static abstract int NR { get; }

    /// <summary>
    /// Computes rows [0, <paramref name="mr"/>) and columns [0, <paramref name="nc"/>) of one tile
    /// (1 ≤ mr ≤ MR, 1 ≤ nc ≤ NR): <c>c[i, j] = act(w.bias[j] + Σ_k a[i, k]·w[k, j] + r[i, j])</c>.
    /// <paramref name="w"/> points at the panel (bias row first). <paramref name="r"/> is null for no residual; it
    /// may equal <paramref name="c"/> (same stride) because every residual value is read before any store.
    /// Rows past mr alias the last valid row (XNNPACK's trick): they compute and store the same values again, so
    /// a partial tile costs no branches in the K loop.
    /// </summary>
    static abstract void Compute(int mr, int nc, int kc, float* a, nint lda, float* w, float* c, nint ldc,
        float* r, nint ldr, in FusedEpilogue epilogue);
}
