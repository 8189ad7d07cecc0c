using Depthwise.Ops;

namespace Depthwise.Kernels.Resize;

/// <summary>
/// TensorFlow Lite's resize arithmetic (RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR), for results equal to TFLite's
/// builtin kernels: the scale is in/out, or (in−1)/(out−1) with align_corners, computed in float; source coordinates are
/// computed in float too (or, for int8 bilinear, in 10-bit fixed point).
/// </summary>
internal static class TfLiteResize
{
    /// <summary>TFLite's per-axis scale: (in−1)/(out−1) with align_corners (when out &gt; 1), else in/out, in float.</summary>
    public static float Scale(int inLength, int outLength, bool alignCorners) =>
        alignCorners && outLength > 1 ? (float)(inLength - 1) / (outLength - 1) : (float)inLength / outLength;

    /// <summary>
    /// TFLite's GetNearestNeighbor: floor((o + offset)·scale), or round-half-away-from-zero with align_corners, in
    /// float; at most in−1, and at least 0 with half_pixel_centers (offset 0.5).
    /// </summary>
    public static int NearestIndex(int o, int inLength, int outLength, bool alignCorners, bool halfPixelCenters)
    {
        float scale = Scale(inLength, outLength, alignCorners);
        float offset = halfPixelCenters ? 0.5f : 0f;
        float x = (o + offset) * scale;
        int i = Math.Min(alignCorners ? (int)MathF.Round(x, MidpointRounding.AwayFromZero) : (int)MathF.Floor(x), inLength - 1);
        return halfPixelCenters ? Math.Max(0, i) : i;
    }

    /// <summary>
    /// TFLite's float ComputeInterpolationValues: the source coordinate (o + 0.5)·scale − 0.5 (half_pixel_centers) or
    /// o·scale, the lower index max(floor, 0) and the upper index min(ceil, in−1), and the float weights of both
    /// (1 − (src − lower), src − lower). The lower index is also kept ≤ in−1 (TFLite's arithmetic never exceeds it).
    /// </summary>
    public static (int Lower, int Upper, float WLower, float WUpper) LinearTaps(int o, int inLength, float scale, bool halfPixelCenters)
    {
        float src = halfPixelCenters ? (o + 0.5f) * scale - 0.5f : o * scale;
        int lower = Math.Min(Math.Max((int)MathF.Floor(src), 0), inLength - 1);
        int upper = Math.Min((int)MathF.Ceiling(src), inLength - 1);
        float frac = src - lower;
        return (lower, upper, 1 - frac, frac);
    }
}

/// <summary>
/// Bilinear resize of uint8 or int8 NHWC data [N, H, W, C] → [N, H', W', C] as TFLite computes RESIZE_BILINEAR, on
/// either of its two paths.
/// <para>
/// TFLite's builtin kernels: uint8 (the optimized ResizeBilinearGenericSmallChannel): per output pixel four float
/// corner weights (1−dy)(1−dx), (1−dy)dx, dy(1−dx), dy·dx; each channel is Σ v·w in that order plus 0.5, truncated.
/// int8 (reference ResizeBilinearInteger): the scale in 10-bit fixed point rounded to nearest (⌊(1024·in + out/2)/out⌋),
/// the source position o·s (+ s/2 − 512 with half-pixel centres) in 1/1024 units, integer corner weights, the 20-bit
/// sum rounded half away from zero. Not covered: TFLite's special uint8 path for exact ×8 upsampling with half-pixel
/// centres and channels a multiple of 8.
/// </para>
/// <para>
/// XNNPACK (<c>xnnpack</c>: TFLite's default CPU delegate, which takes uint8 and int8 RESIZE_BILINEAR): per axis the
/// scale (in − a)/(out − a) in float (a = 1 with align_corners), the source o·scale (align_corners or neither flag) or
/// o·scale + (scale/2 − ½) clamped to [0, in − 1] (half-pixel centres), the lower index its truncation, the upper one
/// min(lower + 1, in − 1), and the fraction as an 11-bit weight lrintf(2048·frac) (ties to even). Each channel:
/// t = 2048·tl + (tr − tl)·α_x, b likewise, then (2048·t + (b − t)·α_y + 2²¹) >> 22 (round half up), the same for
/// both types (XNNPACK's u8/s8 ibilinear micro-kernels).
/// </para>
/// </summary>
internal sealed class TfLiteResizeBilinearKernel : Kernel
{
    private readonly bool _signed, _xnnpack;
    private readonly int _batch, _inH, _inW, _channels, _outH, _outW;
    private readonly int[] _y0, _y1, _x0, _x1;
    private readonly float[] _wy0, _wy1, _wx0, _wx1;   // builtin uint8
    private readonly int[] _iy0, _iy1, _ix0, _ix1;     // builtin int8: 10-bit weights (lower, upper); XNNPACK: 11-bit α in the upper slot

    /// <summary>
    /// Precomputes the per-row and per-column taps and weights: TFLite's builtin kernels, or XNNPACK's when
    /// <paramref name="xnnpack"/> is set.
    /// </summary>
    public TfLiteResizeBilinearKernel(bool signed, int batch, int inH, int inW, int channels, int outH, int outW,
        bool alignCorners, bool halfPixelCenters, bool xnnpack = false)
    {
        (_signed, _xnnpack, _batch, _inH, _inW, _channels, _outH, _outW) = (signed, xnnpack, batch, inH, inW, channels, outH, outW);
        if (xnnpack)
        {
            (_y0, _y1, _iy1) = XnnpackAxis(inH, outH, alignCorners, halfPixelCenters);
            (_x0, _x1, _ix1) = XnnpackAxis(inW, outW, alignCorners, halfPixelCenters);
            _wy0 = _wy1 = _wx0 = _wx1 = [];
            _iy0 = _ix0 = [];
            return;
        }
        (_y0, _y1, _wy0, _wy1, _iy0, _iy1) = Axis(signed, inH, outH, alignCorners, halfPixelCenters);
        (_x0, _x1, _wx0, _wx1, _ix0, _ix1) = Axis(signed, inW, outW, alignCorners, halfPixelCenters);
    }

    /// <summary>XNNPACK's taps on one axis (xnn_indirection_init_resize_bilinear2d_hwc_q11): lower, upper index and the 11-bit fraction.</summary>
    private static (int[] Lower, int[] Upper, int[] Alpha) XnnpackAxis(int inLength, int outLength, bool align, bool half)
    {
        int adjustment = align && outLength != 1 ? 1 : 0;
        float scale = (float)(inLength - adjustment) / (outLength - adjustment);
        float offset = 0.5f * scale - 0.5f;
        var lo = new int[outLength];
        var hi = new int[outLength];
        var alpha = new int[outLength];
        for (int o = 0; o < outLength; o++)
        {
            float src = o * scale;
            if (half && !align)
            {
                src += offset;
                src = Math.Min(Math.Max(src, 0f), inLength - 1);
            }
            lo[o] = Math.Min((int)src, inLength - 1);
            hi[o] = Math.Min(lo[o] + 1, inLength - 1);
            alpha[o] = (int)MathF.Round((src - lo[o]) * 2048f, MidpointRounding.ToEven);
        }
        return (lo, hi, alpha);
    }

    private static (int[], int[], float[], float[], int[], int[]) Axis(bool signed, int inLength, int outLength, bool align, bool half)
    {
        var lo = new int[outLength];
        var hi = new int[outLength];
        var wLo = new float[outLength];
        var wHi = new float[outLength];
        var iLo = new int[outLength];
        var iHi = new int[outLength];
        if (!signed)
        {
            float scale = TfLiteResize.Scale(inLength, outLength, align);
            for (int o = 0; o < outLength; o++) (lo[o], hi[o], wLo[o], wHi[o]) = TfLiteResize.LinearTaps(o, inLength, scale, half);
            return (lo, hi, wLo, wHi, iLo, iHi);
        }
        int scale10 = align && outLength > 1
            ? ((1 << 10) * (inLength - 1) + (outLength - 1) / 2) / (outLength - 1)
            : ((1 << 10) * inLength + outLength / 2) / outLength;
        for (int o = 0; o < outLength; o++)
        {
            int scaled = half ? o * scale10 + scale10 / 2 - (1 << 9) : o * scale10;
            // C++ integer division truncates toward zero, as C#'s does.
            lo[o] = Math.Min(Math.Max(scaled / (1 << 10), 0), inLength - 1);
            hi[o] = Math.Min((scaled + (1 << 10) - 1) / (1 << 10), inLength - 1);
            iHi[o] = scaled - (1 << 10) * lo[o];
            iLo[o] = (1 << 10) - iHi[o];
        }
        return (lo, hi, wLo, wHi, iLo, iHi);
    }

    /// <inheritdoc />
    public override void Run(in KernelContext ctx)
    {
        var x = ctx.InputBytes(0);
        var y = ctx.OutputBytes(0);
        int c = _channels, rowIn = _inW * c, planeIn = _inH * rowIn;
        int at = 0;
        for (int n = 0; n < _batch; n++)
        for (int oy = 0; oy < _outH; oy++)
        {
            int top = n * planeIn + _y0[oy] * rowIn, bottom = n * planeIn + _y1[oy] * rowIn;
            for (int ox = 0; ox < _outW; ox++, at += c)
            {
                int left = _x0[ox] * c, right = _x1[ox] * c;
                if (_xnnpack) BlendXnnpack(x, y, top + left, top + right, bottom + left, bottom + right, at, _ix1[ox], _iy1[oy]);
                else if (_signed) BlendInt8(x, y, top + left, top + right, bottom + left, bottom + right, at, oy, ox);
                else BlendUInt8(x, y, top + left, top + right, bottom + left, bottom + right, at, oy, ox);
            }
        }
    }

    private void BlendUInt8(ReadOnlySpan<byte> x, Span<byte> y, int tl, int tr, int bl, int br, int at, int oy, int ox)
    {
        float s0 = _wy0[oy] * _wx0[ox], s1 = _wy0[oy] * _wx1[ox], s2 = _wy1[oy] * _wx0[ox], s3 = _wy1[oy] * _wx1[ox];
        for (int k = 0; k < _channels; k++)
        {
            float v = x[tl + k] * s0 + x[tr + k] * s1 + x[bl + k] * s2 + x[br + k] * s3 + 0.5f;
            y[at + k] = (byte)Math.Clamp((int)v, 0, 255);
        }
    }

    private void BlendXnnpack(ReadOnlySpan<byte> x, Span<byte> y, int tl, int tr, int bl, int br, int at, int alphaX, int alphaY)
    {
        for (int k = 0; k < _channels; k++)
        {
            int vtl = Value(x[tl + k]), vtr = Value(x[tr + k]), vbl = Value(x[bl + k]), vbr = Value(x[br + k]);
            int top = vtl * 2048 + (vtr - vtl) * alphaX;
            int bottom = vbl * 2048 + (vbr - vbl) * alphaX;
            int result = (top * 2048 + (bottom - top) * alphaY + (1 << 21)) >> 22;
            y[at + k] = (byte)result;   // within the type's range: a weighted mean of four values of it
        }
    }

    private int Value(byte b) => _signed ? (sbyte)b : b;

    private void BlendInt8(ReadOnlySpan<byte> x, Span<byte> y, int tl, int tr, int bl, int br, int at, int oy, int ox)
    {
        long wy0 = _iy0[oy], wy1 = _iy1[oy], wx0 = _ix0[ox], wx1 = _ix1[ox];
        for (int k = 0; k < _channels; k++)
        {
            long sum = (sbyte)x[tl + k] * wy0 * wx0 + (sbyte)x[bl + k] * wy1 * wx0
                     + (sbyte)x[tr + k] * wy0 * wx1 + (sbyte)x[br + k] * wy1 * wx1;
            long rounded = (sum + (sum > 0 ? 1L << 19 : -(1L << 19))) / (1L << 20);
            y[at + k] = (byte)(sbyte)Math.Clamp(rounded, sbyte.MinValue, sbyte.MaxValue);
        }
    }
}
