using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.QuantizedElementwiseHarness;

namespace Depthwise.Tests.Ops;

/// <summary>
/// QLinearDiv (TFLite's quantized DIV): hand-worked values, the Newton–Raphson reciprocal against exact division, the
/// whole op against real division within one step, and TFLite's result for tiny quotients (shift counts past 31 wrap).
/// </summary>
public class QLinearDivOpTests
{
    private static QLinearDivOp Div(float scale, int zp, ConvActivation act = default) =>
        new() { OutputQuant = QuantParams.PerTensor(scale, zp), Activation = act };

    [Theory]
    // A: scale 0.5, zp 10; B: scale 0.25, zp 0; Y: scale 0.5, zp 3 (multiplier 0.5 / (0.25·0.5) = 4).
    [InlineData(14, 8, 5)]     // 2 / 2 = 1 → 2, + 3
    [InlineData(6, 8, 1)]      // −2 / 2 = −1 → −2, + 3
    [InlineData(15, 4, 8)]     // 2.5 / 1 = 2.5 → 5, + 3
    [InlineData(11, 12, 3)]    // 0.5 / 3 = 0.167 → 0.333 → 0, + 3 (total shift 30)
    [InlineData(10, 8, 3)]     // 0 / 2: the total shift is exactly 31, so 0 stays 0
    [InlineData(10, 200, 4)]   // 0 / 50: a total shift of 35 wraps in TFLite's C (count mod 32): z_y + 1, as the TFLite oracle gives
    public void TfLiteDivWorkedByHand(byte a, byte b, byte expected)
    {
        var y = Run1(Div(0.5f, 3), U8(new Shape(1), [a], 0.5f, 10), U8(new Shape(1), [b], 0.25f, 0));
        Assert.Equal(expected, y.ToArray<byte>()[0]);
    }

    [Fact]
    public void ReciprocalIsWithinAFewQ31Units()
    {
        for (int x = 1; x < 70000; x += x < 512 ? 1 : 97)
        {
            int r = Q8Div.Reciprocal(x, out int shift);
            // r / 2^31 ≈ 2^shift / x (1/x's mantissa in (0.5, 1]); the iteration runs in Q2.29, so a few Q31 units off.
            double exact = Math.ScaleB(1.0, 31 + shift) / x;
            Assert.True(Math.Abs(r - exact) <= 8, $"x = {x}: reciprocal {r}, exact {exact}");
        }
    }

    [Theory]
    [InlineData(DataType.UInt8)]
    [InlineData(DataType.Int8)]
    public void WithinOneStepOfRealDivisionWithBroadcasting(DataType type)
    {
        int lo = type == DataType.Int8 ? -128 : 0, hi = lo + 255;
        float sa = 0.031f, sb = 0.0157f, sy = 0.13f;
        int za = lo + 127, zb = lo, zy = lo + 128;
        // Every numerator against every positive divisor: A [256, 1], B [1, 255].
        var aBytes = Enumerable.Range(0, 256).Select(v => (byte)v).ToArray();
        var bBytes = Enumerable.Range(1, 255).Select(v => (byte)v).ToArray();
        Tensor a = type == DataType.Int8 ? S8(new Shape(256, 1), aBytes.Select(v => (sbyte)(v - 128)).ToArray(), sa, za) : U8(new Shape(256, 1), aBytes, sa, za);
        Tensor b = type == DataType.Int8 ? S8(new Shape(1, 255), bBytes.Select(v => (sbyte)(v - 128)).ToArray(), sb, zb) : U8(new Shape(1, 255), bBytes, sb, zb);
        var y = Run1(Div(sy, zy, ConvActivation.Relu), a, b);
        var got = type == DataType.Int8 ? y.ToArray<sbyte>().Select(v => (int)v).ToArray() : y.ToArray<byte>().Select(v => (int)v).ToArray();
        int checkedCount = 0;
        for (int i = 0; i < 256; i++)
            for (int j = 0; j < 255; j++)
            {
                int an = i - 127, bn = j + 1;
                double real = an * (double)sa / (bn * (double)sb) / sy;
                if (Math.Abs(real) < 0.5) continue;   // tiny quotients: TFLite's wrapped shifts (see the hand-worked case)
                int expected = Math.Clamp((int)Math.Round(real) + zy, Math.Max(lo, zy), hi);
                Assert.True(Math.Abs(got[i * 255 + j] - expected) <= 1, $"{an}·{sa} / ({bn}·{sb}): expected ≈ {expected}, got {got[i * 255 + j]}");
                checkedCount++;
            }
        Assert.True(checkedCount > 30000);
    }
}
