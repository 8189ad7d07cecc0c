using Depthwise.Vision.Codecs;

namespace Depthwise.Vision.Tests.Codecs;

/// <summary>
/// The vectorized row kernels (upsampling, color conversion) against their scalar references and against the
/// formulas written out here, for every width around the vector sizes, with random samples (extremes included).
/// </summary>
public class JpegRowKernelTests
{
    private static byte[] RandomRow(Random rng, int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        for (int i = 0; i < n; i += 7) b[i] = (byte)(i % 2 == 0 ? 0 : 255);
        return b;
    }

    [Fact]
    public void H2V1MatchesFormula()
    {
        var rng = new Random(1);
        for (int w = 2; w < 90; w++)
        {
            var src = RandomRow(rng, w);
            var got = new byte[2 * w];
            var reference = new byte[2 * w];
            JpegUpsampler.H2V1(src, got);
            JpegUpsampler.H2V1Scalar(src, reference);
            for (int x = 0; x < w; x++)
            {
                int left = src[Math.Max(x - 1, 0)], right = src[Math.Min(x + 1, w - 1)];
                int even = x == 0 ? src[0] : (3 * src[x] + left + 1) >> 2;
                int odd = x == w - 1 ? src[w - 1] : (3 * src[x] + right + 2) >> 2;
                Assert.Equal(even, reference[2 * x]);
                Assert.Equal(odd, reference[2 * x + 1]);
            }
            Assert.Equal(reference, got);
        }
    }

    [Fact]
    public void H2V2MatchesFormula()
    {
        var rng = new Random(2);
        for (int w = 2; w < 90; w++)
        {
            var near = RandomRow(rng, w);
            var far = RandomRow(rng, w);
            var sums = new short[w];
            JpegUpsampler.ColumnSums(near, far, sums);
            for (int x = 0; x < w; x++) Assert.Equal(3 * near[x] + far[x], sums[x]);
            var got = new byte[2 * w];
            var reference = new byte[2 * w];
            JpegUpsampler.H2V2Horizontal(sums, got);
            JpegUpsampler.H2V2HorizontalScalar(sums, reference);
            for (int x = 0; x < w; x++)
            {
                int left = sums[Math.Max(x - 1, 0)], right = sums[Math.Min(x + 1, w - 1)];
                Assert.Equal((3 * sums[x] + left + 8) >> 4, reference[2 * x]);
                Assert.Equal((3 * sums[x] + right + 7) >> 4, reference[2 * x + 1]);
            }
            Assert.Equal(reference, got);
        }
    }

    [Fact]
    public void VerticalBlendMatchesFormula()
    {
        var rng = new Random(3);
        for (int w = 1; w < 70; w++)
        {
            var near = RandomRow(rng, w);
            var far = RandomRow(rng, w);
            foreach (int bias in new[] { 1, 2 })
            {
                var got = new byte[w];
                JpegUpsampler.VerticalBlend(near, far, bias, got);
                for (int x = 0; x < w; x++) Assert.Equal((3 * near[x] + far[x] + bias) >> 2, got[x]);
            }
        }
    }

    [Fact]
    public void YCbCrToRgbMatchesScalarAndFloatReference()
    {
        var rng = new Random(4);
        for (int w = 1; w < 70; w++)
        {
            var y = RandomRow(rng, w);
            var cb = RandomRow(rng, w);
            var cr = RandomRow(rng, w);
            var got = new byte[3 * w + 5];
            var reference = new byte[3 * w + 5];
            got[^1] = reference[^1] = 0x5A;
            JpegColorConverter.YCbCrToRgb(y, cb, cr, got, w);
            JpegColorConverter.YCbCrToRgbScalar(y, cb, cr, reference, w);
            Assert.Equal(reference, got); // also: nothing written past 3·w
            for (int x = 0; x < w; x++)
            {
                double r = y[x] + 1.402 * (cr[x] - 128);
                double g = y[x] - 0.344136 * (cb[x] - 128) - 0.714136 * (cr[x] - 128);
                double b = y[x] + 1.772 * (cb[x] - 128);
                Assert.InRange(reference[3 * x], Math.Clamp(r, 0, 255) - 1, Math.Clamp(r, 0, 255) + 1);
                Assert.InRange(reference[3 * x + 1], Math.Clamp(g, 0, 255) - 1, Math.Clamp(g, 0, 255) + 1);
                Assert.InRange(reference[3 * x + 2], Math.Clamp(b, 0, 255) - 1, Math.Clamp(b, 0, 255) + 1);
            }
        }
    }

    [Fact]
    public void CmykToRgbRoundsLikeDjpeg()
    {
        var c = new byte[256];
        var k = new byte[256];
        var rgb = new byte[3 * 256];
        for (int kv = 0; kv < 256; kv++)
        {
            for (int i = 0; i < 256; i++)
            {
                c[i] = (byte)i;
                k[i] = (byte)kv;
            }
            JpegColorConverter.CmykToRgb(c, c, c, k, rgb, 256);
            for (int i = 0; i < 256; i++) Assert.Equal((byte)(i * (double)kv / 255 + 0.5), rgb[3 * i]);
        }
    }
}
