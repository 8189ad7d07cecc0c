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
/// Bilinear resize of uint8 or int8 NHWC data [N, H, W, C] → [N, H', W', C] as TFLite's RESIZE_BILINEAR kernels
/// compute it. uint8 (TFLite's optimized ResizeBilinearGenericSmallChannel): per output pixel four float corner
/// weights (1−dy)(1−dx), (1−dy)dx, dy(1−dx), dy·dx; each channel is Σ v·w in that order plus 0.5, truncated.
/// int8 (reference ResizeBilinearInteger): the scale in 10-bit fixed point rounded to nearest
/// (⌊(1024·in + out/2)/out⌋), the source position o·s (+ s/2 − 512 with half-pixel centres) in 1/1024 units, integer
/// corner weights, the 20-bit sum rounded half away from zero. Not covered: TFLite's special uint8 path for exact ×8
/// upsampling with half-pixel centres and channels a multiple of 8.
/// </summary>
internal sealed class TfLiteResizeBilinearKernel : Kernel
{
    private readonly bool _signed;
    private readonly int _batch, _inH, _inW, _channels, _outH, _outW;
    private readonly int[] _y0, _y1, _x0, _x1;
    private readonly float[] _wy0, _wy1, _wx0, _wx1;   // uint8
    private readonly int[] _iy0, _iy1, _ix0, _ix1;     // int8: 10-bit weights

    /// <summary>Precomputes the per-row and per-column taps and weights.</summary>
    public TfLiteResizeBilinearKernel(bool signed, int batch, int inH, int inW, int channels, int outH, int outW,
        bool alignCorners, bool halfPixelCenters)
    {
        (_signed, _batch, _inH, _inW, _channels, _outH, _outW) = (signed, batch, inH, inW, channels, outH, outW);
        (_y0, _y1, _wy0, _wy1, _iy0, _iy1) = Axis(signed, inH, outH, alignCorners, halfPixelCenters);
        (_x0, _x1, _wx0, _wx1, _ix0, _ix1) = Axis(signed, inW, outW, alignCorners, halfPixelCenters);
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
                if (_signed) BlendInt8(x, y, top + left, top + right, bottom + left, bottom + right, at, oy, ox);
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
