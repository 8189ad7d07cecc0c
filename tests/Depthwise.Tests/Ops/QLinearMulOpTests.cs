using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.QLinearAddOpTests;
using static Depthwise.Tests.Ops.QuantizedElementwiseHarness;

namespace Depthwise.Tests.Ops;

public class QLinearMulOpTests
{
    private static QLinearMulOp Mul(float scale, int zp, RequantizeMode mode = RequantizeMode.TfLiteFixedPoint, ConvActivation act = default) =>
        new() { OutputQuant = QuantParams.PerTensor(scale, zp), Requantize = mode, Activation = act };

    [Theory]
    // A: scale 0.5, zp 10; B: scale 0.25, zp 20; C: scale 0.5, zp 3.
    [InlineData(14, 24, 7)]    // 2 · 1 = 2 → 4, + 3
    [InlineData(10, 200, 3)]   // 0 · anything = 0
    [InlineData(11, 21, 4)]    // 0.5 · 0.25 / 0.5 = 0.25, yet 1: the high multiply rounds 0.5 up, then the shift rounds 0.5 up again
    [InlineData(11, 23, 4)]    // 0.5 · 0.75 = 0.375 → 0.75 → 1
    [InlineData(8, 21, 2)]     // −1 · 0.25 = −0.25 → −0.5 → half away from zero: −1
    public void TfLiteMulWorkedByHand(byte a, byte b, byte expected)
    {
        var y = Run1(Mul(0.5f, 3), U8(new Shape(1), [a], 0.5f, 10), U8(new Shape(1), [b], 0.25f, 20));
        Assert.Equal(expected, y.ToArray<byte>()[0]);
    }

    [Theory]
    [InlineData(DataType.UInt8, RequantizeMode.TfLiteFixedPoint)]
    [InlineData(DataType.Int8, RequantizeMode.TfLiteFixedPoint)]
    [InlineData(DataType.UInt8, RequantizeMode.FloatRoundHalfEven)]
    [InlineData(DataType.Int8, RequantizeMode.FloatRoundHalfEven)]
    public void EqualsEachRuntimesFormulaWithBroadcasting(DataType type, RequantizeMode mode)
    {
        int lo = type == DataType.Int8 ? -128 : 0, hi = lo + 255;
        var rng = new Random(17);
        int[][] shapesA = [[2, 3, 4], [2, 1, 4], [1], [5, 1]];
        int[][] shapesB = [[2, 3, 4], [3, 1], [7], [1, 6]];
        for (int k = 0; k < shapesA.Length; k++)
        {
            float sa = 0.02f + 0.01f * k, sb = 0.05f, sy = k == 3 ? 0.0001f : 0.01f;   // the last one rescales by more than 1
            int za = lo + rng.Next(256), zb = lo + rng.Next(256), zy = lo + rng.Next(256);
            var a = Data(type, new Shape(shapesA[k]), sa, za, rng);
            var b = Data(type, new Shape(shapesB[k]), sb, zb, rng);
            var y = Values(Run1(Mul(sy, zy, mode, ConvActivation.Relu), a, b));
            var (va, vb) = (Values(a), Values(b));
            var outShape = Shape.Broadcast(a.Shape, b.Shape)!.Value;
            float real = sa * sb / sy;
            var (m, s) = FixedPoint.QuantizeMultiplier(real);
            int reluMin = Math.Max(lo, zy);
            for (int i = 0; i < outShape.ElementCount; i++)
            {
                int prod = (va[Index(a.Shape, outShape, i)] - za) * (vb[Index(b.Shape, outShape, i)] - zb);
                int r = mode == RequantizeMode.TfLiteFixedPoint
                    ? FixedPoint.MultiplyByQuantizedMultiplier(prod, m, s) + zy
                    : (int)MathF.Round(prod * real + zy, MidpointRounding.ToEven);
                Assert.Equal(Math.Clamp(r, reluMin, hi), y[i]);
            }
        }
    }
}
