using System.Runtime.CompilerServices;
using static Depthwise.Kernels.Depthwise.F32DepthwiseConvDriver;

namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// 3×3 depthwise rows, stride 1, dilation 1, any pads; NHWC, one channel block of <c>TL.Count</c> lanes per call.
/// Tile: 4 output pixels × one vector of channels. The 9 tap weights and the bias stay in registers for the whole
/// row; each kernel row loads the 6 input columns the 4 outputs share once and feeds every accumulator that uses
/// them (12 FMAs per 6 loads). Rows in the padding are skipped (null row pointer), so top and bottom border rows run
/// the same interior code; only the border columns go through the bounds-checked pixel.
/// </summary>
internal readonly unsafe struct F32DepthwiseConv3x3s1 : IF32DepthwiseRowKernel
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
        int x = 0, end = a.InteriorEnd;
        for (; x < a.InteriorStart; x++) Pixel<TL, TV, TA>(a, image, iy0, x * 1 - a.PadLeft, c, output + x * channels);

        float* wp = a.Weights + c;
        TV bias = TL.Load(wp);
        TV w00 = TL.Load(wp + cs), w01 = TL.Load(wp + 2 * cs), w02 = TL.Load(wp + 3 * cs);
        TV w10 = TL.Load(wp + 4 * cs), w11 = TL.Load(wp + 5 * cs), w12 = TL.Load(wp + 6 * cs);
        TV w20 = TL.Load(wp + 7 * cs), w21 = TL.Load(wp + 8 * cs), w22 = TL.Load(wp + 9 * cs);
        TV min = TL.Splat(a.Min), max = TL.Splat(a.Max);
        for (; x + 4 <= end; x += 4)
        {
            nint offset = (nint)(x * 1 - a.PadLeft) * channels + c;
            TV acc0 = bias, acc1 = bias, acc2 = bias, acc3 = bias;
            if (r0 != null) Taps<TL, TV>(r0 + offset, channels, w00, w01, w02, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r1 != null) Taps<TL, TV>(r1 + offset, channels, w10, w11, w12, ref acc0, ref acc1, ref acc2, ref acc3);
            if (r2 != null) Taps<TL, TV>(r2 + offset, channels, w20, w21, w22, ref acc0, ref acc1, ref acc2, ref acc3);
            float* y = output + x * channels + c;
            TL.Store(y, Activate<TL, TV, TA>(acc0, min, max));
            TL.Store(y + channels, Activate<TL, TV, TA>(acc1, min, max));
            TL.Store(y + 2 * channels, Activate<TL, TV, TA>(acc2, min, max));
            TL.Store(y + 3 * channels, Activate<TL, TV, TA>(acc3, min, max));
        }
        for (; x < a.OutputWidth; x++) Pixel<TL, TV, TA>(a, image, iy0, x * 1 - a.PadLeft, c, output + x * channels);
    }

    /// <summary>One kernel row for 4 adjacent outputs: input columns 0..5, output j takes columns j..j+2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Taps<TL, TV>(float* p, nint stride, TV w0, TV w1, TV w2, ref TV acc0, ref TV acc1, ref TV acc2, ref TV acc3)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
    {
        TV i = TL.Load(p);
        acc0 = TL.MultiplyAdd(i, w0, acc0);
        i = TL.Load(p + stride);
        acc0 = TL.MultiplyAdd(i, w1, acc0); acc1 = TL.MultiplyAdd(i, w0, acc1);
        i = TL.Load(p + 2 * stride);
        acc0 = TL.MultiplyAdd(i, w2, acc0); acc1 = TL.MultiplyAdd(i, w1, acc1); acc2 = TL.MultiplyAdd(i, w0, acc2);
        i = TL.Load(p + 3 * stride);
        acc1 = TL.MultiplyAdd(i, w2, acc1); acc2 = TL.MultiplyAdd(i, w1, acc2); acc3 = TL.MultiplyAdd(i, w0, acc3);
        i = TL.Load(p + 4 * stride);
        acc2 = TL.MultiplyAdd(i, w2, acc2); acc3 = TL.MultiplyAdd(i, w1, acc3);
        i = TL.Load(p + 5 * stride);
        acc3 = TL.MultiplyAdd(i, w2, acc3);
    }
}
