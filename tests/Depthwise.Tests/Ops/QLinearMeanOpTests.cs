using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.QuantizedElementwiseHarness;

namespace Depthwise.Tests.Ops;

public class QLinearMeanOpTests
{
    [Fact]
    public void SameQuantizationTakesTheTruncatedIntegerMean()
    {
        var q = QuantParams.PerTensor(0.1f, -3);
        var x = S8(new Shape(2, 3), [-7, -8, 0, 5, 6, 8], 0.1f, -3);
        var y = Run1(new QLinearMeanOp { Axes = [1], OutputQuant = q }, x);
        Assert.Equal(new Shape(2), y.Shape);
        Assert.Equal(new sbyte[] { -5, 6 }, y.ToArray<sbyte>());   // −15/3 = −5, 19/3 = 6.33 → 6
        var k = Run1(new QLinearMeanOp { Axes = [0, -1], KeepDims = true, OutputQuant = q }, x);
        Assert.Equal(new Shape(1, 1), k.Shape);
        Assert.Equal(new sbyte[] { 0 }, k.ToArray<sbyte>());       // 4/6 → 0
    }

    [Fact]
    public void DifferentQuantizationUsesTheFloatFormula()
    {
        var rng = new Random(2);
        var shape = new Shape(3, 4, 5);
        var x = QLinearAddOpTests.Data(DataType.UInt8, shape, 0.07f, 100, rng);
        var y = Run1(new QLinearMeanOp { Axes = [0, 2], OutputQuant = QuantParams.PerTensor(0.05f, 20) }, x).ToArray<byte>();
        var v = QLinearAddOpTests.Values(x);
        float scale = 0.07f / 0.05f, bias = -100 * scale;
        for (int c = 0; c < 4; c++)
        {
            int sum = 0;
            for (int a = 0; a < 3; a++) for (int b = 0; b < 5; b++) sum += v[(a * 4 + c) * 5 + b];
            float r = Math.Clamp(MathF.Round((float)sum / 15 * scale + bias, MidpointRounding.AwayFromZero) + 20, 0, 255);
            Assert.Equal((byte)r, y[c]);
        }
    }

    [Fact]
    public void FourDimensionalHeightWidthWithKeepDimsIsTheMean4DPath()
    {
        var rng = new Random(5);
        var x = QLinearAddOpTests.Data(DataType.UInt8, new Shape(1, 3, 3, 8), 0.2f, 10, rng);
        var q = QuantParams.PerTensor(0.1f, 4);
        var mean = Run1(new QLinearMeanOp { Axes = [1, 2], KeepDims = true, OutputQuant = q }, x);
        var gap = Run1(new QLinearGlobalAveragePoolOp { Layout = ChannelLayout.ChannelsLast, OutputQuant = q }, x);
        Assert.Equal(new Shape(1, 1, 1, 8), mean.Shape);
        Assert.Equal(gap.ToArray<byte>(), mean.ToArray<byte>());
    }
}
