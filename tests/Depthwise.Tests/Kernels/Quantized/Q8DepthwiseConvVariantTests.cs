using Depthwise.Kernels.Depthwise;
using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Xunit.Abstractions;

namespace Depthwise.Tests.Kernels.Quantized;

/// <summary>
/// Every quantized depthwise variant against <see cref="Q8ConvReference"/> (NHWC, group = C), bit for bit: channels
/// around the vector widths, 1×1 to 14×14 maps, odd sizes with stride 2, asymmetric pads, dilation, batch 2, both
/// data types and requantizations, per-channel zero points at their extremes. Outputs are surrounded by sentinels.
/// </summary>
public sealed class Q8DepthwiseConvVariantTests(ITestOutputHelper output)
{
    public static TheoryData<string> Variants()
    {
        var data = new TheoryData<string>();
        foreach (var v in Q8DepthwiseConvCatalog.Supported) data.Add(v.Name);
        return data;
    }

    private Q8DepthwiseConvVariant Require(string name)
    {
        var v = Q8DepthwiseConvCatalog.Find(name) ?? throw new InvalidOperationException(name);
        Assert.True(v.IsSupported, name);
        output.WriteLine($"running {v.Name}; best here: {Q8DepthwiseConvCatalog.Best.Name}");
        return v;
    }

    internal sealed record Case(DepthwiseConvShape Shape, byte[] X, bool XSigned, int XZeroPoint, byte[] W, bool WSigned, int[] WZeroPoints,
        int[] Bias, float[] Scales, int YZeroPoint, int Min, int Max)
    {
        public static Case Random(Random rng, DepthwiseConvShape s)
        {
            bool xs = rng.Next(2) == 0, ws = rng.Next(2) == 0, ys = rng.Next(2) == 0;
            var x = new byte[s.InputLength];
            var w = new byte[s.Channels * s.KernelHeight * s.KernelWidth];
            rng.NextBytes(x);
            rng.NextBytes(w);
            int Zp(bool signed) => rng.Next(4) switch { 0 => signed ? -128 : 0, 1 => signed ? 127 : 255, _ => signed ? rng.Next(-128, 128) : rng.Next(256) };
            int[] wz = rng.Next(2) == 0 ? [Zp(ws)] : Enumerable.Range(0, s.Channels).Select(_ => Zp(ws)).ToArray();
            int[] bias = rng.Next(3) == 0 ? [] : Enumerable.Range(0, s.Channels).Select(_ => rng.Next(-40000, 40000)).ToArray();
            double typical = 4000 * Math.Sqrt(s.KernelHeight * s.KernelWidth);
            var scales = Enumerable.Range(0, s.Channels).Select(c => c % 3 == 0
                ? MathF.ScaleB(1, (int)Math.Round(Math.Log2(100 / typical)) + rng.Next(-2, 3))
                : (float)(Math.Exp(rng.NextDouble() * 4 - 2) * 100 / typical)).ToArray();
            int yz = Zp(ys);
            var (lo, hi) = ys ? (-128, 127) : (0, 255);
            int min = rng.Next(3) == 0 ? rng.Next(lo, yz + 1) : lo;
            int max = rng.Next(3) == 0 ? rng.Next(Math.Max(min, yz), hi + 1) : hi;
            return new Case(s, x, xs, Zp(xs), w, ws, wz, bias, scales, yz, min, max);
        }

        public Q8Requantization Requantization(RequantizeMode mode) => mode == RequantizeMode.FloatRoundHalfEven
            ? Q8Requantization.RoundHalfEven(Scales, Shape.Channels, YZeroPoint, Min, Max)
            : Q8Requantization.FixedPoint(Scales.Select(v => (double)v).ToArray(), Shape.Channels, YZeroPoint, Min, Max);

        public byte[] Reference(Q8Requantization q)
        {
            var s = Shape;
            var window = SpatialWindow.FromSizes([s.Height, s.Width], [s.OutputHeight, s.OutputWidth], [s.KernelHeight, s.KernelWidth],
                [s.StrideHeight, s.StrideWidth], [s.DilationHeight, s.DilationWidth], [s.PadTop, s.PadLeft], [s.PadBottom, s.PadRight]);
            var y = new byte[s.OutputLength];
            Q8ConvReference.Run(window, new PlaneLayout(s.Batch, s.Channels, s.Height * s.Width, ChannelLayout.ChannelsLast), s.Channels, s.Channels,
                X, XSigned, XZeroPoint, W, WSigned, WZeroPoints, Bias, q, y);
            return y;
        }
    }

    private static void AssertMatches(Q8DepthwiseConvVariant v, Case c, bool split)
    {
        var w = Q8DepthwiseConvWeights.Pack(c.Shape.Channels, c.Shape.KernelHeight, c.Shape.KernelWidth, c.W, c.WSigned, c.WZeroPoints, c.Bias, c.XZeroPoint);
        foreach (var mode in new[] { RequantizeMode.TfLiteFixedPoint, RequantizeMode.FloatRoundHalfEven })
        {
            var q = c.Requantization(mode);
            var expected = c.Reference(q);
            var y = new byte[c.Shape.OutputLength + 64];
            Array.Fill(y, (byte)0x5A);
            var span = y.AsSpan(32, c.Shape.OutputLength);
            if (split)
                for (int i = 0; i < 3; i++) v.Run(w, c.Shape, q, c.X, c.XSigned, span, DepthwiseConvRange.Split(c.Shape, 3, i));
            else
                v.Run(w, c.Shape, q, c.X, c.XSigned, span, DepthwiseConvRange.Full(c.Shape));
            if (!expected.AsSpan().SequenceEqual(span))
            {
                int i = 0;
                while (expected[i] == span[i]) i++;
                Assert.Fail($"{v.Name} {mode} {c.Shape} (x {(c.XSigned ? "s8" : "u8")} zp {c.XZeroPoint}): element {i} is {span[i]}, expected {expected[i]}");
            }
            for (int i = 0; i < 32; i++) Assert.True(y[i] == 0x5A && y[^(i + 1)] == 0x5A, "write outside the output");
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void MatchesReference(string name)
    {
        var v = Require(name);
        var rng = new Random(21);
        int cases = 0;
        (int H, int W)[] sizes = [(1, 1), (2, 3), (5, 5), (7, 9), (14, 14), (1, 12), (9, 1)];
        (int K, int S, int D, int[] Pads)[] geometries =
        [
            (3, 1, 1, [1, 1, 1, 1]), (3, 2, 1, [1, 1, 1, 1]), (3, 2, 1, [0, 0, 1, 1]), (3, 1, 1, [0, 0, 0, 0]),
            (5, 1, 1, [2, 2, 2, 2]), (5, 2, 1, [1, 2, 2, 1]), (3, 1, 2, [2, 2, 2, 2]), (1, 1, 1, [0, 0, 0, 0]), (2, 2, 1, [0, 1, 1, 0]),
        ];
        foreach (int channels in new[] { 1, 3, 4, 8, 15, 16, 17, 33, 48 })
            foreach (var (h, wd) in sizes)
                foreach (var (k, s, d, p) in geometries)
                {
                    DepthwiseConvShape shape;
                    try { shape = new DepthwiseConvShape(1 + cases % 2, h, wd, channels, k, k, s, s, d, d, p[0], p[1], p[2], p[3]); }
                    catch (ArgumentException) { continue; }
                    AssertMatches(v, Case.Random(rng, shape), split: cases % 3 == 0);
                    cases++;
                }
        output.WriteLine($"{cases} cases");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void MatchesReferenceOnRectangularKernelsAndMixedStrides(string name)
    {
        var v = Require(name);
        var rng = new Random(4);
        foreach (var shape in new[]
        {
            new DepthwiseConvShape(2, 6, 7, 19, 1, 3, 1, 2, 1, 1, 0, 1, 0, 1),
            new DepthwiseConvShape(1, 8, 5, 24, 3, 1, 2, 1, 1, 1, 1, 0, 1, 0),
            new DepthwiseConvShape(1, 9, 9, 32, 3, 3, 3, 2, 2, 3, 2, 3, 2, 3),
            new DepthwiseConvShape(1, 3, 3, 16, 3, 3, 1, 1, 1, 1, 5, 5, 5, 5),
        })
            AssertMatches(v, Case.Random(rng, shape), split: true);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void MatchesReferenceOnWideChannelsAndNarrowRows(string name)
    {
        // ≥ 128 channels on rows up to 16 wide: the pixel-outer 3×3 path of the VBMI variant (and wider rows next to it).
        var v = Require(name);
        var rng = new Random(12);
        foreach (var shape in new[]
        {
            new DepthwiseConvShape(1, 7, 7, 131, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
            new DepthwiseConvShape(2, 14, 14, 144, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
            new DepthwiseConvShape(1, 9, 5, 160, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1),
            new DepthwiseConvShape(1, 1, 1, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
            new DepthwiseConvShape(1, 3, 17, 136, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
            new DepthwiseConvShape(1, 8, 8, 130, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2),
            new DepthwiseConvShape(2, 5, 16, 129, 3, 3, 1, 1, 1, 1, 0, 1, 2, 1),
        })
            foreach (bool split in new[] { false, true })
                AssertMatches(v, Case.Random(rng, shape), split);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void RunAllocatesNothing(string name)
    {
        var v = Require(name);
        var c = Case.Random(new Random(2), DepthwiseConvShape.Square(1, 9, 9, 40, 3, 1, 1));
        var w = Q8DepthwiseConvWeights.Pack(40, 3, 3, c.W, c.WSigned, c.WZeroPoints, c.Bias, c.XZeroPoint);
        var q = c.Requantization(RequantizeMode.TfLiteFixedPoint);
        var y = new byte[c.Shape.OutputLength];
        v.Run(w, c.Shape, q, c.X, c.XSigned, y, DepthwiseConvRange.Full(c.Shape));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) v.Run(w, c.Shape, q, c.X, c.XSigned, y, DepthwiseConvRange.Full(c.Shape));
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void FoldedBiasIsTheBiasMinusTheZeroPointTimesTheWeightSums()
    {
        // Two channels, 1×2 kernel, uint8 weights with zero points 10 and 0, zx = 3.
        var w = Q8DepthwiseConvWeights.Pack(2, 1, 2, [12, 15, 1, 255], false, [10, 0], [100, -7], 3);
        Assert.Equal(new[] { 2, 1 }, w.Tap(0).ToArray());
        Assert.Equal(new[] { 5, 255 }, w.Tap(1).ToArray());
        Assert.Equal(new[] { 100, -7 }, w.Bias.ToArray());
        Assert.Equal(new[] { 100 - 3 * 7, -7 - 3 * 256 }, w.FoldedBias.ToArray());
    }
}
