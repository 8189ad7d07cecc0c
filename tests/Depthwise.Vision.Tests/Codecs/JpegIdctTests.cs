using Depthwise.Vision.Codecs;

namespace Depthwise.Vision.Tests.Codecs;

/// <summary>The AVX2 islow IDCT and the DC-only shortcut against the scalar reference, and the reference against a float IDCT.</summary>
public class JpegIdctTests
{
    private static (short[] Coef, int[] Quant) RandomBlock(Random rng, int nonzero, int maxMagnitude)
    {
        var coef = new short[64];
        var quant = new int[64];
        for (int i = 0; i < 64; i++) quant[i] = rng.Next(1, 100);
        for (int i = 0; i < nonzero; i++)
        {
            int k = i == 0 ? 0 : rng.Next(64);
            int q = quant[k];
            coef[k] = (short)(rng.Next(-maxMagnitude, maxMagnitude + 1) / q);
        }
        return (coef, quant);
    }

    [Fact]
    public void VectorPathMatchesScalarReference()
    {
        var rng = new Random(5);
        var a = new byte[8 * 11];
        var b = new byte[8 * 11];
        for (int t = 0; t < 20000; t++)
        {
            var (coef, quant) = RandomBlock(rng, rng.Next(1, 65), t % 3 == 0 ? 3_000_000 : 1500);
            Array.Clear(a);
            Array.Clear(b);
            JpegIdct.TransformScalar(coef, quant, a.AsSpan(1), 11);
            JpegIdct.Transform(coef, quant, b.AsSpan(1), 11);
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void DcOnlyShortcutMatchesFullTransform()
    {
        var a = new byte[64];
        var b = new byte[64];
        var coef = new short[64];
        var quant = new int[64];
        foreach (int q in new[] { 1, 2, 7, 16, 99, 255, 1000, 65535 })
        {
            quant[0] = q;
            for (int dc = -32768; dc < 32768; dc += 97)
            {
                coef[0] = (short)dc;
                JpegIdct.TransformScalar(coef, quant, a, 8);
                JpegIdct.TransformDcOnly(dc, q, b, 8);
                Assert.Equal(a, b);
            }
        }
    }

    [Fact]
    public void ReferenceIsCloseToTheExactTransform()
    {
        // The fixed-point result must be within 1 of the real-valued 2-D IDCT (rounded, clamped) for moderate inputs.
        var rng = new Random(9);
        var got = new byte[64];
        for (int t = 0; t < 2000; t++)
        {
            var (coef, quant) = RandomBlock(rng, rng.Next(1, 20), 600);
            JpegIdct.TransformScalar(coef, quant, got, 8);
            for (int y = 0; y < 8; y++)
            {
                for (int x = 0; x < 8; x++)
                {
                    double s = 0;
                    for (int v = 0; v < 8; v++)
                        for (int u = 0; u < 8; u++)
                        {
                            double cu = u == 0 ? Math.Sqrt(0.5) : 1, cv = v == 0 ? Math.Sqrt(0.5) : 1;
                            s += cu * cv * coef[v * 8 + u] * quant[v * 8 + u] *
                                 Math.Cos((2 * x + 1) * u * Math.PI / 16) * Math.Cos((2 * y + 1) * v * Math.PI / 16);
                        }
                    double exact = Math.Clamp(Math.Round(s / 4 + 128), 0, 255);
                    Assert.InRange(got[y * 8 + x], exact - 1, exact + 1);
                }
            }
        }
    }
}
