using Depthwise.Kernels.Quantized;

namespace Depthwise.Tests.Kernels.Quantized;

/// <summary>Every width of the byte table lookup against the plain loop over lengths 0..300; re-run by test.sh with the wide ISAs off.</summary>
public class Q8LookupKernelTests
{
    [Fact]
    public void EveryWidthEqualsTheTableLoop()
    {
        var rng = new Random(8);
        var table = new byte[256];
        rng.NextBytes(table);
        foreach (var isa in Q8Isas.Supported)
        {
            var k = new Q8Lookup(table, isa);
            for (int n = 0; n <= 300; n++)
            {
                var x = new byte[n];
                rng.NextBytes(x);
                if (n >= 4) { x[0] = 0; x[1] = 127; x[2] = 128; x[3] = 255; }
                var full = new byte[n + 64];
                Array.Fill(full, (byte)0x5A);
                k.Run(x, full.AsSpan(0, n));
                for (int i = 0; i < n; i++) Assert.True(table[x[i]] == full[i], $"{isa} (runs {Q8Lookup.Effective(isa)}) n={n} i={i}");
                for (int i = n; i < full.Length; i++) Assert.Equal(0x5A, full[i]);
            }
        }
    }
}
