using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Depthwise.Kernels.Gemm;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// The quantized GEMM on AVX-VNNI (<c>vpdpbusd</c>, VEX 256-bit: 8 int32 lanes, each += four uint8 × int8
/// products): <c>C[M×N] = requantize(bias + Σ_k (A − za)(B − zb))</c> from 8-bit A and B packed by
/// <see cref="Q8VnniPackedWeights"/> (zero-point terms folded, see there), bit-identical to
/// <see cref="Q8GemmReference"/>. A is read as bytes, with no widening: straight from the caller's rows when it is
/// uint8 with K a multiple of 4, else copied per M-tile into scratch (int8 flipped to a + 128, K zero-padded to a
/// multiple of 4). Tile: 6 rows × 16 columns in 12 ymm accumulators (the VEX form reaches ymm0–15 only: 12 + 2 B +
/// 1 broadcast); a panel with at most 8 live columns (N = 24's tail) runs 6 × 8, a tile of one row (M = 1) the
/// one-row kernel with split K chains. The accumulators go to a tile
/// buffer and are requantized from there a row (16 columns) at a time with the widest <see cref="IQ8Lanes{TVec}"/>.
/// Chosen once at plan time (<see cref="IsSupported"/>); Run allocates nothing and may run on several threads at once
/// on disjoint tile ranges, each with its own scratch.
/// </summary>
public static unsafe class Q8VnniGemm
{
    /// <summary>Rows of C per micro-tile.</summary>
    public const int MR = 6;

    /// <summary>Columns per micro-tile (the packed panel width).</summary>
    public const int NR = Q8VnniPackedWeights.NR;

    /// <summary>Bytes of packed B kept hot per block.</summary>
    private const int L2BudgetBytes = 512 * 1024;

    /// <summary>True when the CPU and runtime have AVX-VNNI (honours <c>DOTNET_EnableAVXVNNI</c> and the AVX2 switch).</summary>
    public static bool IsSupported => AvxVnni.IsSupported && Avx2.IsSupported;

    /// <summary>The variant name for kernel listings.</summary>
    public static string Name => "Q8Gemm_6x16_AvxVnni";

    /// <summary>The full kernel name in the DESIGN grammar, e.g. <c>QU8GemmRoundHalfEven_6x16_AvxVnni</c>.</summary>
    public static string KernelName(bool aSigned, RequantizeMode mode) =>
        $"{(aSigned ? "QS8" : "QU8")}Gemm{(mode == RequantizeMode.TfLiteFixedPoint ? "FixedPoint" : "RoundHalfEven")}_6x16_AvxVnni";

    /// <summary>Number of M-tiles for <paramref name="m"/> rows.</summary>
    public static int MTileCount(int m) => (m + MR - 1) / MR;

    /// <summary>The whole output as one tile range.</summary>
    public static GemmTileRange FullRange(int m, Q8VnniPackedWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return new(0, MTileCount(m), 0, weights.PanelCount);
    }

    /// <summary>Bytes of scratch one Run needs: one M-tile of A rows (padded to a multiple of 4) and its row sums.</summary>
    public static int ScratchBytes(int k) => MR * 4 * ((k + 3) / 4) + 8 * sizeof(int);

    /// <summary>
    /// Computes the tiles of <paramref name="range"/>: A is M×K bytes with row stride <paramref name="lda"/> (of the
    /// type and zero point <paramref name="weights"/> were packed for), C M×N bytes with row stride <paramref name="ldc"/>.
    /// </summary>
    public static void Run(Q8VnniPackedWeights weights, Q8Requantization requantization, int m, ReadOnlySpan<byte> a, int lda,
        Span<byte> c, int ldc, GemmTileRange range, Span<byte> scratch)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(requantization);
        if (!IsSupported) throw new PlatformNotSupportedException($"{Name} is not supported on this CPU/runtime");
        if (requantization.Channels != weights.N)
            throw new ArgumentException($"the requantization has {requantization.Channels} channels; the GEMM has N={weights.N} columns", nameof(requantization));
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        if (range.MTileStart < 0 || range.MTileEnd > MTileCount(m) || range.PanelStart < 0 || range.PanelEnd > weights.PanelCount)
            throw new ArgumentOutOfRangeException(nameof(range), $"{range} is outside {MTileCount(m)} M-tiles × {weights.PanelCount} panels");
        if (range.IsEmpty || m == 0 || weights.N == 0) return;
        CheckMatrix(c.Length, m, weights.N, ldc, nameof(c));
        CheckMatrix(a.Length, m, weights.K, lda, nameof(a));
        if (scratch.Length < ScratchBytes(weights.K)) throw new ArgumentException($"scratch holds {scratch.Length} bytes; {ScratchBytes(weights.K)} needed", nameof(scratch));
        fixed (byte* pa = a)
        fixed (byte* pc = c)
        fixed (byte* ps = scratch)
        {
            var args = new Args
            {
                W = weights.Pointer, PanelStride = weights.PanelStride, K = weights.K, KQuads = weights.KQuads,
                A = pa, Lda = lda, ASigned = weights.ASigned, Scratch = ps, C = pc, Ldc = ldc, M = m, N = weights.N,
                Q = requantization.Args, Range = range, NegZb = weights.FirstNegatedZeroPoint,
                PanelsPerBlock = Math.Max(1, L2BudgetBytes / Math.Max(1, weights.PanelStride * sizeof(int))),
            };
            int rowSums = !weights.NeedsRowSums ? 0 : weights.UniformZeroPoint ? 1 : 2;
            bool fixedPoint = requantization.Mode == RequantizeMode.TfLiteFixedPoint;
            if (Q8Lanes512.IsSupported)
            {
                if (fixedPoint) Dispatch<Q8Lanes512, Vector512<int>, Q8FixedPointRequant>(args, rowSums);
                else Dispatch<Q8Lanes512, Vector512<int>, Q8RoundHalfEvenRequant>(args, rowSums);
            }
            else
            {
                if (fixedPoint) Dispatch<Q8Lanes256, Vector256<int>, Q8FixedPointRequant>(args, rowSums);
                else Dispatch<Q8Lanes256, Vector256<int>, Q8RoundHalfEvenRequant>(args, rowSums);
            }
        }
    }

    private static void Dispatch<TLanes, TVec, TKind>(in Args g, int rowSums)
        where TLanes : IQ8Lanes<TVec> where TVec : struct where TKind : IQ8RequantKind
    {
        if (rowSums == 2) Drive<TLanes, TVec, TKind, WithRowSums>(g);
        else if (rowSums == 1) Drive<TLanes, TVec, TKind, UniformRowSums>(g);
        else Drive<TLanes, TVec, TKind, NoRowSums>(g);
    }

    private static void CheckMatrix(int length, int rows, int cols, int stride, string name)
    {
        if (stride < cols && rows > 1) throw new ArgumentOutOfRangeException(name, $"row stride {stride} is less than the {cols} columns");
        long needed = (long)(rows - 1) * stride + cols;
        if (cols > 0 && needed > length)
            throw new ArgumentException($"{name} needs {needed} elements for {rows}×{cols} (stride {stride}), holds {length}", name);
    }

    private struct Args
    {
        public int* W;
        public int PanelStride;
        public int K;
        public int KQuads;
        public byte* A;
        public nint Lda;
        public bool ASigned;
        public byte* Scratch;
        public byte* C;
        public nint Ldc;
        public int M;
        public int N;
        public Q8RequantArgs Q;
        public GemmTileRange Range;
        public int PanelsPerBlock;
        public int NegZb;
    }

    /// <summary>Whether tiles add the row term −zb'·Σa', and whether −zb' is one value for every column.</summary>
    private interface IRowSums
    {
        static abstract bool Enabled { get; }

        static abstract bool Uniform { get; }
    }

    /// <summary>Per-column zb': the row sums times the panel's −zb' vector.</summary>
    private readonly struct WithRowSums : IRowSums
    {
        public static bool Enabled => true;

        public static bool Uniform => false;
    }

    /// <summary>One zb' (per-tensor weights): each row's term −zb'·Σa' is a scalar computed once per M-tile.</summary>
    private readonly struct UniformRowSums : IRowSums
    {
        public static bool Enabled => true;

        public static bool Uniform => true;
    }

    /// <summary>Every zb' = 0: no row term.</summary>
    private readonly struct NoRowSums : IRowSums
    {
        public static bool Enabled => false;

        public static bool Uniform => false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    private static void Drive<TLanes, TVec, TKind, TSums>(in Args g)
        where TLanes : IQ8Lanes<TVec> where TVec : struct where TKind : IQ8RequantKind where TSums : IRowSums
    {
        var range = g.Range;
        int block = g.PanelsPerBlock;
        int kPadded = 4 * g.KQuads;
        bool direct = !g.ASigned && (g.K & 3) == 0;
        int* tile = stackalloc int[MR * NR];
        int* sums = (int*)(g.Scratch + MR * kPadded);
        for (int pb = range.PanelStart; pb < range.PanelEnd; pb += block)
        {
            int pe = Math.Min(pb + block, range.PanelEnd);
            for (int t = range.MTileStart; t < range.MTileEnd; t++)
            {
                int row = t * MR;
                int rows = Math.Min(MR, g.M - row);
                byte* a;
                nint lda;
                if (direct)
                {
                    a = g.A + row * g.Lda;
                    lda = g.Lda;
                }
                else
                {
                    for (int i = 0; i < rows; i++)
                        CopyRow(g.A + (row + i) * g.Lda, g.K, g.ASigned, g.Scratch + i * kPadded, kPadded);
                    a = g.Scratch;
                    lda = kPadded;
                }
                if (TSums.Enabled)
                    for (int i = 0; i < rows; i++) sums[i] = TSums.Uniform ? unchecked(RowSum(a + i * lda, g.K) * g.NegZb) : RowSum(a + i * lda, g.K);
                byte* c = g.C + row * g.Ldc;
                for (int p = pb; p < pe; p++)
                {
                    int col = p * NR;
                    int nc = Math.Min(NR, g.N - col);
                    int* w = g.W + p * g.PanelStride;
                    if (rows == 1)
                        ComputeRow(g.KQuads, a, w, tile);
                    else if (nc == NR && TLanes.Count == NR)
                    {
                        ComputeRequantize<TKind, TSums>(rows, g.KQuads, a, lda, w, c + col, g.Ldc, g.Q, col, sums);
                        continue;
                    }
                    else if (nc > NR / 2) Compute(rows, g.KQuads, a, lda, w, tile);
                    else ComputeHalf(rows, g.KQuads, a, lda, w, tile);
                    if (TSums.Enabled) AddRowTerms<TSums>(tile, rows, sums, w + NR);
                    Q8GemmMicroKernel.StoreTile<TLanes, TVec, TKind>(tile, NR, NR / TLanes.Count, rows, nc, c + col, g.Ldc, g.Q, col);
                }
            }
        }
    }

    /// <summary>dst = the row's K bytes (int8 flipped to a + 128), then zeros up to <paramref name="padded"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(byte* src, int k, bool signed, byte* dst, int padded)
    {
        int i = 0;
        Vector256<byte> flip = Vector256.Create(signed ? (byte)0x80 : (byte)0);
        for (; i + 32 <= k; i += 32) (Vector256.Load(src + i) ^ flip).Store(dst + i);
        byte f = signed ? (byte)0x80 : (byte)0;
        for (; i < k; i++) dst[i] = (byte)(src[i] ^ f);
        for (; i < padded; i++) dst[i] = 0;
    }

    /// <summary>Σ of the first <paramref name="k"/> unsigned bytes (vpsadbw against zero: 32, 16, 8 at a time).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RowSum(byte* a, int k)
    {
        int i = 0;
        Vector256<ulong> acc = Vector256<ulong>.Zero;
        for (; i + 32 <= k; i += 32) acc += Avx2.SumAbsoluteDifferences(Vector256.Load(a + i), Vector256<byte>.Zero).AsUInt64();
        Vector128<ulong> acc128 = acc.GetLower() + acc.GetUpper();
        if (i + 16 <= k)
        {
            acc128 += Sse2.SumAbsoluteDifferences(Vector128.Load(a + i), Vector128<byte>.Zero).AsUInt64();
            i += 16;
        }
        if (i + 8 <= k)
        {
            acc128 += Sse2.SumAbsoluteDifferences(Vector128.CreateScalar(*(ulong*)(a + i)).AsByte(), Vector128<byte>.Zero).AsUInt64();
            i += 8;
        }
        int sum = (int)(acc128.GetElement(0) + acc128.GetElement(1));
        for (; i < k; i++) sum += a[i];
        return sum;
    }

    /// <summary>
    /// tile[r, n] += Σa'(r) · (−zb'(n)) for the tile's rows: the row term of the zero-point expansion (with
    /// <see cref="UniformRowSums"/>, <paramref name="sums"/> already hold the products).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRowTerms<TSums>(int* tile, int rows, int* sums, int* negZb) where TSums : IRowSums
    {
        Vector256<int> z0 = Vector256.Load(negZb), z1 = Vector256.Load(negZb + 8);
        for (int r = 0; r < rows; r++, tile += NR)
        {
            Vector256<int> s0 = Vector256.Create(sums[r]), s1 = s0;
            if (!TSums.Uniform)
            {
                s0 *= z0;
                s1 *= z1;
            }
            (Vector256.Load(tile) + s0).Store(tile);
            (Vector256.Load(tile + 8) + s1).Store(tile + 8);
        }
    }

    /// <summary>
    /// The 6×16 tile: per quad of K two B loads, one 4-byte broadcast per row and two <c>vpdpbusd</c> per row into
    /// accumulators that start at the folded bias. Rows past <paramref name="mr"/> alias the last valid row (not
    /// stored). Writes the accumulators to <paramref name="tile"/> (row stride 16).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compute(int mr, int kQuads, byte* a, nint lda, int* w, int* tile)
    {
        byte* a0 = a;
        byte* a1 = mr > 1 ? a0 + lda : a0;
        byte* a2 = mr > 2 ? a1 + lda : a1;
        byte* a3 = mr > 3 ? a2 + lda : a2;
        byte* a4 = mr > 4 ? a3 + lda : a3;
        byte* a5 = mr > 5 ? a4 + lda : a4;
        Vector256<int> c00 = Vector256.Load(w), c01 = Vector256.Load(w + 8);
        Vector256<int> c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01, c40 = c00, c41 = c01, c50 = c00, c51 = c01;
        w += 2 * NR;
        for (nint k = 0; k < kQuads; k++, w += NR)
        {
            Vector256<sbyte> b0 = Vector256.Load((sbyte*)w), b1 = Vector256.Load((sbyte*)(w + 8));
            Vector256<byte> va = Vector256.Create(*(int*)(a0 + 4 * k)).AsByte();
            c00 = AvxVnni.MultiplyWideningAndAdd(c00, va, b0);
            c01 = AvxVnni.MultiplyWideningAndAdd(c01, va, b1);
            va = Vector256.Create(*(int*)(a1 + 4 * k)).AsByte();
            c10 = AvxVnni.MultiplyWideningAndAdd(c10, va, b0);
            c11 = AvxVnni.MultiplyWideningAndAdd(c11, va, b1);
            va = Vector256.Create(*(int*)(a2 + 4 * k)).AsByte();
            c20 = AvxVnni.MultiplyWideningAndAdd(c20, va, b0);
            c21 = AvxVnni.MultiplyWideningAndAdd(c21, va, b1);
            va = Vector256.Create(*(int*)(a3 + 4 * k)).AsByte();
            c30 = AvxVnni.MultiplyWideningAndAdd(c30, va, b0);
            c31 = AvxVnni.MultiplyWideningAndAdd(c31, va, b1);
            va = Vector256.Create(*(int*)(a4 + 4 * k)).AsByte();
            c40 = AvxVnni.MultiplyWideningAndAdd(c40, va, b0);
            c41 = AvxVnni.MultiplyWideningAndAdd(c41, va, b1);
            va = Vector256.Create(*(int*)(a5 + 4 * k)).AsByte();
            c50 = AvxVnni.MultiplyWideningAndAdd(c50, va, b0);
            c51 = AvxVnni.MultiplyWideningAndAdd(c51, va, b1);
        }
        c00.Store(tile); c01.Store(tile + 8);
        c10.Store(tile + NR); c11.Store(tile + NR + 8);
        c20.Store(tile + 2 * NR); c21.Store(tile + 2 * NR + 8);
        c30.Store(tile + 3 * NR); c31.Store(tile + 3 * NR + 8);
        c40.Store(tile + 4 * NR); c41.Store(tile + 4 * NR + 8);
        c50.Store(tile + 5 * NR); c51.Store(tile + 5 * NR + 8);
    }

    /// <summary>
    /// The full 6×16 tile with AVX-512 requantization straight from the registers: each row's two ymm accumulators
    /// become one zmm (plus the row term when <typeparamref name="TSums"/> says so), are requantized and stored as 16
    /// bytes; rows past <paramref name="mr"/> are not stored. Saves the tile buffer's round trip, which dominates at
    /// small K.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeRequantize<TKind, TSums>(int mr, int kQuads, byte* a, nint lda, int* w, byte* c, nint ldc,
        in Q8RequantArgs q, int col, int* sums)
        where TKind : IQ8RequantKind where TSums : IRowSums
    {
        byte* a0 = a;
        byte* a1 = mr > 1 ? a0 + lda : a0;
        byte* a2 = mr > 2 ? a1 + lda : a1;
        byte* a3 = mr > 3 ? a2 + lda : a2;
        byte* a4 = mr > 4 ? a3 + lda : a3;
        byte* a5 = mr > 5 ? a4 + lda : a4;
        int* bias = w;
        Vector256<int> c00 = Vector256.Load(w), c01 = Vector256.Load(w + 8);
        Vector256<int> c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01, c40 = c00, c41 = c01, c50 = c00, c51 = c01;
        w += 2 * NR;
        for (nint k = 0; k < kQuads; k++, w += NR)
        {
            Vector256<sbyte> b0 = Vector256.Load((sbyte*)w), b1 = Vector256.Load((sbyte*)(w + 8));
            Vector256<byte> va = Vector256.Create(*(int*)(a0 + 4 * k)).AsByte();
            c00 = AvxVnni.MultiplyWideningAndAdd(c00, va, b0);
            c01 = AvxVnni.MultiplyWideningAndAdd(c01, va, b1);
            va = Vector256.Create(*(int*)(a1 + 4 * k)).AsByte();
            c10 = AvxVnni.MultiplyWideningAndAdd(c10, va, b0);
            c11 = AvxVnni.MultiplyWideningAndAdd(c11, va, b1);
            va = Vector256.Create(*(int*)(a2 + 4 * k)).AsByte();
            c20 = AvxVnni.MultiplyWideningAndAdd(c20, va, b0);
            c21 = AvxVnni.MultiplyWideningAndAdd(c21, va, b1);
            va = Vector256.Create(*(int*)(a3 + 4 * k)).AsByte();
            c30 = AvxVnni.MultiplyWideningAndAdd(c30, va, b0);
            c31 = AvxVnni.MultiplyWideningAndAdd(c31, va, b1);
            va = Vector256.Create(*(int*)(a4 + 4 * k)).AsByte();
            c40 = AvxVnni.MultiplyWideningAndAdd(c40, va, b0);
            c41 = AvxVnni.MultiplyWideningAndAdd(c41, va, b1);
            va = Vector256.Create(*(int*)(a5 + 4 * k)).AsByte();
            c50 = AvxVnni.MultiplyWideningAndAdd(c50, va, b0);
            c51 = AvxVnni.MultiplyWideningAndAdd(c51, va, b1);
        }
        Vector512<int> negZb = TSums.Enabled && !TSums.Uniform ? Vector512.Load(bias + NR) : default;
        StoreRow<TKind, TSums>(c00, c01, c, q, col, sums, 0, negZb);
        if (mr > 1) StoreRow<TKind, TSums>(c10, c11, c + ldc, q, col, sums, 1, negZb);
        if (mr > 2) StoreRow<TKind, TSums>(c20, c21, c + 2 * ldc, q, col, sums, 2, negZb);
        if (mr > 3) StoreRow<TKind, TSums>(c30, c31, c + 3 * ldc, q, col, sums, 3, negZb);
        if (mr > 4) StoreRow<TKind, TSums>(c40, c41, c + 4 * ldc, q, col, sums, 4, negZb);
        if (mr > 5) StoreRow<TKind, TSums>(c50, c51, c + 5 * ldc, q, col, sums, 5, negZb);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TKind, TSums>(Vector256<int> lo, Vector256<int> hi, byte* c, in Q8RequantArgs q, int col, int* sums, int r,
        Vector512<int> negZb)
        where TKind : IQ8RequantKind where TSums : IRowSums
    {
        Vector512<int> acc = Vector512.Create(lo, hi);
        if (TSums.Uniform) acc += Vector512.Create(sums[r]);
        else if (TSums.Enabled) acc += Vector512.Create(sums[r]) * negZb;
        Q8Lanes512.StoreBytes(c, TKind.Requantize<Q8Lanes512, Vector512<int>>(acc, q, col));
    }

    /// <summary>
    /// One row × 16 columns (M = 1, the classifier, or a last tile of one row): the even and odd quads of K go to
    /// separate accumulators, so four <c>vpdpbusd</c> chains hide the instruction's latency while B streams past.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeRow(int kQuads, byte* a, int* w, int* tile)
    {
        Vector256<int> c0 = Vector256.Load(w), c1 = Vector256.Load(w + 8);
        Vector256<int> d0 = Vector256<int>.Zero, d1 = Vector256<int>.Zero;
        w += 2 * NR;
        nint k = 0;
        for (; k + 2 <= kQuads; k += 2, w += 2 * NR)
        {
            Vector256<byte> va = Vector256.Create(*(int*)(a + 4 * k)).AsByte();
            Vector256<byte> vb = Vector256.Create(*(int*)(a + 4 * k + 4)).AsByte();
            c0 = AvxVnni.MultiplyWideningAndAdd(c0, va, Vector256.Load((sbyte*)w));
            c1 = AvxVnni.MultiplyWideningAndAdd(c1, va, Vector256.Load((sbyte*)(w + 8)));
            d0 = AvxVnni.MultiplyWideningAndAdd(d0, vb, Vector256.Load((sbyte*)(w + NR)));
            d1 = AvxVnni.MultiplyWideningAndAdd(d1, vb, Vector256.Load((sbyte*)(w + NR + 8)));
        }
        if (k < kQuads)
        {
            Vector256<byte> va = Vector256.Create(*(int*)(a + 4 * k)).AsByte();
            c0 = AvxVnni.MultiplyWideningAndAdd(c0, va, Vector256.Load((sbyte*)w));
            c1 = AvxVnni.MultiplyWideningAndAdd(c1, va, Vector256.Load((sbyte*)(w + 8)));
        }
        (c0 + d0).Store(tile);
        (c1 + d1).Store(tile + 8);
    }

    /// <summary>The 6×8 tile of a panel with at most 8 live columns (its first B vector only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeHalf(int mr, int kQuads, byte* a, nint lda, int* w, int* tile)
    {
        byte* a0 = a;
        byte* a1 = mr > 1 ? a0 + lda : a0;
        byte* a2 = mr > 2 ? a1 + lda : a1;
        byte* a3 = mr > 3 ? a2 + lda : a2;
        byte* a4 = mr > 4 ? a3 + lda : a3;
        byte* a5 = mr > 5 ? a4 + lda : a4;
        Vector256<int> c0 = Vector256.Load(w);
        Vector256<int> c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        w += 2 * NR;
        for (nint k = 0; k < kQuads; k++, w += NR)
        {
            Vector256<sbyte> b0 = Vector256.Load((sbyte*)w);
            c0 = AvxVnni.MultiplyWideningAndAdd(c0, Vector256.Create(*(int*)(a0 + 4 * k)).AsByte(), b0);
            c1 = AvxVnni.MultiplyWideningAndAdd(c1, Vector256.Create(*(int*)(a1 + 4 * k)).AsByte(), b0);
            c2 = AvxVnni.MultiplyWideningAndAdd(c2, Vector256.Create(*(int*)(a2 + 4 * k)).AsByte(), b0);
            c3 = AvxVnni.MultiplyWideningAndAdd(c3, Vector256.Create(*(int*)(a3 + 4 * k)).AsByte(), b0);
            c4 = AvxVnni.MultiplyWideningAndAdd(c4, Vector256.Create(*(int*)(a4 + 4 * k)).AsByte(), b0);
            c5 = AvxVnni.MultiplyWideningAndAdd(c5, Vector256.Create(*(int*)(a5 + 4 * k)).AsByte(), b0);
        }
        c0.Store(tile);
        c1.Store(tile + NR);
        c2.Store(tile + 2 * NR);
        c3.Store(tile + 3 * NR);
        c4.Store(tile + 4 * NR);
        c5.Store(tile + 5 * NR);
    }
}
