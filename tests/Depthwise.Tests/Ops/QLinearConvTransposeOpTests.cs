using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

/// <summary>
/// QLinearConvTranspose (TFLite's quantized TRANSPOSE_CONV): a hand-worked case, and random shapes against a naive
/// gather-form reference written here (each output sums the input pixels whose window covers it; the op scatters).
/// </summary>
public class QLinearConvTransposeOpTests
{
    [Fact]
    public void StrideTwoPlacesEachPixelsWindowByHand()
    {
        // x: 1×2×1×1 uint8, scale 0.5, zp 10 → real 1 and 2; w: 1×2×1×1 (a 2×1 kernel), scale 0.25, zp 100 → 1 and −0.5.
        // Stride 2 rows, no padding: rows 0,1 from pixel 0 (1, −0.5), rows 2,3 from pixel 1 (2, −1); bias −4 (= −0.5).
        // Output scale 0.125, zp 50: (1 − 0.5)/0.125 + 50 = 54, (−0.5 − 0.5) → 42, (2 − 0.5) → 62, (−1 − 0.5) → 38.
        var x = Tensor.FromArray(new Shape(1, 2, 1, 1), new byte[] { 12, 14 }, QuantParams.PerTensor(0.5f, 10));
        var w = Tensor.FromArray(new Shape(1, 2, 1, 1), new byte[] { 104, 98 }, QuantParams.PerTensor(0.25f, 100));
        var b = Tensor.FromArray(new Shape(1), new[] { -4 });
        var op = new QLinearConvTransposeOp { Strides = [2, 1], OutputSize = [4, 1], OutputQuant = QuantParams.PerTensor(0.125f, 50) };
        var y = QuantizedOpHarness.Run(op, [x, w, b], [1, 2]);
        Assert.Equal(new Shape(1, 4, 1, 1), y.Shape);
        Assert.Equal([54, 42, 62, 38], y.ToArray<byte>());
        // A fused RELU clamps at the zero point.
        var relu = new QLinearConvTransposeOp { Strides = [2, 1], OutputSize = [4, 1], OutputQuant = QuantParams.PerTensor(0.125f, 50), Activation = ConvActivation.Relu };
        Assert.Equal([54, 50, 62, 50], QuantizedOpHarness.Run(relu, [x, w, b], [1, 2]).ToArray<byte>());
    }

    [Theory]
    [InlineData(false, 2, 2, 3, 3, 1, 1, 8, 6)]    // SAME-like: pad 1, even output
    [InlineData(true, 2, 1, 2, 3, 0, 0, 8, 5)]     // VALID, per-channel int8
    [InlineData(true, 3, 2, 3, 3, 0, 1, 9, 7)]     // output cut short on the right
    [InlineData(false, 1, 1, 1, 1, 0, 0, 4, 3)]    // 1×1
    public void EqualsNaiveGatherReference(bool int8, int sh, int strideW, int kh, int kw, int padTop, int padLeft, int outH, int outW)
    {
        var rng = new Random(kh * 31 + kw * 7 + sh);
        int n = 2, inH = 4, inW = 3, cin = 5, cout = 3;
        float sx = 0.02f, sy = 0.05f;
        int zx = int8 ? -7 : 131, zy = int8 ? 3 : 120;
        var xv = new int[n * inH * inW * cin];
        for (int i = 0; i < xv.Length; i++) xv[i] = int8 ? rng.Next(-128, 128) : rng.Next(256);
        var wv = new int[cout * kh * kw * cin];
        for (int i = 0; i < wv.Length; i++) wv[i] = int8 ? rng.Next(-127, 128) : rng.Next(256);
        float[] wScales = int8 ? [0.01f, 0.013f, 0.007f] : [0.011f];
        int[] zw = int8 ? [0, 0, 0] : [97];
        var bias = new[] { rng.Next(-3000, 3000), rng.Next(-3000, 3000), rng.Next(-3000, 3000) };
        QuantParams wq = int8 ? new QuantParams(wScales, [0, 0, 0], 0) : QuantParams.PerTensor(wScales[0], zw[0]);
        Tensor x = int8
            ? Tensor.FromArray(new Shape(n, inH, inW, cin), xv.Select(v => (sbyte)v).ToArray(), QuantParams.PerTensor(sx, zx))
            : Tensor.FromArray(new Shape(n, inH, inW, cin), xv.Select(v => (byte)v).ToArray(), QuantParams.PerTensor(sx, zx));
        Tensor w = int8
            ? Tensor.FromArray(new Shape(cout, kh, kw, cin), wv.Select(v => (sbyte)v).ToArray(), wq)
            : Tensor.FromArray(new Shape(cout, kh, kw, cin), wv.Select(v => (byte)v).ToArray(), wq);
        var op = new QLinearConvTransposeOp { Strides = [sh, strideW], PadsBegin = [padTop, padLeft], OutputSize = [outH, outW], OutputQuant = QuantParams.PerTensor(sy, zy) };
        var y = QuantizedOpHarness.Run(op, [x, w, Tensor.FromArray(new Shape(cout), bias)], [1, 2]);
        Assert.Equal(new Shape(n, outH, outW, cout), y.Shape);
        var got = int8 ? y.ToArray<sbyte>().Select(v => (int)v).ToArray() : y.ToArray<byte>().Select(v => (int)v).ToArray();
        int lo = int8 ? -128 : 0, hi = lo + 255;
        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++)
                    for (int o = 0; o < cout; o++)
                    {
                        int acc = bias[o];
                        for (int ky = 0; ky < kh; ky++)
                            for (int kx = 0; kx < kw; kx++)
                            {
                                int ty = oy + padTop - ky, tx = ox + padLeft - kx;
                                if (ty < 0 || tx < 0 || ty % sh != 0 || tx % strideW != 0) continue;
                                int iy = ty / sh, ix = tx / strideW;
                                if (iy >= inH || ix >= inW) continue;
                                for (int i = 0; i < cin; i++)
                                    acc += (xv[((b * inH + iy) * inW + ix) * cin + i] - zx) * (wv[((o * kh + ky) * kw + kx) * cin + i] - zw[int8 ? o : 0]);
                            }
                        // TFLite: per-channel multipliers in double; per-tensor uint8 rounds s_x·s_w to float first.
                        double real = int8 ? (double)sx * wScales[o] / sy : (double)(sx * wScales[0]) / sy;
                        var (m, s) = FixedPoint.QuantizeMultiplier(real);
                        int expected = Math.Clamp(FixedPoint.MultiplyByQuantizedMultiplier(acc, m, s) + zy, lo, hi);
                        Assert.True(expected == got[((b * outH + oy) * outW + ox) * cout + o], $"[{b},{oy},{ox},{o}]: expected {expected}, got {got[((b * outH + oy) * outW + ox) * cout + o]}");
                    }
    }

    [Fact]
    public void RejectsMismatchedChannels()
    {
        var x = Tensor.FromArray(new Shape(1, 2, 2, 3), new byte[12], QuantParams.PerTensor(0.1f, 0));
        var w = Tensor.FromArray(new Shape(2, 1, 1, 4), new byte[8], QuantParams.PerTensor(0.1f, 0));
        var op = new QLinearConvTransposeOp { OutputSize = [2, 2], OutputQuant = QuantParams.PerTensor(0.1f, 0) };
        var e = Assert.ThrowsAny<DepthwiseException>(() => QuantizedOpHarness.Run(op, [x, w], [1]));
        Assert.Contains("input channels", e.Message);
    }
}
