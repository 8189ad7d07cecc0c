using System.Runtime.CompilerServices;
using static Depthwise.Kernels.Depthwise.F32DepthwiseConvDriver;

namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// 5×5 depthwise rows, stride 1, dilation 1, any pads; NHWC, one channel block of <c>TL.Count</c> lanes per call.
/// Tile: 4 output pixels × one vector of channels. 25 weights do not fit the register file next to the
/// accumulators, so each kernel row loads its 5 weights (L1-resident: the block's 26 packed rows) once per tile and
/// its 8 input columns once, feeding every accumulator that uses them (20 FMAs per 8 + 5 loads). Rows in the
/// padding are skipped (null row pointer); only the border columns go through the bounds-checked pixel.
/// </summary>
internal readonly unsafe struct F32DepthwiseConv5x5s1 : IF32DepthwiseRowKernel
{
    public static void Row<TL, TV, TA>(in DepthwiseConvArgs a, int n, int oy, int c)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind
    {
        nint channels = a.Channels, cs = a.ChannelStride;
        float* image = Image(a, n), output = OutputRow(a, n, oy);
        int iy0 = oy * 1 - a.PadTop;
        float* r0 = RowOrNull(a, image, iy0), r1 = RowOrNull(a, image, iy0 + 1), r2 = RowOrNull(a, image, iy0 + 2);
        float* r3 = RowOrNull(a, image, iy0 + 3), r4 = RowOrNull(a, image, iy0 + 4);
        int x = 0, end = a.InteriorEnd;
        for (; x < a.InteriorStart; x++) Pixel<TL, TV, TA>(a, image, iy0, x * 1 - a.PadLeft, c, output + x * channels);

        float* wp = a.Weights + c;
        TV bias = TL.Load(wp);
        TV min = TL.Splat(a.Min), max = TL.Splat(a.Max);
        for (; x + 4 <= end; x += 4)
        {
            nint offset = (nint)(x * 1 - a.PadLeft) * channels + c;
            TV acc0 = bias, acc1 = bias, acc2 = bias, acc3 = bias;
            if (r0 != null) Taps<TL, TV>(r0 + offset, channels, wp + cs, cs, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r1 != null) Taps<TL, TV>(r1 + offset, channels, wp + 6 * cs, cs, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r2 != null) Taps<TL, TV>(r2 + offset, channels, wp + 11 * cs, cs, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r3 != null) Taps<TL, TV>(r3 + offset, channels, wp + 16 * cs, cs, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r4 != null) Taps<TL, TV>(r4 + offset, channels, wp + 21 * cs, cs, ref acc0, ref acc1, ref acc2, ref acc3);
            float* y = output + x * channels + c;
            TL.Store(y, Activate<TL, TV, TA>(acc0, min, max));
            TL.Store(y + channels, Activate<TL, TV, TA>(acc1, min, max));
            TL.Store(y + 2 * channels, Activate<TL, TV, TA>(acc2, min, max));
            TL.Store(y + 3 * channels, Activate<TL, TV, TA>(acc3, min, max));
        }
        for (; x < a.OutputWidth; x++) Pixel<TL, TV, TA>(a, image, iy0, x * 1 - a.PadLeft, c, output + x * channels);
    }

    /// <summary>One kernel row for 4 adjacent outputs: input columns 0..7, output j takes columns j..j+4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Taps<TL, TV>(float* p, nint stride, float* w, nint cs, ref TV acc0, ref TV acc1, ref TV acc2, ref TV acc3)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
    {
        TV w0 = TL.Load(w), w1 = TL.Load(w + cs), w2 = TL.Load(w + 2 * cs), w3 = TL.Load(w + 3 * cs), w4 = TL.Load(w + 4 * cs);
        TV i = TL.Load(p);
        acc0 = TL.MultiplyAdd(i, w0, acc0);
        i = TL.Load(p + stride);
        acc0 = TL.MultiplyAdd(i, w1, acc0); acc1 = TL.MultiplyAdd(i, w0, acc1);
        i = TL.Load(p + 2 * stride);
        acc0 = TL.MultiplyAdd(i, w2, acc0); acc1 = TL.MultiplyAdd(i, w1, acc1); acc2 = TL.MultiplyAdd(i, w0, acc2);
        i = TL.Load(p + 3 * stride);
        acc0 = TL.MultiplyAdd(i, w3, acc0); acc1 = TL.MultiplyAdd(i, w2, acc1); acc2 = TL.MultiplyAdd(i, w1, acc2);
        acc3 = TL.MultiplyAdd(i, w0, acc3);
        i = TL.Load(p + 4 * stride);
        acc0 = TL.MultiplyAdd(i, w4, acc0); acc1 = TL.MultiplyAdd(i, w3, acc1); acc2 = TL.MultiplyAdd(i, w2, acc2);
        acc3 = TL.MultiplyAdd(i, w1, acc3);
        i = TL.Load(p + 5 * stride);
        acc1 = TL.MultiplyAdd(i, w4, acc1); acc2 = TL.MultiplyAdd(i, w3, acc2); acc3 = TL.MultiplyAdd(i, w2, acc3);
        i = TL.Load(p + 6 * stride);
        acc2 = TL.MultiplyAdd(i, w4, acc2); acc3 = TL.MultiplyAdd(i, w3, acc3);
        i = TL.Load(p + 7 * stride);
        acc3 = TL.MultiplyAdd(i, w4, acc3);
    }
}
