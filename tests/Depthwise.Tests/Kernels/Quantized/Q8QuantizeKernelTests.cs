using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Tests.Kernels.Quantized;

/// <summary>
/// Every vector width of the float ↔ 8-bit conversion kernels against their scalar formula over lengths 0..300, both
/// storage types and both roundings, with ties, NaN and out-of-range values. test.sh re-runs these with the wide ISAs off.
/// </summary>
public class Q8QuantizeKernelTests
{
    [Theory]
    [InlineData(DataType.UInt8, RequantizeMode.TfLiteFixedPoint)]
    [InlineData(DataType.UInt8, RequantizeMode.FloatRoundHalfEven)]
    [InlineData(DataType.Int8, RequantizeMode.TfLiteFixedPoint)]
    [InlineData(DataType.Int8, RequantizeMode.FloatRoundHalfEven)]
    public void QuantizeVectorPathsEqualTheScalarFormula(DataType type, RequantizeMode mode)
    {
        var rng = new Random(41);
        int zp = type == DataType.Int8 ? -7 : 131;
        foreach (var isa in Q8Isas.Supported)
        {
            var q = new Q8Quantize(0.5f, zp, type, mode, isa);
            for (int n = 0; n <= 300; n++)
            {
                var x = new float[n];
                for (int i = 0; i < n; i++)
                    x[i] = (i % 5) switch
                    {
                        0 => rng.Next(-300, 300) * 0.25f,          // exact ties after the division by 0.5
                        1 => (float)(rng.NextDouble() * 400 - 200),
                        2 => i % 7 == 0 ? float.NaN : 1e9f * (i % 2 == 0 ? 1 : -1),
                        _ => (float)(rng.NextDouble() * 4 - 2),
                    };
                var full = new byte[n + 64];
                q.Run(x, full.AsSpan(0, n));
                for (int i = 0; i < n; i++) Assert.True(q.Invoke(x[i]) == full[i], $"{isa} n={n} i={i} x={x[i]}");
                for (int i = n; i < full.Length; i++) Assert.Equal(0, full[i]);
            }
        }
    }

    [Fact]
    public void ScalarQuantizeRoundsAsEachRuntime()
    {
        // x / 0.5 = 2.5, −2.5, 3.5: TFLite rounds half away from zero, ONNX half to even; NaN → the type's minimum.
        var tfl = new Q8Quantize(0.5f, 0, DataType.Int8, RequantizeMode.TfLiteFixedPoint, Q8Isa.Scalar);
        var onnx = new Q8Quantize(0.5f, 0, DataType.Int8, RequantizeMode.FloatRoundHalfEven, Q8Isa.Scalar);
        Assert.Equal(new sbyte[] { 3, -3, 4, -128, 127 }, new[] { 1.25f, -1.25f, 1.75f, float.NaN, 1000f }.Select(v => (sbyte)tfl.Invoke(v)).ToArray());
        Assert.Equal(new sbyte[] { 2, -2, 4, -128, -128 }, new[] { 1.25f, -1.25f, 1.75f, float.NaN, -1000f }.Select(v => (sbyte)onnx.Invoke(v)).ToArray());
    }

    [Theory]
    [InlineData(DataType.UInt8)]
    [InlineData(DataType.Int8)]
    public void DequantizeVectorPathsEqualTheScalarFormula(DataType type)
    {
        var rng = new Random(43);
        foreach (var isa in Q8Isas.Supported)
        {
            var d = new Q8Dequantize(0.037f, type == DataType.Int8 ? 5 : 200, type, isa);
            for (int n = 0; n <= 300; n++)
            {
                var x = new byte[n];
                rng.NextBytes(x);
                var full = new float[n + 32];
                d.Run(x, full.AsSpan(0, n));
                for (int i = 0; i < n; i++) Assert.True(d.Invoke(x[i]) == full[i], $"{isa} n={n} i={i}");
                for (int i = n; i < full.Length; i++) Assert.Equal(0f, full[i]);
            }
        }
        var one = new Q8Dequantize(2f, -3, DataType.Int8, Q8Isa.Scalar);
        Assert.Equal(-250f, one.Invoke(unchecked((byte)(sbyte)-128)));
    }
}
