using System.Runtime.CompilerServices;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// The quantized GEMM micro-kernel, written once over the lane width (TLanes), the tile height
/// (TTile) and the requantization (TKind), all JIT-time constants.
/// Tile: MR rows × NR = 2 vectors of int32 columns. A is int16 rows (<c>a − za</c>, see <see cref="Q8Widening"/>)
/// read as int32 pairs; B a <see cref="Q8GemmPackedWeights"/> panel. Per pair of K: two B vector loads, MR
/// broadcasts of one A pair, 2·MR <c>pmaddwd</c> + add into independent accumulators (14 chains for 7×32 on
/// AVX-512). The accumulators start at the panel's bias. The requantization runs on the tile while it is in
/// registers and each row is stored as NR bytes; a partial panel (nc &lt; NR) goes through a small stack buffer,
/// and a panel with at most one vector of live columns runs one vector per row. Rows past <c>mr</c> alias the
/// last valid row and are not stored, so the K loop never branches.
/// </summary>
internal static unsafe class Q8GemmMicroKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute<TLanes, TVec, TTile, TKind>(int mr, int nc, int kPairs, int* a, nint lda, int* w, byte* c, nint ldc,
        in Q8RequantArgs q, int col, int* tile)
        where TLanes : IQ8Lanes<TVec> where TVec : struct where TTile : IQ8GemmTile where TKind : IQ8RequantKind
    {
        int lanes = TLanes.Count;
        if (nc <= lanes)
        {
            ComputeHalf<TLanes, TVec, TTile, TKind>(mr, nc, kPairs, a, lda, w, c, ldc, q, col, tile);
            return;
        }
        int* a0 = a;
        int* a1 = mr > 1 ? a0 + lda : a0;
        int* a2 = mr > 2 ? a1 + lda : a1;
        int* a3 = mr > 3 ? a2 + lda : a2;
        int* a4 = mr > 4 ? a3 + lda : a3;
        int* a5 = mr > 5 ? a4 + lda : a4;
        int* a6 = mr > 6 ? a5 + lda : a5;

        TVec c00 = TLanes.Load(w), c01 = TLanes.Load(w + lanes);
        TVec c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
        TVec c40 = c00, c41 = c01, c50 = c00, c51 = c01, c60 = c00, c61 = c01;
        w += 2 * lanes;
        for (nint k = 0; k < kPairs; k++)
        {
            TVec b0 = TLanes.Load(w), b1 = TLanes.Load(w + lanes);
            w += 2 * lanes;
            TVec va = TLanes.Splat(a0[k]);
            c00 = TLanes.MultiplyAddAdjacent(c00, va, b0);
            c01 = TLanes.MultiplyAddAdjacent(c01, va, b1);
            if (TTile.MR > 1)
            {
                va = TLanes.Splat(a1[k]);
                c10 = TLanes.MultiplyAddAdjacent(c10, va, b0);
                c11 = TLanes.MultiplyAddAdjacent(c11, va, b1);
            }
            if (TTile.MR > 2)
            {
                va = TLanes.Splat(a2[k]);
                c20 = TLanes.MultiplyAddAdjacent(c20, va, b0);
                c21 = TLanes.MultiplyAddAdjacent(c21, va, b1);
            }
            if (TTile.MR > 3)
            {
                va = TLanes.Splat(a3[k]);
                c30 = TLanes.MultiplyAddAdjacent(c30, va, b0);
                c31 = TLanes.MultiplyAddAdjacent(c31, va, b1);
            }
            if (TTile.MR > 4)
            {
                va = TLanes.Splat(a4[k]);
                c40 = TLanes.MultiplyAddAdjacent(c40, va, b0);
                c41 = TLanes.MultiplyAddAdjacent(c41, va, b1);
            }
            if (TTile.MR > 5)
            {
                va = TLanes.Splat(a5[k]);
                c50 = TLanes.MultiplyAddAdjacent(c50, va, b0);
                c51 = TLanes.MultiplyAddAdjacent(c51, va, b1);
            }
            if (TTile.MR > 6)
            {
                va = TLanes.Splat(a6[k]);
                c60 = TLanes.MultiplyAddAdjacent(c60, va, b0);
                c61 = TLanes.MultiplyAddAdjacent(c61, va, b1);
            }
        }

        // The accumulators go to the tile buffer and are requantized from there: requantizing them in registers
        // leaves the JIT too few registers, and it then spills every accumulator inside the K loop.
        int stride = 2 * lanes;
        TLanes.Store(tile, c00);
        TLanes.Store(tile + lanes, c01);
        if (TTile.MR > 1) { TLanes.Store(tile + stride, c10); TLanes.Store(tile + stride + lanes, c11); }
        if (TTile.MR > 2) { TLanes.Store(tile + 2 * stride, c20); TLanes.Store(tile + 2 * stride + lanes, c21); }
        if (TTile.MR > 3) { TLanes.Store(tile + 3 * stride, c30); TLanes.Store(tile + 3 * stride + lanes, c31); }
        if (TTile.MR > 4) { TLanes.Store(tile + 4 * stride, c40); TLanes.Store(tile + 4 * stride + lanes, c41); }
        if (TTile.MR > 5) { TLanes.Store(tile + 5 * stride, c50); TLanes.Store(tile + 5 * stride + lanes, c51); }
        if (TTile.MR > 6) { TLanes.Store(tile + 6 * stride, c60); TLanes.Store(tile + 6 * stride + lanes, c61); }
        StoreTile<TLanes, TVec, TKind>(tile, stride, 2, mr, nc, c, ldc, q, col);
    }

    /// <summary>The tile with only the first vector of columns live (nc ≤ lanes): half the multiplies.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeHalf<TLanes, TVec, TTile, TKind>(int mr, int nc, int kPairs, int* a, nint lda, int* w, byte* c, nint ldc,
        in Q8RequantArgs q, int col, int* tile)
        where TLanes : IQ8Lanes<TVec> where TVec : struct where TTile : IQ8GemmTile where TKind : IQ8RequantKind
    {
        int lanes = TLanes.Count;
        int* a0 = a;
        int* a1 = mr > 1 ? a0 + lda : a0;
        int* a2 = mr > 2 ? a1 + lda : a1;
        int* a3 = mr > 3 ? a2 + lda : a2;
        int* a4 = mr > 4 ? a3 + lda : a3;
        int* a5 = mr > 5 ? a4 + lda : a4;
        int* a6 = mr > 6 ? a5 + lda : a5;

        TVec c0 = TLanes.Load(w);
        TVec c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0;
        w += 2 * lanes;
        for (nint k = 0; k < kPairs; k++)
        {
            TVec b0 = TLanes.Load(w);
            w += 2 * lanes;
            c0 = TLanes.MultiplyAddAdjacent(c0, TLanes.Splat(a0[k]), b0);
            if (TTile.MR > 1) c1 = TLanes.MultiplyAddAdjacent(c1, TLanes.Splat(a1[k]), b0);
            if (TTile.MR > 2) c2 = TLanes.MultiplyAddAdjacent(c2, TLanes.Splat(a2[k]), b0);
            if (TTile.MR > 3) c3 = TLanes.MultiplyAddAdjacent(c3, TLanes.Splat(a3[k]), b0);
            if (TTile.MR > 4) c4 = TLanes.MultiplyAddAdjacent(c4, TLanes.Splat(a4[k]), b0);
            if (TTile.MR > 5) c5 = TLanes.MultiplyAddAdjacent(c5, TLanes.Splat(a5[k]), b0);
            if (TTile.MR > 6) c6 = TLanes.MultiplyAddAdjacent(c6, TLanes.Splat(a6[k]), b0);
        }

        TLanes.Store(tile, c0);
        if (TTile.MR > 1) TLanes.Store(tile + lanes, c1);
        if (TTile.MR > 2) TLanes.Store(tile + 2 * lanes, c2);
        if (TTile.MR > 3) TLanes.Store(tile + 3 * lanes, c3);
        if (TTile.MR > 4) TLanes.Store(tile + 4 * lanes, c4);
        if (TTile.MR > 5) TLanes.Store(tile + 5 * lanes, c5);
        if (TTile.MR > 6) TLanes.Store(tile + 6 * lanes, c6);
        StoreTile<TLanes, TVec, TKind>(tile, lanes, 1, mr, nc, c, ldc, q, col);
    }

    /// <summary>
    /// Requantizes rows [0, mr) of the tile (<paramref name="vectors"/> vectors per row, row stride
    /// <paramref name="stride"/> ints) and stores each row's first <paramref name="nc"/> bytes (or, for
    /// <see cref="Q8Int32Accumulators"/>, its first nc accumulators; <paramref name="ldc"/> is in bytes either way).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void StoreTile<TLanes, TVec, TKind>(int* tile, int stride, int vectors, int mr, int nc, byte* c, nint ldc,
        in Q8RequantArgs q, int col)
        where TLanes : IQ8Lanes<TVec> where TVec : struct where TKind : IQ8RequantKind
    {
        int lanes = TLanes.Count;
        if (TKind.OutputBytes == 4)
        {
            // Raw accumulators: each row's first nc ints straight from the tile buffer.
            for (int r = 0; r < mr; r++, tile += stride, c += ldc)
            {
                if (nc == vectors * lanes)
                {
                    TLanes.Store((int*)c, TLanes.Load(tile));
                    if (vectors == 2) TLanes.Store((int*)c + lanes, TLanes.Load(tile + lanes));
                }
                else
                {
                    for (int j = 0; j < nc; j++) ((int*)c)[j] = tile[j];
                }
            }
            return;
        }
        if (nc != vectors * lanes)
        {
            StorePartialTile<TLanes, TVec, TKind>(tile, stride, vectors, mr, nc, c, ldc, q, col);
            return;
        }
        // Full rows: no call inside the loop, so the JIT keeps the loop's pointers in registers.
        if (vectors == 2)
        {
            for (int r = 0; r < mr; r++, tile += stride, c += ldc)
                TLanes.StoreBytes2(c, TKind.Requantize<TLanes, TVec>(TLanes.Load(tile), q, col),
                    TKind.Requantize<TLanes, TVec>(TLanes.Load(tile + lanes), q, col + lanes));
        }
        else
        {
            for (int r = 0; r < mr; r++, tile += stride, c += ldc)
                TLanes.StoreBytes(c, TKind.Requantize<TLanes, TVec>(TLanes.Load(tile), q, col));
        }
    }

    /// <summary>
    /// <see cref="StoreTile"/> for a partial panel (nc below the tile width): each row is narrowed into a stack
    /// buffer and its first nc bytes copied 8, 4, 2 and 1 at a time (out of line: panel tails only, e.g. N = 24).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining), SkipLocalsInit]
    private static void StorePartialTile<TLanes, TVec, TKind>(int* tile, int stride, int vectors, int mr, int nc, byte* c, nint ldc,
        in Q8RequantArgs q, int col)
        where TLanes : IQ8Lanes<TVec> where TVec : struct where TKind : IQ8RequantKind
    {
        int lanes = TLanes.Count;
        byte* tmp = stackalloc byte[128];
        for (int r = 0; r < mr; r++, tile += stride, c += ldc)
        {
            TVec r0 = TKind.Requantize<TLanes, TVec>(TLanes.Load(tile), q, col);
            TVec r1 = vectors == 2 ? TKind.Requantize<TLanes, TVec>(TLanes.Load(tile + lanes), q, col + lanes) : r0;
            TLanes.StoreBytes2(tmp, r0, r1);
            int j = 0;
            for (; j + 8 <= nc; j += 8) *(ulong*)(c + j) = *(ulong*)(tmp + j);
            if (j + 4 <= nc) { *(uint*)(c + j) = *(uint*)(tmp + j); j += 4; }
            if (j + 2 <= nc) { *(ushort*)(c + j) = *(ushort*)(tmp + j); j += 2; }
            if (j < nc) c[j] = tmp[j];
        }
    }
}
