using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Tests.Kernels.Quantized;

/// <summary>
/// Every width of the global-average-pool kernel against its scalar <see cref="Q8GlobalAveragePool.Finish"/> of the plain
/// sums, for awkward channel counts and image sizes, both layouts, both types and both arithmetics; re-run by test.sh
/// with the wide ISAs off.
/// </summary>
public class Q8GlobalAveragePoolKernelTests
{
    [Theory]
    [InlineData(DataType.UInt8, RequantizeMode.TfLiteFixedPoint)]
    [InlineData(DataType.UInt8, RequantizeMode.FloatRoundHalfEven)]
    [InlineData(DataType.Int8, RequantizeMode.TfLiteFixedPoint)]
    [InlineData(DataType.Int8, RequantizeMode.FloatRoundHalfEven)]
    public void EveryWidthEqualsTheScalarFormula(DataType type, RequantizeMode mode)
    {
        var rng = new Random(12);
        int zlo = type == DataType.Int8 ? -128 : 0;
        foreach (int size in new[] { 1, 3, 7, 49, 64, 65, 196 })
            foreach (int channels in new[] { 1, 3, 4, 15, 16, 17, 33, 64, 100, 130 })
            {
                var xq = QuantParams.PerTensor(0.02f + 0.001f * size, zlo + rng.Next(256));
                var yq = QuantParams.PerTensor(0.015f, zlo + rng.Next(256));
                var x = new byte[size * channels];
                rng.NextBytes(x);
                byte flip = type == DataType.Int8 ? (byte)0x80 : (byte)0;
                foreach (var isa in Q8Isas.Supported)
                {
                    var k = new Q8GlobalAveragePool(size, xq, yq, type, mode, isa);
                    var last = new byte[channels + 16];
                    var first = new byte[channels + 16];
                    k.RunChannelsLast(x, channels, last.AsSpan(0, channels));
                    k.RunChannelsFirst(x, first.AsSpan(0, channels));
                    for (int c = 0; c < channels; c++)
                    {
                        int sumLast = 0, sumFirst = 0;
                        for (int p = 0; p < size; p++) { sumLast += x[p * channels + c] ^ flip; sumFirst += x[c * size + p] ^ flip; }
                        Assert.True(k.Finish(sumLast) == last[c], $"{isa} last size={size} channels={channels} c={c}");
                        Assert.True(k.Finish(sumFirst) == first[c], $"{isa} first size={size} channels={channels} c={c}");
                    }
                    for (int c = channels; c < channels + 16; c++) { Assert.Equal(0, last[c]); Assert.Equal(0, first[c]); }
                }
            }
    }
}
