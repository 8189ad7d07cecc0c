using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.QLinearAddOpTests;
using static Depthwise.Tests.Ops.QuantizedElementwiseHarness;

namespace Depthwise.Tests.Ops;

public class QLinearPReluOpTests
{
    private static QLinearPReluOp PRelu(float scale, int zp) => new() { OutputQuant = QuantParams.PerTensor(scale, zp) };

    [Theory]
    // X: scale 0.5, zp 10; alpha: scale 0.25, zp 20; Y: scale 0.5, zp 3. Positive multiplier 0.5/0.5 = 1, negative 0.5·0.25/0.5 = 0.25.
    [InlineData(14, 200, 7)]   // x = 2 ≥ 0: 4 → 4, + 3 (alpha unused)
    [InlineData(10, 200, 3)]   // x = 0: zero point
    [InlineData(6, 22, 1)]     // x = −2, α = 0.5: (−4)·2 = −8 → −2, + 3
    [InlineData(9, 22, 2)]     // x = −0.5, α = 0.5: (−1)·2 = −2 → −0.5 rounds half away from zero: −1, + 3
    [InlineData(0, 255, 0)]    // x = −5, α = 58.75: far below the range, saturated
    [InlineData(4, 12, 15)]    // x = −3, α = −2 (a negative slope): (−6)·(−8) = 48 → 48·0.25 = 12, + 3
    public void TfLitePReluWorkedByHand(byte x, byte alpha, byte expected)
    {
        var y = Run1(PRelu(0.5f, 3), U8(new Shape(1), [x], 0.5f, 10), U8(new Shape(1), [alpha], 0.25f, 20));
        Assert.Equal(expected, y.ToArray<byte>()[0]);
    }

    [Theory]
    [InlineData(DataType.UInt8)]
    [InlineData(DataType.Int8)]
    public void EqualsTfLiteFormulaWithBroadcastSlopes(DataType type)
    {
        int lo = type == DataType.Int8 ? -128 : 0, hi = lo + 255;
        var rng = new Random(23);
        int[][] shapesX = [[2, 3, 5, 4], [2, 7, 5, 3], [3, 6]];
        int[][] shapesA = [[1, 1, 4], [7, 5, 3], [1]];
        for (int k = 0; k < shapesX.Length; k++)
        {
            float sx = 0.03f + 0.01f * k, sa = 0.004f, sy = k == 2 ? 0.004f : 0.02f;   // the last one rescales by more than 1
            int zx = lo + rng.Next(256), za = lo + rng.Next(256), zy = lo + rng.Next(256);
            var x = Data(type, new Shape(shapesX[k]), sx, zx, rng);
            var a = Data(type, new Shape(shapesA[k]), sa, za, rng);
            var y = Values(Run1(PRelu(sy, zy), x, a));
            var (vx, va) = (Values(x), Values(a));
            var (m1, s1) = FixedPoint.QuantizeMultiplier(sx / sy);
            var (m2, s2) = FixedPoint.QuantizeMultiplier(sx * sa / sy);
            for (int i = 0; i < x.Shape.ElementCount; i++)
            {
                int xv = vx[i] - zx;
                int r = xv >= 0
                    ? FixedPoint.MultiplyByQuantizedMultiplier(xv, m1, s1)
                    : FixedPoint.MultiplyByQuantizedMultiplier(xv * (va[Index(a.Shape, x.Shape, i)] - za), m2, s2);
                Assert.Equal(Math.Clamp(r + zy, lo, hi), y[i]);
            }
        }
    }

    [Fact]
    public void RejectsSlopesThatWouldBroadcastTheData()
    {
        var x = U8(new Shape(2, 1), [1, 2], 0.1f, 0);
        var a = U8(new Shape(1, 3), [1, 2, 3], 0.1f, 0);
        var e = Assert.ThrowsAny<DepthwiseException>(() => Run1(PRelu(0.1f, 0), x, a));
        Assert.Contains("unidirectional", e.Message);
    }
}
