using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Xunit.Abstractions;

namespace Depthwise.Tests.Ops;

/// <summary>
/// The direct quantized stem kernel at every lane width this machine runs against <see cref="Q8ConvReference"/> (NHWC,
/// group 1), bit for bit: 1–4 input channels, output channels around the vector widths, odd sizes, strides 1–3,
/// asymmetric pads, dilation along the height, batch 2, both data types and requantizations, per-channel weight zero
/// points and zero points at both ends; outputs surrounded by sentinels, rows split as the work items split them.
/// </summary>
public sealed class Q8SmallInputConvKernelTests(ITestOutputHelper output)
{
    public static TheoryData<int> Widths()
    {
        var data = new TheoryData<int> { 1 };
        if (Q8Lanes128.IsSupported) data.Add(4);
        if (Q8Lanes256.IsSupported) data.Add(8);
        if (Q8Lanes512.IsSupported) data.Add(16);
        return data;
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void MatchesReference(int lanes)
    {
        var rng = new Random(lanes);
        int cases = 0;
        (int H, int W)[] sizes = [(1, 1), (2, 3), (5, 5), (7, 9), (11, 4), (13, 13)];
        (int KH, int KW, int S, int DH, int[] Pads)[] geometries =
        [
            (3, 3, 2, 1, [1, 1, 1, 1]), (3, 3, 1, 1, [1, 1, 1, 1]), (3, 3, 2, 1, [0, 0, 1, 1]), (3, 3, 2, 1, [0, 0, 0, 0]),
            (5, 5, 2, 1, [2, 1, 1, 2]), (2, 2, 2, 1, [0, 0, 0, 0]), (3, 3, 1, 2, [2, 1, 2, 1]), (1, 3, 3, 1, [0, 1, 0, 1]), (4, 1, 1, 1, [2, 0, 1, 0]),
        ];
        foreach (int cin in new[] { 1, 2, 3, 4 })
            foreach (int cout in new[] { 1, 5, 16, 32, 37 })
                foreach (var (h, w) in sizes)
                    foreach (var (kh, kw, s, dh, p) in geometries)
                    {
                        int oh = (h + p[0] + p[2] - ((kh - 1) * dh + 1)) / s + 1, ow = (w + p[1] + p[3] - kw) / s + 1;
                        if (oh < 1 || ow < 1 || (cases++ % 3 != 0 && cout != 32)) continue;
                        Check(rng, lanes, 1 + cases % 2, cin, cout, h, w, kh, kw, s, dh, p, oh, ow);
                    }
        output.WriteLine($"{cases} shapes");
    }

    private static void Check(Random rng, int lanes, int batch, int cin, int cout, int h, int w, int kh, int kw, int s, int dh, int[] p, int oh, int ow)
    {
        bool xs = rng.Next(2) == 0, ws = rng.Next(2) == 0, ys = rng.Next(2) == 0;
        int Zp(bool signed) => rng.Next(4) switch { 0 => signed ? -128 : 0, 1 => signed ? 127 : 255, _ => signed ? rng.Next(-128, 128) : rng.Next(256) };
        var x = new byte[batch * h * w * cin];
        var wt = new byte[cout * cin * kh * kw];
        rng.NextBytes(x);
        rng.NextBytes(wt);
        int zx = Zp(xs), zy = Zp(ys);
        int[] wz = rng.Next(2) == 0 ? [Zp(ws)] : Enumerable.Range(0, cout).Select(_ => Zp(ws)).ToArray();
        int[] bias = rng.Next(3) == 0 ? [] : Enumerable.Range(0, cout).Select(_ => rng.Next(-40000, 40000)).ToArray();
        double typical = 8000 * Math.Sqrt(cin * kh * kw);
        var scales = Enumerable.Range(0, cout).Select(_ => (float)(Math.Exp(rng.NextDouble() * 4 - 2) * 100 / typical)).ToArray();
        var (lo, hi) = ys ? (-128, 127) : (0, 255);
        int min = rng.Next(3) == 0 ? rng.Next(lo, zy + 1) : lo;
        int max = rng.Next(3) == 0 ? rng.Next(Math.Max(min, zy), hi + 1) : hi;
        var window = SpatialWindow.FromSizes([h, w], [oh, ow], [kh, kw], [s, s], [dh, 1], [p[0], p[1]], [p[2], p[3]]);
        foreach (var mode in new[] { RequantizeMode.TfLiteFixedPoint, RequantizeMode.FloatRoundHalfEven })
        {
            var q = mode == RequantizeMode.FloatRoundHalfEven
                ? Q8Requantization.RoundHalfEven(scales, cout, zy, min, max)
                : Q8Requantization.FixedPoint(scales.Select(v => (double)v).ToArray(), cout, zy, min, max);
            var expected = new byte[batch * oh * ow * cout];
            Q8ConvReference.Run(window, new PlaneLayout(batch, cin, h * w, ChannelLayout.ChannelsLast), cout, 1, x, xs, zx, wt, ws, wz, bias, q, expected);
            var kernel = new Q8SmallInputConvKernel(window, batch, cin, cout, wt, ws, wz, bias, xs, zx, q, threads: 1, lanes);
            Assert.Equal(lanes, kernel.Lanes);
            var y = new byte[expected.Length + 64];
            Array.Fill(y, (byte)0x5A);
            var scratch = new byte[kernel.ScratchBytes];
            Array.Fill(scratch, (byte)0xEE);
            for (int row = 0; row < batch * oh; row += 2)
                kernel.Rows(row, 2, x, y.AsSpan(32, expected.Length), scratch);
            var got = y.AsSpan(32, expected.Length);
            if (!expected.AsSpan().SequenceEqual(got))
            {
                int i = 0;
                while (expected[i] == got[i]) i++;
                Assert.Fail($"lanes {lanes} {mode} n{batch} {h}×{w}×{cin}→{cout} k{kh}×{kw} s{s} dh{dh} pads [{string.Join(",", p)}] " +
                    $"(x {(xs ? "s8" : "u8")} zp {zx}): element {i} is {got[i]}, expected {expected[i]}");
            }
            for (int i = 0; i < 32; i++) Assert.True(y[i] == 0x5A && y[^(i + 1)] == 0x5A, "write outside the output");
        }
    }
}
