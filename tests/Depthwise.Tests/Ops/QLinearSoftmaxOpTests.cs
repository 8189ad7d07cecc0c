using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.QuantizedElementwiseHarness;

namespace Depthwise.Tests.Ops;

public class QLinearSoftmaxOpTests
{
    [Theory]
    [InlineData(DataType.UInt8, 1f)]
    [InlineData(DataType.UInt8, 0.5f)]
    [InlineData(DataType.Int8, 1f)]
    public void EqualsTfLitesFloatTableKernelAndTheRealSoftmaxWithinOne(DataType type, float beta)
    {
        // MobileNetV1's classifier row: 1001 logits at scale 0.143, zero point 93 (uint8), and a [3, 7] batch.
        var rng = new Random(2);
        foreach (var shape in new[] { new Shape(1, 1001), new Shape(3, 7) })
        {
            float si = 0.14328867f;
            int zi = type == DataType.Int8 ? -35 : 93, zo = type == DataType.Int8 ? -128 : 0;
            var x = QLinearAddOpTests.Data(type, shape, si, zi, rng);
            var y = QLinearAddOpTests.Values(Run1(new QLinearSoftmaxOp { Beta = beta }, x));
            var v = QLinearAddOpTests.Values(x);
            int rows = shape[0], len = shape[1], exact = 0;
            var table = new float[256];
            for (int d = 0; d < 256; d++) table[255 - d] = MathF.Exp(-si * beta * d);
            for (int r = 0; r < rows; r++)
            {
                var row = v.Skip(r * len).Take(len).ToArray();
                int max = row.Max();
                float sum = 0;
                foreach (int q in row) sum += table[255 - (max - q)];
                double realSum = row.Sum(q => Math.Exp(beta * si * (q - max)));
                for (int j = 0; j < len; j++)
                {
                    float p = table[255 - (max - row[j])] * (1f / (sum * (1f / 256)));
                    int rounded = type == DataType.Int8 ? (int)MathF.Round(p, MidpointRounding.AwayFromZero) : (int)(p + 0.5f);
                    int expected = Math.Clamp(rounded + zo, zo, zo + 255);
                    Assert.Equal(expected, y[r * len + j]);
                    double real = Math.Clamp(Math.Round(Math.Exp(beta * si * (row[j] - max)) / realSum * 256) + zo, zo, zo + 255);
                    Assert.True(Math.Abs(real - y[r * len + j]) <= 1);
                    if (real == y[r * len + j]) exact++;
                }
            }
            Assert.True(exact >= 0.99 * rows * len, $"{exact} of {rows * len} equal the rounded real softmax");
        }
    }

    [Theory]
    [InlineData(DataType.UInt8)]
    [InlineData(DataType.Int8)]
    public void RoundsTiesUpAsQuantizeSoftmaxOutput(DataType type)
    {
        // 512 equal logits: each probability is 1/512, i.e. exactly 0.5 steps of 1/256. TFLite rounds it up
        // (uint8: trunc(p + 0.5); int8: half away from zero), where half to even would give 0.
        var x = type == DataType.UInt8 ? U8(new Shape(1, 512), new byte[512], 0.1f, 0) : S8(new Shape(1, 512), new sbyte[512], 0.1f, 0);
        var y = QLinearAddOpTests.Values(Run1(new QLinearSoftmaxOp(), x));
        Assert.All(y, q => Assert.Equal(type == DataType.UInt8 ? 1 : -127, q));
    }

    [Fact]
    public void NormalizesAlongAnyAxis()
    {
        var x = U8(new Shape(2, 3), [10, 20, 30, 40, 50, 60], 0.1f, 0);
        var y = Run1(new QLinearSoftmaxOp { Axis = 0 }, x).ToArray<byte>();
        // Columns: softmax of (1, 4), (2, 5), (3, 6) → 0.047, 0.953 → 12, 244.
        Assert.Equal(new byte[] { 12, 12, 12, 244, 244, 244 }, y);
        Assert.Throws<UnsupportedOperatorException>(() => Run1(new QLinearSoftmaxOp { Requantize = Depthwise.Kernels.Quantized.RequantizeMode.FloatRoundHalfEven }, x));
    }
}
