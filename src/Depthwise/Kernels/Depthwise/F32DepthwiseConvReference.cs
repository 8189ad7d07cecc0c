namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// The scalar reference every fp32 depthwise variant is tested against: NHWC, any kernel size, stride, dilation and
/// pads, bounds-checked span indexing, one tap at a time. Each output channel is accumulated as
/// <c>bias + Σ_ky Σ_kx x·w</c> in that order, skipping taps that fall in the padding, then activated, which is the
/// exact order (and, without fused multiply-add, the exact result) of the scalar variants.
/// </summary>
public static class F32DepthwiseConvReference
{
    /// <summary>Computes the whole output.</summary>
    public static void Run(F32DepthwiseConvWeights weights, in DepthwiseConvShape shape, FusedEpilogue epilogue,
        ReadOnlySpan<float> input, Span<float> output) =>
        Run(weights, shape, epilogue, input, output, DepthwiseConvRange.Full(shape));

    /// <summary>Computes the output rows of <paramref name="range"/>.</summary>
    public static void Run(F32DepthwiseConvWeights weights, in DepthwiseConvShape shape, FusedEpilogue epilogue,
        ReadOnlySpan<float> input, Span<float> output, DepthwiseConvRange range)
    {
        F32DepthwiseConvVariant.Validate(weights, shape, input, output, range);
        ReadOnlySpan<float> packed = weights.Packed;
        int c = shape.Channels, cs = weights.ChannelStride, h = shape.Height, w = shape.Width;
        int oh = shape.OutputHeight, ow = shape.OutputWidth, kh = shape.KernelHeight, kw = shape.KernelWidth;
        ReadOnlySpan<float> bias = packed[..c];
        for (int unit = range.Start; unit < range.End; unit++)
        {
            int n = unit / oh, oy = unit % oh;
            for (int ox = 0; ox < ow; ox++)
            {
                Span<float> y = output.Slice(((n * oh + oy) * ow + ox) * c, c);
                bias.CopyTo(y);
                for (int ky = 0; ky < kh; ky++)
                {
                    int iy = oy * shape.StrideHeight - shape.PadTop + ky * shape.DilationHeight;
                    if (iy < 0 || iy >= h) continue;
                    for (int kx = 0; kx < kw; kx++)
                    {
                        int ix = ox * shape.StrideWidth - shape.PadLeft + kx * shape.DilationWidth;
                        if (ix < 0 || ix >= w) continue;
                        ReadOnlySpan<float> x = input.Slice(((n * h + iy) * w + ix) * c, c);
                        ReadOnlySpan<float> tap = packed.Slice((1 + ky * kw + kx) * cs, c);
                        for (int i = 0; i < c; i++) y[i] += x[i] * tap[i];
                    }
                }
                if (epilogue.Activation != FusedActivation.None)
                    for (int i = 0; i < c; i++) y[i] = epilogue.Activate(y[i]);
            }
        }
    }
}
