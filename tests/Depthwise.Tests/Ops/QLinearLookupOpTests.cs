using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.QuantizedElementwiseHarness;

namespace Depthwise.Tests.Ops;

/// <summary>
/// Exhaustive checks of the 256-entry tables: every input byte, for typical scales and zero points, against the
/// runtime's formula written out here and against the real function (within one step).
/// </summary>
public class QLinearLookupOpTests
{
    private static int[] All(QLinearLookupKind kind, DataType inType, float si, int zi, DataType outType, float so, int zo,
        RequantizeMode mode = RequantizeMode.TfLiteFixedPoint, float alpha = 0.01f)
    {
        int off = inType == DataType.Int8 ? 128 : 0;
        var q = QuantParams.PerTensor(si, zi);
        var x = inType == DataType.Int8
            ? Tensor.FromArray(new Shape(256), Enumerable.Range(-128, 256).Select(v => (sbyte)v).ToArray(), q)
            : Tensor.FromArray(new Shape(256), Enumerable.Range(0, 256).Select(v => (byte)v).ToArray(), q);
        var op = new QLinearLookupOp { Kind = kind, OutputQuant = QuantParams.PerTensor(so, zo), OutputType = outType, Requantize = mode, Alpha = alpha };
        var y = Run1(op, x);
        Assert.Equal(outType, y.DataType);
        _ = off;
        return QLinearAddOpTests.Values(y);
    }

    private static IEnumerable<int> Inputs(DataType t) => t == DataType.Int8 ? Enumerable.Range(-128, 256) : Enumerable.Range(0, 256);

    private static void WithinOneOfReal(int[] got, DataType inType, float si, int zi, DataType outType, float so, int zo, Func<double, double> f)
    {
        int lo = outType == DataType.Int8 ? -128 : 0, hi = lo + 255, k = 0;
        foreach (int x in Inputs(inType))
        {
            double ideal = Math.Clamp(Math.Round(f(si * (x - zi)) / so) + zo, lo, hi);
            Assert.True(Math.Abs(got[k] - ideal) <= 1, $"x={x}: got {got[k]}, real {f(si * (x - zi)) / so + zo}");
            k++;
        }
    }

    [Theory]
    [InlineData(DataType.UInt8, 0.1f, 128)]
    [InlineData(DataType.Int8, 0.05f, -10)]
    [InlineData(DataType.UInt8, 0.0315f, 3)]
    public void SigmoidIsTfLitesFloatTableWithItsFixedOutputQuantization(DataType type, float si, int zi)
    {
        int zo = type == DataType.Int8 ? -128 : 0;
        var got = All(QLinearLookupKind.Sigmoid, type, si, zi, type, 1f / 256, zo);
        int k = 0;
        foreach (int x in Inputs(type))
        {
            float v = si * (x - zi);
            float s = 1.0f / (1.0f + MathF.Exp(-v));
            int expected = Math.Clamp((int)(MathF.Round(s * 256f, MidpointRounding.AwayFromZero) + zo), zo, zo + 255);
            Assert.Equal(expected, got[k++]);
        }
        WithinOneOfReal(got, type, si, zi, type, 1f / 256, zo, v => 1 / (1 + Math.Exp(-v)));
    }

    [Theory]
    [InlineData(QLinearLookupKind.Tanh)]
    [InlineData(QLinearLookupKind.Elu)]
    [InlineData(QLinearLookupKind.Relu)]
    [InlineData(QLinearLookupKind.Relu6)]
    [InlineData(QLinearLookupKind.ReluN1To1)]
    [InlineData(QLinearLookupKind.LeakyRelu)]
    [InlineData(QLinearLookupKind.HardSwish)]
    [InlineData(QLinearLookupKind.Identity)]
    [InlineData(QLinearLookupKind.Rescale)]
    public void TfLiteTablesAreWithinOneStepOfTheRealFunction(QLinearLookupKind kind)
    {
        Func<double, double> f = kind switch
        {
            QLinearLookupKind.Tanh => Math.Tanh,
            QLinearLookupKind.Elu => v => v < 0 ? Math.Exp(v) - 1 : v,
            QLinearLookupKind.Relu => v => Math.Max(v, 0),
            QLinearLookupKind.Relu6 => v => Math.Clamp(v, 0, 6),
            QLinearLookupKind.ReluN1To1 => v => Math.Clamp(v, -1, 1),
            QLinearLookupKind.LeakyRelu => v => v >= 0 ? v : 0.2 * v,
            QLinearLookupKind.HardSwish => v => v * Math.Clamp(v + 3, 0, 6) / 6,
            _ => v => v,
        };
        (DataType In, float Si, int Zi, DataType Out, float So, int Zo)[] cases =
        [
            (DataType.UInt8, 0.05f, 128, DataType.UInt8, 0.03f, 100),
            (DataType.Int8, 0.04f, 5, DataType.Int8, 0.025f, -20),
            (DataType.UInt8, 0.1f, 0, DataType.Int8, 0.07f, -128),
            (DataType.Int8, 0.02f, -128, DataType.UInt8, 0.02f, 0),
            (DataType.UInt8, 0.5f, 200, DataType.UInt8, 0.3f, 180),   // wide ranges (HardSwish's large-magnitude path)
        ];
        foreach (var c in cases)
        {
            var got = All(kind, c.In, c.Si, c.Zi, c.Out, c.So, c.Zo, alpha: 0.2f);
            WithinOneOfReal(got, c.In, c.Si, c.Zi, c.Out, c.So, c.Zo, f);
        }
    }

    [Fact]
    public void IdentityIsTfLiteQuantizeRequantization()
    {
        // uint8 → int8 with a different scale: MultiplyByQuantizedMultiplier(x − z_in, s_in/s_out) + z_out, clamped.
        var got = All(QLinearLookupKind.Identity, DataType.UInt8, 0.07f, 120, DataType.Int8, 0.05f, 3);
        var (m, s) = FixedPoint.QuantizeMultiplier((double)0.07f / 0.05f);
        for (int x = 0; x < 256; x++)
            Assert.Equal(Math.Clamp(FixedPoint.MultiplyByQuantizedMultiplier(x - 120, m, s) + 3, -128, 127), got[x]);
        // Equal scales and zero points moved by 128 flip the sign bit exactly.
        var flip = All(QLinearLookupKind.Identity, DataType.Int8, 0.1f, -3, DataType.UInt8, 0.1f, 125);
        for (int k = 0; k < 256; k++) Assert.Equal(k, flip[k]);
    }

    [Fact]
    public void RescaleIsTfLiteConcatenationsFloatFormula()
    {
        var got = All(QLinearLookupKind.Rescale, DataType.UInt8, 0.079027876f, 191, DataType.UInt8, 0.049736768f, 223);
        float scale = 0.079027876f * (1f / 0.049736768f), bias = -191 * scale;
        for (int x = 0; x < 256; x++)
            Assert.Equal(Math.Clamp((int)MathF.Round(x * scale + bias, MidpointRounding.AwayFromZero) + 223, 0, 255), got[x]);
    }

    [Fact]
    public void HardSwishFollowsTfLitesFixedPointOnWorkedValues()
    {
        // Input scale 6/128 (x = 0 at zero point 128), output scale 6/128: x = 3 → 3, x = −3 → 0, x = 0 → 0, x = 1.5 → 1.125.
        float s = 6f / 128;
        var got = All(QLinearLookupKind.HardSwish, DataType.UInt8, s, 128, DataType.UInt8, s, 128);
        Assert.Equal(128 + 64, got[128 + 64]);   // 3 → 3
        Assert.Equal(128, got[128 - 64]);        // −3 → 0
        Assert.Equal(128, got[128]);             // 0 → 0
        Assert.Equal(128 + 24, got[128 + 32]);   // 1.5 · 4.5 / 6 = 1.125 = 24 steps
        Assert.Equal(128 + 128 - 1, got[255]);   // 127 steps = 5.95 → 5.95
    }

    [Theory]
    [InlineData(DataType.UInt8)]
    [InlineData(DataType.Int8)]
    public void OnnxRuntimeSigmoidAndLeakyReluTables(DataType type)
    {
        int lo = type == DataType.Int8 ? -128 : 0;
        float si = 0.08f, so = 0.004f;
        int zi = lo + 130, zo = lo + 2;
        var sig = All(QLinearLookupKind.Sigmoid, type, si, zi, type, so, zo, RequantizeMode.FloatRoundHalfEven);
        var leaky = All(QLinearLookupKind.LeakyRelu, type, si, zi, type, 0.05f, zo + 100, RequantizeMode.FloatRoundHalfEven, alpha: 0.1f);
        int k = 0;
        foreach (int x in Inputs(type))
        {
            float v = si * (x - zi);
            float l = v >= 0 ? v : 0.1f * v;
            Assert.Equal(Math.Clamp((int)MathF.Round(Q8LookupTable.MlasLogistic(v) / so, MidpointRounding.ToEven) + zo, lo, lo + 255), sig[k]);
            Assert.Equal(Math.Clamp((int)MathF.Round(l / 0.05f, MidpointRounding.ToEven) + zo + 100, lo, lo + 255), leaky[k]);
            k++;
        }
        WithinOneOfReal(sig, type, si, zi, type, so, zo, v => 1 / (1 + Math.Exp(-v)));
    }

    [Fact]
    public void RefusesANegativeAlphaInTfLiteArithmetic()
    {
        var x = U8(new Shape(2), [1, 2], 0.1f, 0);
        var op = new QLinearLookupOp { Kind = QLinearLookupKind.LeakyRelu, Alpha = -0.5f, OutputQuant = QuantParams.PerTensor(0.1f, 0) };
        Assert.Throws<ShapeMismatchException>(() => Run1(op, x));
    }
}
