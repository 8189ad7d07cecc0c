using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Depthwise.Ops;

namespace Depthwise.Tests.Kernels;

/// <summary>
/// The direct small-input-channel convolution (image stems) on every vector width this machine runs, against a naive
/// double-precision reference over awkward shapes: 1–4 input channels, output channels around the vector widths,
/// odd sizes with stride 2, dilation, asymmetric padding, 1×1 outputs, batch 2, every activation, with a residual.
/// </summary>
public class SmallInputConvKernelTests
{
    public static TheoryData<int> Widths()
    {
        var data = new TheoryData<int> { 1 };
        if (Vector128.IsHardwareAccelerated) data.Add(4);
        if (Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported) data.Add(8);
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Fma.IsSupported) data.Add(16);
        return data;
    }

    private static readonly ConvActivation[] Activations =
        [ConvActivation.None, ConvActivation.Clip(0, 6), ConvActivation.HardSwish, ConvActivation.SiLU, ConvActivation.Relu];

    // batch, cin, h, w, cout, kh, kw, stride h/w, dilation h/w, pads top, left, bottom, right
    private static readonly int[][] Shapes =
    [
        [1, 3, 15, 17, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1],   // the stem, odd sizes
        [2, 3, 9, 12, 16, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1],    // TF-style SAME: padding only after
        [1, 1, 7, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1],      // gray, fewer channels than any vector
        [1, 4, 10, 11, 17, 5, 3, 1, 2, 2, 1, 2, 1, 2, 1],   // dilation, 5×3, one channel past a vector
        [2, 2, 6, 6, 33, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0],     // even kernel, no padding, 33 channels
        [1, 3, 1, 1, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1],      // 1×1 image: every tap but the centre is padding
        [1, 3, 4, 30, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1],    // long rows: many four-pixel blocks
    ];

    [Theory]
    [MemberData(nameof(Widths))]
    public void MatchesTheNaiveConvolution(int lanes)
    {
        var rng = new Random(5);
        foreach (var s in Shapes)
        {
            int n = s[0], cin = s[1], h = s[2], w = s[3], cout = s[4], kh = s[5], kw = s[6], sh = s[7], sw = s[8], dh = s[9], dw = s[10];
            int pt = s[11], pl = s[12], pb = s[13], pr = s[14];
            int oh = (h + pt + pb - ((kh - 1) * dh + 1)) / sh + 1, ow = (w + pl + pr - ((kw - 1) * dw + 1)) / sw + 1;
            var win = SpatialWindow.FromSizes([h, w], [oh, ow], [kh, kw], [sh, sw], [dh, dw], [pt, pl], [pb, pr]);
            var x = Values(rng, n * h * w * cin);
            var weights = Values(rng, cout * cin * kh * kw);
            var bias = Values(rng, cout);
            foreach (var activation in Activations)
                foreach (bool residual in new[] { false, true })
                {
                    var r = residual ? Values(rng, n * oh * ow * cout) : [];
                    var kernel = new SmallInputConvKernel(win, n, cin, cout, weights, bias, activation, residual, lanes);
                    Assert.Equal(lanes, kernel.Lanes);
                    var y = new float[n * oh * ow * cout];
                    for (int row = 0; row < n * oh; row += 3) kernel.Rows(row, 3, x, y, r); // uneven chunks on purpose
                    for (int b = 0; b < n; b++)
                        for (int oy = 0; oy < oh; oy++)
                            for (int ox = 0; ox < ow; ox++)
                                for (int o = 0; o < cout; o++)
                                {
                                    double sum = bias[o], magnitude = Math.Abs(bias[o]);
                                    for (int ky = 0; ky < kh; ky++)
                                        for (int kx = 0; kx < kw; kx++)
                                        {
                                            int iy = oy * sh - pt + ky * dh, ix = ox * sw - pl + kx * dw;
                                            if ((uint)iy >= (uint)h || (uint)ix >= (uint)w) continue;
                                            for (int c = 0; c < cin; c++)
                                            {
                                                double term = (double)x[((b * h + iy) * w + ix) * cin + c] * weights[((o * cin + c) * kh + ky) * kw + kx];
                                                sum += term;
                                                magnitude += Math.Abs(term);
                                            }
                                        }
                                    int at = ((b * oh + oy) * ow + ox) * cout + o;
                                    if (residual) sum += r[at];
                                    float expected = activation.Invoke((float)sum);
                                    Assert.True(Math.Abs(y[at] - expected) <= 1e-5 * (magnitude + 1),
                                        $"lanes {lanes}, shape [{string.Join(",", s)}], {activation}, residual {residual}: y[{b},{oy},{ox},{o}] = {y[at]}, expected {expected}");
                                }
                }
        }
    }

    private static float[] Values(Random rng, int count)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        return v;
    }
}
