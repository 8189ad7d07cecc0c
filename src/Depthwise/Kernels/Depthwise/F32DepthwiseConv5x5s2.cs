using System.Runtime.CompilerServices;
using static Depthwise.Kernels.Depthwise.F32DepthwiseConvDriver;

namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// 5×5 depthwise rows, stride 2, dilation 1, any pads; NHWC, one channel block of <c>TL.Count</c> lanes per call.
/// Tile: 4 output pixels × one vector of channels. Each kernel row loads the 11 input columns the 4 outputs
/// share once and feeds every accumulator that uses them (20 FMAs per 11 input loads).
/// 25 weights do not fit the register file next to the accumulators, so each kernel row loads its 5 weights
/// (L1-resident: the channel block's 26 packed rows) once per tile.
/// Borders without a per-pixel slow path: kernel rows in the padding are skipped (null row pointer), so the top
/// and bottom rows run the same code; tiles whose columns reach into the left or right padding, and the last
/// partial tile, load zeros for the outside columns (<see cref="ClippedColumns"/>) and store only the outputs
/// that exist; interior tiles run with no checks at all (<see cref="UncheckedColumns"/>). No row pairs: two
/// rows share only 3 of their 10 input rows here; measured no faster with 32 vector registers, slower with 16.
/// </summary>
internal readonly unsafe struct F32DepthwiseConv5x5s2 : IF32DepthwiseRowKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row<TL, TV, TA>(in DepthwiseConvArgs a, int n, int oy, int c)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind
    {
        float* image = Image(a, n) + c, output = OutputRow(a, n, oy) + c;
        int iy0 = oy * 2 - a.PadTop, ow = a.OutputWidth, end = a.InteriorEnd;
        int x = BorderTiles<TL, TV, TA>(a, image, output, iy0, 0, c);
        if (x + 4 <= end) x = InteriorTiles<TL, TV, TA>(a, image, output, iy0, x, c);
        if (x < ow) BorderTiles<TL, TV, TA>(a, image, output, iy0, x, c);
    }

    /// <summary>
    /// The tiles from column <paramref name="x"/> on whose taps all lie inside the image; returns the first column
    /// after them. Its own method with no call inside, so the accumulators stay in registers (every
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
        float* r3 = RowOrNull(a, image, iy0 + 3);
        float* r4 = RowOrNull(a, image, iy0 + 4);
        float* wp = a.Weights + c;
        TV bias = TL.Load(wp);
        TV min = TL.Splat(a.Min), max = TL.Splat(a.Max);
        for (int end = a.InteriorEnd; x + 4 <= end; x += 4)
        {
            int ix0 = x * 2 - a.PadLeft;
            nint offset = ix0 * channels;
            TV acc0 = bias, acc1 = bias, acc2 = bias, acc3 = bias;
            if (r0 != null) Taps<TL, TV, UncheckedColumns>(r0 + offset, channels, ix0, a.Width, wp + 1 * cs, cs, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r1 != null) Taps<TL, TV, UncheckedColumns>(r1 + offset, channels, ix0, a.Width, wp + 6 * cs, cs, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r2 != null) Taps<TL, TV, UncheckedColumns>(r2 + offset, channels, ix0, a.Width, wp + 11 * cs, cs, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r3 != null) Taps<TL, TV, UncheckedColumns>(r3 + offset, channels, ix0, a.Width, wp + 16 * cs, cs, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r4 != null) Taps<TL, TV, UncheckedColumns>(r4 + offset, channels, ix0, a.Width, wp + 21 * cs, cs, ref acc0, ref acc1, ref acc2, ref acc3);
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
        float* r3 = RowOrNull(a, image, iy0 + 3);
        float* r4 = RowOrNull(a, image, iy0 + 4);
        float* wp = a.Weights + c;
        TV bias = TL.Load(wp);
        TV min = TL.Splat(a.Min), max = TL.Splat(a.Max);
        for (int ow = a.OutputWidth, start = a.InteriorStart, end = a.InteriorEnd; x < ow && (x < start || x + 4 > end); x += 4)
        {
            int ix0 = x * 2 - a.PadLeft;
            nint offset = ix0 * channels;
            TV acc0 = bias, acc1 = bias, acc2 = bias, acc3 = bias;
            if (r0 != null) Taps<TL, TV, ClippedColumns>(r0 + offset, channels, ix0, a.Width, wp + 1 * cs, cs, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r1 != null) Taps<TL, TV, ClippedColumns>(r1 + offset, channels, ix0, a.Width, wp + 6 * cs, cs, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r2 != null) Taps<TL, TV, ClippedColumns>(r2 + offset, channels, ix0, a.Width, wp + 11 * cs, cs, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r3 != null) Taps<TL, TV, ClippedColumns>(r3 + offset, channels, ix0, a.Width, wp + 16 * cs, cs, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r4 != null) Taps<TL, TV, ClippedColumns>(r4 + offset, channels, ix0, a.Width, wp + 21 * cs, cs, ref acc0, ref acc1, ref acc2, ref acc3);
            Store<TL, TV, TA>(output + x * channels, channels, ow - x, acc0, acc1, acc2, acc3, min, max);
        }
        return x;
    }

    /// <summary>One kernel row for 4 outputs: input columns 0..10, output j takes columns 2·j..2·j+4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Taps<TL, TV, TC>(float* p, nint stride, int ix0, int width, float* w, nint cs,
        ref TV acc0, ref TV acc1, ref TV acc2, ref TV acc3)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TC : struct, IF32ColumnLoader
    {
        TV w0 = TL.Load(w), w1 = TL.Load(w + cs), w2 = TL.Load(w + 2 * cs), w3 = TL.Load(w + 3 * cs), w4 = TL.Load(w + 4 * cs);
        TV i;
        acc0 = TL.MultiplyAdd(TC.Load<TL, TV>(p, 0, stride, ix0, width), w0, acc0);
        acc0 = TL.MultiplyAdd(TC.Load<TL, TV>(p, 1, stride, ix0, width), w1, acc0);
        i = TC.Load<TL, TV>(p, 2, stride, ix0, width);
        acc0 = TL.MultiplyAdd(i, w2, acc0); acc1 = TL.MultiplyAdd(i, w0, acc1);
        i = TC.Load<TL, TV>(p, 3, stride, ix0, width);
        acc0 = TL.MultiplyAdd(i, w3, acc0); acc1 = TL.MultiplyAdd(i, w1, acc1);
        i = TC.Load<TL, TV>(p, 4, stride, ix0, width);
        acc0 = TL.MultiplyAdd(i, w4, acc0); acc1 = TL.MultiplyAdd(i, w2, acc1); acc2 = TL.MultiplyAdd(i, w0, acc2);
        i = TC.Load<TL, TV>(p, 5, stride, ix0, width);
        acc1 = TL.MultiplyAdd(i, w3, acc1); acc2 = TL.MultiplyAdd(i, w1, acc2);
        i = TC.Load<TL, TV>(p, 6, stride, ix0, width);
        acc1 = TL.MultiplyAdd(i, w4, acc1); acc2 = TL.MultiplyAdd(i, w2, acc2); acc3 = TL.MultiplyAdd(i, w0, acc3);
        i = TC.Load<TL, TV>(p, 7, stride, ix0, width);
        acc2 = TL.MultiplyAdd(i, w3, acc2); acc3 = TL.MultiplyAdd(i, w1, acc3);
        i = TC.Load<TL, TV>(p, 8, stride, ix0, width);
        acc2 = TL.MultiplyAdd(i, w4, acc2); acc3 = TL.MultiplyAdd(i, w2, acc3);
        acc3 = TL.MultiplyAdd(TC.Load<TL, TV>(p, 9, stride, ix0, width), w3, acc3);
        acc3 = TL.MultiplyAdd(TC.Load<TL, TV>(p, 10, stride, ix0, width), w4, acc3);
    }
}
