using System.Runtime.CompilerServices;
using static Depthwise.Kernels.Depthwise.F32DepthwiseConvDriver;

namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// 3×3 depthwise rows, stride 1, dilation 1, any pads; NHWC, one channel block of <c>TL.Count</c> lanes per call.
/// Tile: 4 output pixels × one vector of channels. Each kernel row loads the 6 input columns the 4 outputs
/// share once and feeds every accumulator that uses them (12 FMAs per 6 input loads).
/// The 9 tap weights and the bias stay in registers for the whole row.
/// Borders without a per-pixel slow path: kernel rows in the padding are skipped (null row pointer), so the top
/// and bottom rows run the same code; tiles whose columns reach into the left or right padding, and the last
/// partial tile, load zeros for the outside columns (<see cref="ClippedColumns"/>) and store only the outputs
/// that exist; interior tiles run with no checks at all (<see cref="UncheckedColumns"/>). When the driver hands
/// over two adjacent output rows (<see cref="RowPair"/>), the interior computes both at once, so the input rows
/// they share are walked once: 4 input rows for 2 output rows instead of 6.
/// </summary>
internal readonly unsafe struct F32DepthwiseConv3x3s1 : IF32DepthwiseRowKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row<TL, TV, TA>(in DepthwiseConvArgs a, int n, int oy, int c)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind
    {
        float* image = Image(a, n) + c, output = OutputRow(a, n, oy) + c;
        int iy0 = oy - a.PadTop, ow = a.OutputWidth, end = a.InteriorEnd;
        int x = BorderTiles<TL, TV, TA>(a, image, output, iy0, 0, c);
        if (x + 4 <= end) x = InteriorTiles<TL, TV, TA>(a, image, output, iy0, x, c);
        if (x < ow) BorderTiles<TL, TV, TA>(a, image, output, iy0, x, c);
    }

    public static bool PairsRows => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowPair<TL, TV, TA>(in DepthwiseConvArgs a, int n, int oy, int c)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind
    {
        float* image = Image(a, n) + c, output = OutputRow(a, n, oy) + c, below = output + (nint)a.OutputWidth * a.Channels;
        int iy0 = oy - a.PadTop, ow = a.OutputWidth, end = a.InteriorEnd;
        int x = BorderTiles<TL, TV, TA>(a, image, output, iy0, 0, c);
        BorderTiles<TL, TV, TA>(a, image, below, iy0 + 1, 0, c);
        if (x + 4 <= end) x = InteriorTilePairs<TL, TV, TA>(a, image, output, below, iy0, x, c);
        if (x < ow)
        {
            BorderTiles<TL, TV, TA>(a, image, output, iy0, x, c);
            BorderTiles<TL, TV, TA>(a, image, below, iy0 + 1, x, c);
        }
    }

    /// <summary>
    /// <see cref="InteriorTiles"/> for two output rows at once: the 4 input rows they span are walked once,
    /// the 2 rows they share feed both tiles while their lines are in L1 (tile 4 pixels × 2 rows × one vector).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int InteriorTilePairs<TL, TV, TA>(in DepthwiseConvArgs a, float* image, float* output, float* below, int iy0, int x, int c)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind
    {
        nint channels = a.Channels, cs = a.ChannelStride;
        float* r0 = RowOrNull(a, image, iy0);
        float* r1 = RowOrNull(a, image, iy0 + 1);
        float* r2 = RowOrNull(a, image, iy0 + 2);
        float* r3 = RowOrNull(a, image, iy0 + 3);
        float* wp = a.Weights + c;
        TV bias = TL.Load(wp);
        TV w00 = TL.Load(wp + 1 * cs), w01 = TL.Load(wp + 2 * cs), w02 = TL.Load(wp + 3 * cs);
        TV w10 = TL.Load(wp + 4 * cs), w11 = TL.Load(wp + 5 * cs), w12 = TL.Load(wp + 6 * cs);
        TV w20 = TL.Load(wp + 7 * cs), w21 = TL.Load(wp + 8 * cs), w22 = TL.Load(wp + 9 * cs);
        TV min = TL.Splat(a.Min), max = TL.Splat(a.Max);
        for (int end = a.InteriorEnd; x + 4 <= end; x += 4)
        {
            int ix0 = x - a.PadLeft;
            nint offset = ix0 * channels;
            TV acc0 = bias, acc1 = bias, acc2 = bias, acc3 = bias;
            TV acc4 = bias, acc5 = bias, acc6 = bias, acc7 = bias;
            if (r0 != null) Taps<TL, TV, UncheckedColumns>(r0 + offset, channels, ix0, a.Width, w00, w01, w02, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r1 != null)
            {
                Taps<TL, TV, UncheckedColumns>(r1 + offset, channels, ix0, a.Width, w10, w11, w12, ref acc0, ref acc1, ref acc2, ref acc3);
                Taps<TL, TV, UncheckedColumns>(r1 + offset, channels, ix0, a.Width, w00, w01, w02, ref acc4, ref acc5, ref acc6, ref acc7);
            }
            if (r2 != null)
            {
                Taps<TL, TV, UncheckedColumns>(r2 + offset, channels, ix0, a.Width, w20, w21, w22, ref acc0, ref acc1, ref acc2, ref acc3);
                Taps<TL, TV, UncheckedColumns>(r2 + offset, channels, ix0, a.Width, w10, w11, w12, ref acc4, ref acc5, ref acc6, ref acc7);
            }
            if (r3 != null) Taps<TL, TV, UncheckedColumns>(r3 + offset, channels, ix0, a.Width, w20, w21, w22, ref acc4, ref acc5, ref acc6, ref acc7);
            Store<TL, TV, TA>(output + x * channels, channels, 4, acc0, acc1, acc2, acc3, min, max);
            Store<TL, TV, TA>(below + x * channels, channels, 4, acc4, acc5, acc6, acc7, min, max);
        }
        return x;
    }

    /// <summary>
    /// The tiles from column <paramref name="x"/> on whose taps all lie inside the image; returns the first column
    /// after them. Its own method with no call inside, so the accumulators and weights stay in registers (every
    /// vector register is caller-saved: a call anywhere in their live range would spill them).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int InteriorTiles<TL, TV, TA>(in DepthwiseConvArgs a, float* image, float* output, int iy0, int x, int c)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind
    {
        nint channels = a.Channels, cs = a.ChannelStride;
        float* r0 = RowOrNull(a, image, iy0);
        float* r1 = RowOrNull(a, image, iy0 + 1);
        float* r2 = RowOrNull(a, image, iy0 + 2);
        float* wp = a.Weights + c;
        TV bias = TL.Load(wp);
        TV w00 = TL.Load(wp + 1 * cs), w01 = TL.Load(wp + 2 * cs), w02 = TL.Load(wp + 3 * cs);
        TV w10 = TL.Load(wp + 4 * cs), w11 = TL.Load(wp + 5 * cs), w12 = TL.Load(wp + 6 * cs);
        TV w20 = TL.Load(wp + 7 * cs), w21 = TL.Load(wp + 8 * cs), w22 = TL.Load(wp + 9 * cs);
        TV min = TL.Splat(a.Min), max = TL.Splat(a.Max);
        for (int end = a.InteriorEnd; x + 4 <= end; x += 4)
        {
            int ix0 = x - a.PadLeft;
            nint offset = ix0 * channels;
            TV acc0 = bias, acc1 = bias, acc2 = bias, acc3 = bias;
            if (r0 != null) Taps<TL, TV, UncheckedColumns>(r0 + offset, channels, ix0, a.Width, w00, w01, w02, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r1 != null) Taps<TL, TV, UncheckedColumns>(r1 + offset, channels, ix0, a.Width, w10, w11, w12, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r2 != null) Taps<TL, TV, UncheckedColumns>(r2 + offset, channels, ix0, a.Width, w20, w21, w22, ref acc0, ref acc1, ref acc2, ref acc3);
            Store<TL, TV, TA>(output + x * channels, channels, 4, acc0, acc1, acc2, acc3, min, max);
        }
        return x;
    }

    /// <summary>
    /// The tiles from column <paramref name="x"/> on that reach into the left or right padding or past the end of
    /// the row, up to the first interior tile; returns the column it stopped at. Out of line: inlined next to the
    /// interior tiles it would exhaust the JIT's tracked locals and put accumulators on the stack.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int BorderTiles<TL, TV, TA>(in DepthwiseConvArgs a, float* image, float* output, int iy0, int x, int c)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind
    {
        nint channels = a.Channels, cs = a.ChannelStride;
        float* r0 = RowOrNull(a, image, iy0);
        float* r1 = RowOrNull(a, image, iy0 + 1);
        float* r2 = RowOrNull(a, image, iy0 + 2);
        float* wp = a.Weights + c;
        TV bias = TL.Load(wp);
        TV w00 = TL.Load(wp + 1 * cs), w01 = TL.Load(wp + 2 * cs), w02 = TL.Load(wp + 3 * cs);
        TV w10 = TL.Load(wp + 4 * cs), w11 = TL.Load(wp + 5 * cs), w12 = TL.Load(wp + 6 * cs);
        TV w20 = TL.Load(wp + 7 * cs), w21 = TL.Load(wp + 8 * cs), w22 = TL.Load(wp + 9 * cs);
        TV min = TL.Splat(a.Min), max = TL.Splat(a.Max);
        for (int ow = a.OutputWidth, start = a.InteriorStart, end = a.InteriorEnd; x < ow && (x < start || x + 4 > end); x += 4)
        {
            int ix0 = x - a.PadLeft;
            nint offset = ix0 * channels;
            TV acc0 = bias, acc1 = bias, acc2 = bias, acc3 = bias;
            if (r0 != null) Taps<TL, TV, ClippedColumns>(r0 + offset, channels, ix0, a.Width, w00, w01, w02, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r1 != null) Taps<TL, TV, ClippedColumns>(r1 + offset, channels, ix0, a.Width, w10, w11, w12, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r2 != null) Taps<TL, TV, ClippedColumns>(r2 + offset, channels, ix0, a.Width, w20, w21, w22, ref acc0, ref acc1, ref acc2, ref acc3);
            Store<TL, TV, TA>(output + x * channels, channels, ow - x, acc0, acc1, acc2, acc3, min, max);
        }
        return x;
    }

    /// <summary>One kernel row for 4 outputs: input columns 0..5, output j takes columns j..j+2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Taps<TL, TV, TC>(float* p, nint stride, int ix0, int width, TV w0, TV w1, TV w2,
        ref TV acc0, ref TV acc1, ref TV acc2, ref TV acc3)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TC : struct, IF32ColumnLoader
    {
        TV i;
        acc0 = TL.MultiplyAdd(TC.Load<TL, TV>(p, 0, stride, ix0, width), w0, acc0);
        i = TC.Load<TL, TV>(p, 1, stride, ix0, width);
        acc0 = TL.MultiplyAdd(i, w1, acc0); acc1 = TL.MultiplyAdd(i, w0, acc1);
        i = TC.Load<TL, TV>(p, 2, stride, ix0, width);
        acc0 = TL.MultiplyAdd(i, w2, acc0); acc1 = TL.MultiplyAdd(i, w1, acc1); acc2 = TL.MultiplyAdd(i, w0, acc2);
        i = TC.Load<TL, TV>(p, 3, stride, ix0, width);
        acc1 = TL.MultiplyAdd(i, w2, acc1); acc2 = TL.MultiplyAdd(i, w1, acc2); acc3 = TL.MultiplyAdd(i, w0, acc3);
        i = TC.Load<TL, TV>(p, 4, stride, ix0, width);
        acc2 = TL.MultiplyAdd(i, w2, acc2); acc3 = TL.MultiplyAdd(i, w1, acc3);
        acc3 = TL.MultiplyAdd(TC.Load<TL, TV>(p, 5, stride, ix0, width), w2, acc3);
    }
}
