using System.Runtime.CompilerServices;
using static Depthwise.Kernels.Depthwise.F32DepthwiseConvDriver;

namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// The specialized depthwise rows, written once for every square kernel size <typeparamref name="TK"/> (3 or 5) and
/// stride <typeparamref name="TS"/> (1 or 2), dilation 1, any pads, and every lane width; NHWC, one channel block of
/// <c>TL.Count</c> lanes per call. The sizes are type-level numbers (<see cref="Int3"/>…), JIT-time constants, so each
/// (geometry, width, activation) gets straight-line code.
/// <list type="bullet">
/// <item>Tile: 4 output pixels × one vector of channels. Each kernel row loads the <c>3·S + K</c> input columns the
/// 4 outputs share once and feeds every accumulator that uses them, column by column (3×3 s1: 12 FMAs per 6 loads;
/// 3×3 s2: 12 per 9; 5×5 s1: 20 per 8; 5×5 s2: 20 per 11). Each output still sums <c>bias + Σ_ky Σ_kx</c> in the
/// reference's order.</item>
/// <item>Weights: a 3×3 kernel keeps its 9 weights and the bias in registers for the whole row; 25 weights do not
/// fit next to the accumulators, so a 5×5 kernel row loads its 5 weights (L1-resident) once per tile.</item>
/// <item>Borders without a per-pixel slow path: kernel rows in the padding are skipped (null row pointer), so the
/// top and bottom rows run the same code; tiles whose columns reach into the left or right padding, and the last
/// partial tile, load zeros for the outside columns (<see cref="ClippedColumns"/>) and store only the outputs that
/// exist; interior tiles run with no checks at all (<see cref="UncheckedColumns"/>).</item>
/// <item>Row pairs (<typeparamref name="TR"/> = <see cref="Int2"/>): the interior computes two adjacent output rows
/// at once, so the input rows they share are walked once while their lines are in L1 (3×3 s1: 4 input rows for 2
/// output rows instead of 6; 3×3 s2: 5 for 6; 5×5 s1: 6 for 10). 5×5 s2 stays single-row: two rows share only 3 of
/// their 10 input rows; pairs measured no faster with 32 vector registers, slower with 16.</item>
/// </list>
/// </summary>
/// <typeparam name="TK">Kernel height and width.</typeparam>
/// <typeparam name="TS">Stride along both axes.</typeparam>
/// <typeparam name="TR">Output rows per interior tile: <see cref="Int1"/>, or <see cref="Int2"/> for row pairs.</typeparam>
internal readonly unsafe struct F32DepthwiseConvTiled<TK, TS, TR> : IF32DepthwiseRowKernel
    where TK : struct
    where TS : struct
    where TR : struct
{
    public static bool PairsRows => Unsafe.SizeOf<TR>() == 2;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row<TL, TV, TA>(in DepthwiseConvArgs a, int n, int oy, int c)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind =>
        Rows<TL, TV, TA, Int1>(a, n, oy, c);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowPair<TL, TV, TA>(in DepthwiseConvArgs a, int n, int oy, int c)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind =>
        Rows<TL, TV, TA, Int2>(a, n, oy, c);

    /// <summary>
    /// Output row <paramref name="oy"/> (and the row below it when <typeparamref name="TN"/> is 2): border tiles,
    /// interior tiles, border tiles. Border tiles always run one row at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows<TL, TV, TA, TN>(in DepthwiseConvArgs a, int n, int oy, int c)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind
        where TN : struct
    {
        bool pair = Unsafe.SizeOf<TN>() == 2;
        int s = Unsafe.SizeOf<TS>();
        float* image = Image(a, n) + c, output = OutputRow(a, n, oy) + c;
        float* below = pair ? output + (nint)a.OutputWidth * a.Channels : null;
        int iy0 = oy * s - a.PadTop, ow = a.OutputWidth, end = a.InteriorEnd;
        int x = Tiles<TL, TV, TA, ClippedColumns, Int1>(a, image, output, null, iy0, 0, c);
        if (pair) Tiles<TL, TV, TA, ClippedColumns, Int1>(a, image, below, null, iy0 + s, 0, c);
        if (x + 4 <= end) x = Tiles<TL, TV, TA, UncheckedColumns, TN>(a, image, output, below, iy0, x, c);
        if (x < ow)
        {
            Tiles<TL, TV, TA, ClippedColumns, Int1>(a, image, output, null, iy0, x, c);
            if (pair) Tiles<TL, TV, TA, ClippedColumns, Int1>(a, image, below, null, iy0 + s, x, c);
        }
    }

    /// <summary>
    /// The tiles from column <paramref name="x"/> on: interior tiles (<see cref="UncheckedColumns"/>, up to
    /// <c>InteriorEnd</c>; two output rows at once when <typeparamref name="TN"/> is 2, the second stored at
    /// <paramref name="below"/>), or border tiles (<see cref="ClippedColumns"/>: those that reach into the left or
    /// right padding or past the end of the row, up to the first interior tile). Returns the column it stopped at.
    /// Each instantiation is its own method with no call inside, so the accumulators and weights stay in registers:
    /// every vector register is caller-saved, so a call in their live range would spill them, and one method holding
    /// both tile kinds exhausts the JIT's tracked locals and leaves accumulators on the stack.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Tiles<TL, TV, TA, TC, TN>(in DepthwiseConvArgs a, float* image, float* output, float* below,
        int iy0, int x, int c)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind
        where TC : struct, IF32ColumnLoader
        where TN : struct
    {
        nint channels = a.Channels, cs = a.ChannelStride;
        // Input rows a tile spans: K, plus the stride for a row pair (at most 7, the row pointers below).
        int rows = Unsafe.SizeOf<TK>() + (Unsafe.SizeOf<TN>() - 1) * Unsafe.SizeOf<TS>();
        float* r0 = RowOrNull(a, image, iy0);
        float* r1 = rows > 1 ? RowOrNull(a, image, iy0 + 1) : null;
        float* r2 = rows > 2 ? RowOrNull(a, image, iy0 + 2) : null;
        float* r3 = rows > 3 ? RowOrNull(a, image, iy0 + 3) : null;
        float* r4 = rows > 4 ? RowOrNull(a, image, iy0 + 4) : null;
        float* r5 = rows > 5 ? RowOrNull(a, image, iy0 + 5) : null;
        float* r6 = rows > 6 ? RowOrNull(a, image, iy0 + 6) : null;
        float* wp = a.Weights + c;
        TV bias = TL.Load(wp);
        TV w00 = default, w01 = default, w02 = default, w10 = default, w11 = default, w12 = default;
        TV w20 = default, w21 = default, w22 = default;
        if (Unsafe.SizeOf<TK>() == 3)
        {
            w00 = TL.Load(wp + 1 * cs); w01 = TL.Load(wp + 2 * cs); w02 = TL.Load(wp + 3 * cs);
            w10 = TL.Load(wp + 4 * cs); w11 = TL.Load(wp + 5 * cs); w12 = TL.Load(wp + 6 * cs);
            w20 = TL.Load(wp + 7 * cs); w21 = TL.Load(wp + 8 * cs); w22 = TL.Load(wp + 9 * cs);
        }
        TV min = TL.Splat(a.Min), max = TL.Splat(a.Max);
        int width = a.Width;
        for (int ow = a.OutputWidth, start = a.InteriorStart, end = a.InteriorEnd;
             TC.Checked ? x < ow && (x < start || x + 4 > end) : x + 4 <= end; x += 4)
        {
            int ix0 = x * Unsafe.SizeOf<TS>() - a.PadLeft;
            nint offset = ix0 * channels;
            TV acc0 = bias, acc1 = bias, acc2 = bias, acc3 = bias;
            TV acc4 = bias, acc5 = bias, acc6 = bias, acc7 = bias;
            // The sizes go in as SizeOf (constants at import, see TypeNumbers.cs), never as locals or properties.
            InputRow<TL, TV, TC>(Unsafe.SizeOf<TK>(), Unsafe.SizeOf<TS>(), Unsafe.SizeOf<TN>(), 0, r0, offset, channels, ix0,
                width, wp, cs, w00, w01, w02, w10, w11, w12, w20, w21, w22,
                ref acc0, ref acc1, ref acc2, ref acc3, ref acc4, ref acc5, ref acc6, ref acc7);
            InputRow<TL, TV, TC>(Unsafe.SizeOf<TK>(), Unsafe.SizeOf<TS>(), Unsafe.SizeOf<TN>(), 1, r1, offset, channels, ix0,
                width, wp, cs, w00, w01, w02, w10, w11, w12, w20, w21, w22,
                ref acc0, ref acc1, ref acc2, ref acc3, ref acc4, ref acc5, ref acc6, ref acc7);
            InputRow<TL, TV, TC>(Unsafe.SizeOf<TK>(), Unsafe.SizeOf<TS>(), Unsafe.SizeOf<TN>(), 2, r2, offset, channels, ix0,
                width, wp, cs, w00, w01, w02, w10, w11, w12, w20, w21, w22,
                ref acc0, ref acc1, ref acc2, ref acc3, ref acc4, ref acc5, ref acc6, ref acc7);
            InputRow<TL, TV, TC>(Unsafe.SizeOf<TK>(), Unsafe.SizeOf<TS>(), Unsafe.SizeOf<TN>(), 3, r3, offset, channels, ix0,
                width, wp, cs, w00, w01, w02, w10, w11, w12, w20, w21, w22,
                ref acc0, ref acc1, ref acc2, ref acc3, ref acc4, ref acc5, ref acc6, ref acc7);
            InputRow<TL, TV, TC>(Unsafe.SizeOf<TK>(), Unsafe.SizeOf<TS>(), Unsafe.SizeOf<TN>(), 4, r4, offset, channels, ix0,
                width, wp, cs, w00, w01, w02, w10, w11, w12, w20, w21, w22,
                ref acc0, ref acc1, ref acc2, ref acc3, ref acc4, ref acc5, ref acc6, ref acc7);
            InputRow<TL, TV, TC>(Unsafe.SizeOf<TK>(), Unsafe.SizeOf<TS>(), Unsafe.SizeOf<TN>(), 5, r5, offset, channels, ix0,
                width, wp, cs, w00, w01, w02, w10, w11, w12, w20, w21, w22,
                ref acc0, ref acc1, ref acc2, ref acc3, ref acc4, ref acc5, ref acc6, ref acc7);
            InputRow<TL, TV, TC>(Unsafe.SizeOf<TK>(), Unsafe.SizeOf<TS>(), Unsafe.SizeOf<TN>(), 6, r6, offset, channels, ix0,
                width, wp, cs, w00, w01, w02, w10, w11, w12, w20, w21, w22,
                ref acc0, ref acc1, ref acc2, ref acc3, ref acc4, ref acc5, ref acc6, ref acc7);
            Store<TL, TV, TA>(output + x * channels, channels, TC.Checked ? ow - x : 4, acc0, acc1, acc2, acc3, min, max);
            if (Unsafe.SizeOf<TN>() == 2) Store<TL, TV, TA>(below + x * channels, channels, 4, acc4, acc5, acc6, acc7, min, max);
        }
        return x;
    }

    // The helpers below get the sizes (k, s, rows) and their indices (t, ky, i, j) as constant arguments, and branch
    // on them instead of selecting values: the JIT folds such a branch while it imports the inlined body, so only the
    // live calls are inlined, and nothing needs a temporary (the JIT stops inlining into a method with 512 locals).

    /// <summary>
    /// Input row <paramref name="t"/> of a tile of <paramref name="rows"/> output rows (null in the padding): kernel
    /// row t of the upper output row (acc0..3) and, for a pair, kernel row t − s of the lower one (acc4..7).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputRow<TL, TV, TC>(int k, int s, int rows, int t, float* r, nint offset, nint channels,
        int ix0, int width, float* wp, nint cs, TV w00, TV w01, TV w02, TV w10, TV w11, TV w12, TV w20, TV w21, TV w22,
        ref TV acc0, ref TV acc1, ref TV acc2, ref TV acc3, ref TV acc4, ref TV acc5, ref TV acc6, ref TV acc7)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TC : struct, IF32ColumnLoader
    {
        if (t < k && r != null)
        {
            HoistedRow<TL, TV, TC>(k, s, t, r + offset, channels, ix0, width, wp, cs,
                w00, w01, w02, w10, w11, w12, w20, w21, w22, ref acc0, ref acc1, ref acc2, ref acc3);
        }
        if (rows > 1 && t >= s && t - s < k && r != null)
        {
            HoistedRow<TL, TV, TC>(k, s, t - s, r + offset, channels, ix0, width, wp, cs,
                w00, w01, w02, w10, w11, w12, w20, w21, w22, ref acc4, ref acc5, ref acc6, ref acc7);
        }
    }

    /// <summary>Kernel row <paramref name="ky"/> with its three hoisted 3×3 weights (unused by larger kernels).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void HoistedRow<TL, TV, TC>(int k, int s, int ky, float* p, nint stride, int ix0, int width,
        float* wp, nint cs, TV w00, TV w01, TV w02, TV w10, TV w11, TV w12, TV w20, TV w21, TV w22,
        ref TV acc0, ref TV acc1, ref TV acc2, ref TV acc3)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TC : struct, IF32ColumnLoader
    {
        if (ky == 0)
            KernelRow<TL, TV, TC>(k, s, ky, p, stride, ix0, width, wp, cs, w00, w01, w02, ref acc0, ref acc1, ref acc2, ref acc3);
        else if (ky == 1)
            KernelRow<TL, TV, TC>(k, s, ky, p, stride, ix0, width, wp, cs, w10, w11, w12, ref acc0, ref acc1, ref acc2, ref acc3);
        else
            KernelRow<TL, TV, TC>(k, s, ky, p, stride, ix0, width, wp, cs, w20, w21, w22, ref acc0, ref acc1, ref acc2, ref acc3);
    }

    /// <summary>
    /// Kernel row <paramref name="ky"/> for 4 outputs: input columns 0 .. 3·s + k − 1 (at most 11, 5×5 stride 2),
    /// output j takes columns s·j .. s·j + k − 1. <paramref name="h0"/>..<paramref name="h2"/> are the row's hoisted
    /// 3×3 weights; a larger kernel loads its row's weights from the packed rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void KernelRow<TL, TV, TC>(int k, int s, int ky, float* p, nint stride, int ix0, int width, float* wp,
        nint cs, TV h0, TV h1, TV h2, ref TV acc0, ref TV acc1, ref TV acc2, ref TV acc3)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TC : struct, IF32ColumnLoader
    {
        TV w0 = h0, w1 = h1, w2 = h2, w3 = default, w4 = default;
        if (k > 3)
        {
            float* w = wp + (1 + ky * k) * cs;
            w0 = TL.Load(w); w1 = TL.Load(w + cs); w2 = TL.Load(w + 2 * cs); w3 = TL.Load(w + 3 * cs);
            if (k > 4) w4 = TL.Load(w + 4 * cs);
        }
        Column<TL, TV, TC>(k, s, 0, p, stride, ix0, width, w0, w1, w2, w3, w4, ref acc0, ref acc1, ref acc2, ref acc3);
        Column<TL, TV, TC>(k, s, 1, p, stride, ix0, width, w0, w1, w2, w3, w4, ref acc0, ref acc1, ref acc2, ref acc3);
        Column<TL, TV, TC>(k, s, 2, p, stride, ix0, width, w0, w1, w2, w3, w4, ref acc0, ref acc1, ref acc2, ref acc3);
        Column<TL, TV, TC>(k, s, 3, p, stride, ix0, width, w0, w1, w2, w3, w4, ref acc0, ref acc1, ref acc2, ref acc3);
        Column<TL, TV, TC>(k, s, 4, p, stride, ix0, width, w0, w1, w2, w3, w4, ref acc0, ref acc1, ref acc2, ref acc3);
        Column<TL, TV, TC>(k, s, 5, p, stride, ix0, width, w0, w1, w2, w3, w4, ref acc0, ref acc1, ref acc2, ref acc3);
        Column<TL, TV, TC>(k, s, 6, p, stride, ix0, width, w0, w1, w2, w3, w4, ref acc0, ref acc1, ref acc2, ref acc3);
        Column<TL, TV, TC>(k, s, 7, p, stride, ix0, width, w0, w1, w2, w3, w4, ref acc0, ref acc1, ref acc2, ref acc3);
        Column<TL, TV, TC>(k, s, 8, p, stride, ix0, width, w0, w1, w2, w3, w4, ref acc0, ref acc1, ref acc2, ref acc3);
        Column<TL, TV, TC>(k, s, 9, p, stride, ix0, width, w0, w1, w2, w3, w4, ref acc0, ref acc1, ref acc2, ref acc3);
        Column<TL, TV, TC>(k, s, 10, p, stride, ix0, width, w0, w1, w2, w3, w4, ref acc0, ref acc1, ref acc2, ref acc3);
    }

    /// <summary>Input column <paramref name="i"/> of a kernel row: loaded once, fed to every output that uses it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column<TL, TV, TC>(int k, int s, int i, float* p, nint stride, int ix0, int width, TV w0, TV w1,
        TV w2, TV w3, TV w4, ref TV acc0, ref TV acc1, ref TV acc2, ref TV acc3)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TC : struct, IF32ColumnLoader
    {
        if (i >= 3 * s + k) return;
        TV v = TC.Load<TL, TV>(p, i, stride, ix0, width);
        // Output j takes weight i − s·j, if that is one of the row's k. Written out rather than through a helper:
        // the 5×5 row pair inlines 200 taps, and a helper level per tap exhausts the JIT's inlining budget.
        if (i == 0) acc0 = TL.MultiplyAdd(v, w0, acc0);
        else if (i == 1) acc0 = TL.MultiplyAdd(v, w1, acc0);
        else if (i == 2 && k > 2) acc0 = TL.MultiplyAdd(v, w2, acc0);
        else if (i == 3 && k > 3) acc0 = TL.MultiplyAdd(v, w3, acc0);
        else if (i == 4 && k > 4) acc0 = TL.MultiplyAdd(v, w4, acc0);
        if (i - s == 0) acc1 = TL.MultiplyAdd(v, w0, acc1);
        else if (i - s == 1) acc1 = TL.MultiplyAdd(v, w1, acc1);
        else if (i - s == 2 && k > 2) acc1 = TL.MultiplyAdd(v, w2, acc1);
        else if (i - s == 3 && k > 3) acc1 = TL.MultiplyAdd(v, w3, acc1);
        else if (i - s == 4 && k > 4) acc1 = TL.MultiplyAdd(v, w4, acc1);
        if (i - 2 * s == 0) acc2 = TL.MultiplyAdd(v, w0, acc2);
        else if (i - 2 * s == 1) acc2 = TL.MultiplyAdd(v, w1, acc2);
        else if (i - 2 * s == 2 && k > 2) acc2 = TL.MultiplyAdd(v, w2, acc2);
        else if (i - 2 * s == 3 && k > 3) acc2 = TL.MultiplyAdd(v, w3, acc2);
        else if (i - 2 * s == 4 && k > 4) acc2 = TL.MultiplyAdd(v, w4, acc2);
        if (i - 3 * s == 0) acc3 = TL.MultiplyAdd(v, w0, acc3);
        else if (i - 3 * s == 1) acc3 = TL.MultiplyAdd(v, w1, acc3);
        else if (i - 3 * s == 2 && k > 2) acc3 = TL.MultiplyAdd(v, w2, acc3);
        else if (i - 3 * s == 3 && k > 3) acc3 = TL.MultiplyAdd(v, w3, acc3);
        else if (i - 3 * s == 4 && k > 4) acc3 = TL.MultiplyAdd(v, w4, acc3);
    }
}
