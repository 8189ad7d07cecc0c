using Depthwise.Kernels;
using Depthwise.Kernels.Depthwise;

namespace Depthwise.Tests.Kernels.Depthwise;

/// <summary>
/// The obvious depthwise convolution, written from the definition and nothing else: for every output element,
/// bias plus the sum over the taps whose input position is inside the image, in double; filters in the ONNX layout
/// [C, 1, KH, KW]; NHWC tensors indexed by hand. Only used to check <see cref="F32DepthwiseConvReference"/>.
/// </summary>
internal static class NaiveDepthwiseConv
{
    public static float[] Run(DepthwiseConvShape s, float[] x, float[] w, float[]? b, FusedEpilogue epilogue)
    {
        int n = s.Batch, h = s.Height, wd = s.Width, c = s.Channels, oh = s.OutputHeight, ow = s.OutputWidth;
        int kh = s.KernelHeight, kw = s.KernelWidth;
        var y = new float[n * oh * ow * c];
        for (int bi = 0; bi < n; bi++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                    for (int ch = 0; ch < c; ch++)
                    {
                        double acc = b is null ? 0 : b[ch];
                        for (int ky = 0; ky < kh; ky++)
                            for (int kx = 0; kx < kw; kx++)
                            {
                                int iy = oy * s.StrideHeight + ky * s.DilationHeight - s.PadTop;
                                int ix = ox * s.StrideWidth + kx * s.DilationWidth - s.PadLeft;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                acc += (double)x[((bi * h + iy) * wd + ix) * c + ch] * w[(ch * kh + ky) * kw + kx];
                            }
                        y[((bi * oh + oy) * ow + ox) * c + ch] = (float)Activate(acc, epilogue);
                    }
        return y;
    }

    private static double Activate(double v, FusedEpilogue e) => e.Activation switch
    {
        FusedActivation.Clamp => v < e.Min ? e.Min : v > e.Max ? e.Max : v,
        FusedActivation.HardSwish => v * Math.Clamp(v / 6 + 0.5, 0, 1),
        _ => v,
    };
}
