using System.Runtime.CompilerServices;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// Walks a tile range of a quantized GEMM: blocks of N-panels sized to stay in L2, then M-tiles, then the panels of
/// the block (the float driver's order). With 8-bit A, each M-tile's rows are first widened to int16 in the caller's
/// scratch, where they stay in L1 across the block's panels. A tile of one row runs the one-row micro-kernel.
/// </summary>
internal static unsafe class Q8GemmDriver
{
    /// <summary>Bytes of packed B kept hot per block.</summary>
    public const int L2BudgetBytes = 512 * 1024;

    /// <summary>How many panels of <paramref name="panelStride"/> ints make one L2 block.</summary>
    public static int PanelsPerBlock(int panelStride) => Math.Max(1, L2BudgetBytes / Math.Max(1, panelStride * sizeof(int)));

    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    public static void Run<TLanes, TVec, TTile, TKind>(in Q8GemmArgs g)
        where TLanes : IQ8Lanes<TVec> where TVec : struct where TTile : IQ8GemmTile where TKind : IQ8RequantKind
    {
        int mr = TTile.MR, nr = 2 * TLanes.Count;
        var range = g.Range;
        int block = g.PanelsPerBlock;
        int rowInts = g.KPairs;
        int* tile = stackalloc int[7 * 2 * 16];   // MR × NR accumulators of the widest variant
        for (int pb = range.PanelStart; pb < range.PanelEnd; pb += block)
        {
            int pe = Math.Min(pb + block, range.PanelEnd);
            for (int t = range.MTileStart; t < range.MTileEnd; t++)
            {
                int row = t * mr;
                int rows = Math.Min(mr, g.M - row);
                int* a;
                nint lda;
                if (g.A8 != null)
                {
                    // Contiguous rows of even K widen to contiguous int16 rows: one call over the whole tile.
                    if (g.Lda8 == g.K && (g.K & 1) == 0)
                        Q8Widening.Row(g.A8 + row * g.Lda8, rows * g.K, g.ASigned, g.AZeroPoint, g.Scratch, rows * g.K);
                    else for (int i = 0; i < rows; i++)
                        Q8Widening.Row(g.A8 + (row + i) * g.Lda8, g.K, g.ASigned, g.AZeroPoint, g.Scratch + i * 2 * rowInts, 2 * rowInts);
                    a = (int*)g.Scratch;
                    lda = rowInts;
                }
                else
                {
                    a = (int*)(g.A16 + row * g.Lda16);
                    lda = g.Lda16 / 2;
                }
                byte* c = g.C + row * g.Ldc;
                int ob = TKind.OutputBytes;
                for (int p = pb; p < pe; p++)
                {
                    int col = p * nr;
                    int nc = Math.Min(nr, g.N - col);
                    if (rows == 1)
                        Q8GemmMicroKernel.Compute<TLanes, TVec, Q8GemmRows1, TKind>(1, nc, g.KPairs, a, lda, g.W + p * g.PanelStride, c + col * ob, g.Ldc, g.Q, col, tile);
                    else
                        Q8GemmMicroKernel.Compute<TLanes, TVec, TTile, TKind>(rows, nc, g.KPairs, a, lda, g.W + p * g.PanelStride, c + col * ob, g.Ldc, g.Q, col, tile);
                }
            }
        }
    }
}
