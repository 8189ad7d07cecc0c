using System.Runtime.CompilerServices;

namespace Depthwise.Kernels.Gemm;

/// <summary>
/// Walks a <see cref="GemmTileRange"/> of the output and calls one micro-kernel per MR×NR tile. Loop order is the
/// GotoBLAS one without packing A: an outer block of N-panels sized to stay in L2 (<see cref="L2BudgetBytes"/>),
/// then M-tiles, then the panels of the block. The MR×K strip of A a tile reads (≤ 30 KiB for MR = 6 and
/// K ≤ 1280, the MobileNet range) stays in L1 while it is reused across the block's panels, and the panel block
/// stays in L2 while every M-tile streams past it. K is not blocked: for the K of mobile nets the A strip fits L1,
/// and for larger K each row of A is still read sequentially, which the hardware prefetchers follow.
/// Tails: a partial last M-tile passes mr &lt; MR, a partial last panel passes nc &lt; NR (the packed panel is
/// zero-padded, so only the stores are masked).
/// </summary>
internal static unsafe class F32GemmDriver
{
    /// <summary>Bytes of packed B kept hot per block: half of Zen 4's 1 MiB L2, leaving room for A and C.</summary>
    public const int L2BudgetBytes = 512 * 1024;

    /// <summary>How many panels of <paramref name="panelStride"/> floats make one L2 block.</summary>
    public static int PanelsPerBlock(int panelStride) =>
        Math.Max(1, L2BudgetBytes / Math.Max(1, panelStride * sizeof(float)));

    /// <summary>
    /// Computes the tiles of <paramref name="g"/>.Range with kernel <typeparamref name="TKernel"/>. The driver and
    /// the micro-kernels are jitted fully optimized on first call (AggressiveOptimization): a plan's first run must
    /// not execute Tier-0 vector code, which is many times slower.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TKernel>(in F32GemmArgs g) where TKernel : struct, IF32GemmMicroKernel
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        GemmTileRange range = g.Range;
        int block = g.PanelsPerBlock;
        for (int pb = range.PanelStart; pb < range.PanelEnd; pb += block)
        {
            int pe = Math.Min(pb + block, range.PanelEnd);
            for (int t = range.MTileStart; t < range.MTileEnd; t++)
            {
                int row = t * mr;
                int rows = Math.Min(mr, g.M - row);
                float* a = g.A + row * g.Lda;
                float* c = g.C + row * g.Ldc;
                float* r = g.R == null ? null : g.R + row * g.Ldr;
                for (int p = pb; p < pe; p++)
                {
                    int col = p * nr;
                    TKernel.Compute(rows, Math.Min(nr, g.N - col), g.K, a, g.Lda, g.W + p * g.PanelStride,
                        c + col, g.Ldc, r == null ? null : r + col, g.Ldr, g.Epilogue);
                }
            }
        }
    }
}
