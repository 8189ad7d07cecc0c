using System.Runtime.CompilerServices;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// NHWC quantized depthwise convolution (depth multiplier 1), vectorized over channels, written once over the lane
/// width, the requantization and the input type. Work unit: one output row; within it, pixel by pixel, every
/// channel block of one vector (the last block overlaps the previous one when C is not a multiple of the width, so
/// no load or store leaves the tensor; channels below one vector run the scalar lanes). A pixel whose window lies
/// inside the input starts from the folded bias and accumulates <c>x·w'</c> (widening load, <c>pmulld</c>, add per
/// tap); a border pixel starts from the bias and accumulates <c>(x − zx)·w'</c> over the taps inside the input.
/// Integer sums do not depend on their order, so every path, split and width gives the same bytes.
/// </summary>
internal static unsafe class Q8DepthwiseConvDriver
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TLanes, TVec, TKind, TInput>(in Q8DepthwiseConvArgs g)
        where TLanes : IQ8Lanes<TVec> where TVec : struct where TKind : IQ8RequantKind where TInput : IQ8Input
    {
        var s = g.Shape;
        int lanes = TLanes.Count, channels = s.Channels;
        if (channels < lanes)
        {
            Run<Q8LanesScalar, int, TKind, TInput>(g);
            return;
        }
        int h = s.Height, w = s.Width, oh = s.OutputHeight, ow = s.OutputWidth;
        int kh = s.KernelHeight, kw = s.KernelWidth, sh = s.StrideHeight, sw = s.StrideWidth, dh = s.DilationHeight, dw = s.DilationWidth;
        int lastBlock = channels - lanes;
        nint pixel = channels, rowBytes = (nint)w * channels, tapStride = g.RowStride;
        int* bias = g.W + kh * kw * g.RowStride, folded = bias + g.RowStride;
        TVec zx = TLanes.Splat(g.InputZeroPoint);
        for (int row = g.Range.Start; row < g.Range.End; row++)
        {
            int n = row / oh, oy = row - n * oh;
            int iy0 = oy * sh - s.PadTop;
            var (ky0, ky1) = ValidTaps(kh, dh, iy0, h);
            bool fullRows = ky0 == 0 && ky1 == kh;
            byte* image = g.X + (nint)n * h * rowBytes;
            byte* yRow = g.Y + ((nint)n * oh + oy) * ow * pixel;
            for (int ox = 0; ox < ow; ox++)
            {
                int ix0 = ox * sw - s.PadLeft;
                var (kx0, kx1) = ValidTaps(kw, dw, ix0, w);
                byte* yp = yRow + ox * pixel;
                if (fullRows && kx0 == 0 && kx1 == kw)
                {
                    byte* window = image + iy0 * rowBytes + ix0 * pixel;
                    for (int c0 = 0; c0 < channels; c0 += lanes)
                    {
                        int c = Math.Min(c0, lastBlock);
                        TVec acc = TLanes.Load(folded + c);
                        int* wp = g.W + c;
                        for (int ky = 0; ky < kh; ky++)
                        {
                            byte* xp = window + ky * dh * rowBytes + c;
                            for (int kx = 0; kx < kw; kx++, wp += tapStride)
                                acc = TLanes.Add(acc, TLanes.MultiplyLow(TInput.Load<TLanes, TVec>(xp + kx * dw * pixel), TLanes.Load(wp)));
                        }
                        TLanes.StoreBytes(yp + c, TKind.Requantize<TLanes, TVec>(acc, g.Q, c));
                    }
                }
                else
                {
                    for (int c0 = 0; c0 < channels; c0 += lanes)
                    {
                        int c = Math.Min(c0, lastBlock);
                        TVec acc = TLanes.Load(bias + c);
                        for (int ky = ky0; ky < ky1; ky++)
                        {
                            byte* xp = image + (iy0 + ky * dh) * rowBytes + c;
                            int* wp = g.W + (ky * kw + kx0) * tapStride + c;
                            for (int kx = kx0; kx < kx1; kx++, wp += tapStride)
                            {
                                TVec x = TLanes.Subtract(TInput.Load<TLanes, TVec>(xp + (ix0 + kx * dw) * pixel), zx);
                                acc = TLanes.Add(acc, TLanes.MultiplyLow(x, TLanes.Load(wp)));
                            }
                        }
                        TLanes.StoreBytes(yp + c, TKind.Requantize<TLanes, TVec>(acc, g.Q, c));
                    }
                }
            }
        }
    }

    /// <summary>The taps [lo, hi) whose position <c>start + k·dilation</c> lies in [0, size).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Lo, int Hi) ValidTaps(int kernel, int dilation, int start, int size)
    {
        int lo = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
        int last = size - 1 - start;
        int hi = last < 0 ? 0 : Math.Min(kernel, last / dilation + 1);
        return (Math.Min(lo, kernel), Math.Max(hi, Math.Min(lo, kernel)));
    }
}
