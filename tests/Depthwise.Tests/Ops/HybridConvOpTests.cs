using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Tensors;
using Xunit.Abstractions;

namespace Depthwise.Tests.Ops;

/// <summary>
/// <see cref="HybridConvOp"/> (TFLite's dynamic-range CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED) against a naive
/// NHWC loop written here: per batch item the input quantized by <see cref="HybridQuantizer"/> (checked by hand in
/// <see cref="HybridQuantizerTests"/>), exact int32 sums over the taps inside the input, then TFLite's float rescale.
/// The fast kernels (constant W) and the reference kernel (W fed at run time) must both give these floats bit for bit.
/// </summary>
public sealed class HybridConvOpTests(ITestOutputHelper output)
{
    private sealed record Case(string Name, int N, int H, int W, int C, int M, int K, int Stride, int Pad, int Group, bool PerChannel,
        HybridInputQuantization Mode, ConvActivation Activation, bool Bias = true, bool DepthwiseOrder = false);

    public static TheoryData<string> Cases() => new(AllCases().Select(c => c.Name));

    private static IEnumerable<Case> AllCases()
    {
        var asym = HybridInputQuantization.Asymmetric;
        var sym = HybridInputQuantization.Symmetric;
        yield return new("pointwise", 1, 5, 7, 19, 23, 1, 1, 0, 1, true, asym, ConvActivation.None);
        yield return new("pointwise_symmetric_relu6_batch2", 2, 4, 3, 33, 40, 1, 1, 0, 1, false, sym, ConvActivation.Clip(0, 6));
        yield return new("stem_3x3_s2_same", 1, 9, 11, 3, 16, 3, 2, 1, 1, true, asym, ConvActivation.Relu);
        yield return new("conv_5x5_pad2_symmetric", 2, 6, 6, 5, 7, 5, 1, 2, 1, false, sym, ConvActivation.None, Bias: false);
        yield return new("depthwise_3x3_s1", 1, 8, 9, 37, 37, 3, 1, 1, 37, true, asym, ConvActivation.Clip(0, 6), DepthwiseOrder: true);
        yield return new("depthwise_3x3_s2_batch2", 2, 7, 10, 70, 70, 3, 2, 1, 70, true, asym, ConvActivation.None, DepthwiseOrder: true);
        yield return new("depthwise_5x5_few_channels", 1, 6, 5, 3, 3, 5, 1, 2, 3, true, asym, ConvActivation.Relu, DepthwiseOrder: true);
        yield return new("depthwise_multiplier2", 1, 5, 5, 4, 8, 3, 1, 1, 4, true, asym, ConvActivation.None, DepthwiseOrder: true);
        yield return new("fully_connected_rows", 5, 1, 1, 64, 10, 1, 1, 0, 1, false, asym, ConvActivation.None);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FastAndReferenceKernelsEqualTheNaiveHybridArithmetic(string name)
    {
        var c = AllCases().Single(x => x.Name == name);
        var rng = new Random(name.GetHashCode(StringComparison.Ordinal) & 0x7fffffff);
        var x = new float[c.N * c.H * c.W * c.C];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 6 - 2);  // asymmetric range [−2, 4)
        int cinPerGroup = c.C / c.Group;
        var w = new sbyte[c.M * cinPerGroup * c.K * c.K];
        for (int i = 0; i < w.Length; i++) w[i] = (sbyte)rng.Next(-127, 128);
        var scales = Enumerable.Range(0, c.PerChannel ? c.M : 1).Select(_ => (float)(0.001 + rng.NextDouble() * 0.02)).ToArray();
        var b = Enumerable.Range(0, c.M).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var quant = c.PerChannel ? new QuantParams(scales, new long[c.M], 0) : QuantParams.PerTensor(scales[0], 0);
        var xt = Tensor.FromArray(new Shape(c.N, c.H, c.W, c.C), x);
        var wt = Tensor.FromArray(new Shape(c.M, cinPerGroup, c.K, c.K), w, quant);
        var bt = Tensor.FromArray(new Shape(c.M), b);
        var op = new HybridConvOp
        {
            Strides = [c.Stride, c.Stride], Pads = [c.Pad, c.Pad, c.Pad, c.Pad], Group = c.Group, Layout = ChannelLayout.ChannelsLast,
            Activation = c.Activation, InputQuantization = c.Mode, DepthwiseScaleOrder = c.DepthwiseOrder,
        };
        var expected = Naive(c, x, w, c.PerChannel ? scales : Enumerable.Repeat(scales[0], c.M).ToArray(), c.Bias ? b : null);
        Tensor?[] inputs = c.Bias ? [xt, wt, bt] : [xt, wt];
        foreach (var (constants, threads) in new[] { (new[] { 1, 2 }, 1), (new[] { 1, 2 }, 2), (new[] { 2 }, 1) })
        {
            var (y, kernel) = QuantizedOpHarness.RunWithKernel(op, inputs, constants, threads: threads);
            output.WriteLine($"{name}: {kernel}, {threads} thread(s)");
            if (constants.Contains(1) && (c.Group == 1 || c.M == c.C)) Assert.Equal("HybridConvKernel", kernel);
            var got = y.AsSpan<float>().ToArray();
            Assert.Equal(expected.Length, got.Length);
            for (int i = 0; i < got.Length; i++)
                if (BitConverter.SingleToInt32Bits(got[i]) != BitConverter.SingleToInt32Bits(expected[i]) && !(got[i] == 0 && expected[i] == 0))
                    Assert.Fail($"{name} ({kernel}, {threads} threads): output {i} is {got[i]:R}, expected {expected[i]:R}");
        }
    }

    /// <summary>Per batch item: quantize, sum (qx − zx)·qw over the taps inside, rescale in TFLite's order, clamp.</summary>
    private static float[] Naive(Case c, float[] x, sbyte[] w, float[] sw, float[]? bias)
    {
        int oh = (c.H + 2 * c.Pad - c.K) / c.Stride + 1, ow = (c.W + 2 * c.Pad - c.K) / c.Stride + 1;
        int cinPerGroup = c.C / c.Group, coutPerGroup = c.M / c.Group, item = c.H * c.W * c.C;
        var (min, max) = c.Activation.Bounds;
        var y = new float[c.N * oh * ow * c.M];
        var q = new sbyte[item];
        for (int n = 0; n < c.N; n++)
        {
            var (sx, zx) = HybridQuantizer.Quantize(c.Mode, x.AsSpan(n * item, item), q);
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                    for (int m = 0; m < c.M; m++)
                    {
                        int g = m / coutPerGroup, acc = 0;
                        for (int ic = 0; ic < cinPerGroup; ic++)
                            for (int ky = 0; ky < c.K; ky++)
                                for (int kx = 0; kx < c.K; kx++)
                                {
                                    int iy = oy * c.Stride + ky - c.Pad, ix = ox * c.Stride + kx - c.Pad;
                                    if (iy < 0 || iy >= c.H || ix < 0 || ix >= c.W) continue;
                                    int qx = q[(iy * c.W + ix) * c.C + g * cinPerGroup + ic];
                                    acc += (qx - zx) * w[((m * cinPerGroup + ic) * c.K + ky) * c.K + kx];
                                }
                        float v = c.DepthwiseOrder ? acc * sx * sw[m] : acc * (sw[m] * sx);
                        v += bias?[m] ?? 0f;
                        y[((n * oh + oy) * ow + ox) * c.M + m] = Math.Clamp(v, min, max);
                    }
        }
        return y;
    }

    [Fact]
    public void RejectsWeightsWithoutScalesOrWithZeroPoints()
    {
        var x = Tensor.FromArray(new Shape(1, 2, 2, 2), new float[8]);
        var op = new HybridConvOp { Layout = ChannelLayout.ChannelsLast };
        var noQuant = Tensor.FromArray(new Shape(1, 2, 1, 1), new sbyte[] { 1, 2 });
        var e = Assert.ThrowsAny<Exception>(() => QuantizedOpHarness.Run(op, [x, noQuant], [1]));
        Assert.Contains("without quantization parameters", e.Message, StringComparison.Ordinal);
        var zeroPoint = Tensor.FromArray(new Shape(1, 2, 1, 1), new sbyte[] { 1, 2 }, QuantParams.PerTensor(0.5f, 3));
        e = Assert.ThrowsAny<Exception>(() => QuantizedOpHarness.Run(op, [x, zeroPoint], [1]));
        Assert.Contains("zero point", e.Message, StringComparison.Ordinal);
    }
}
