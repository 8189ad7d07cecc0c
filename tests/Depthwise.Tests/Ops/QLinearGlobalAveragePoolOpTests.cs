using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.QuantizedElementwiseHarness;

namespace Depthwise.Tests.Ops;

public class QLinearGlobalAveragePoolOpTests
{
    [Theory]
    [InlineData(DataType.UInt8, ChannelLayout.ChannelsLast)]
    [InlineData(DataType.Int8, ChannelLayout.ChannelsLast)]
    [InlineData(DataType.UInt8, ChannelLayout.ChannelsFirst)]
    public void TfLiteMeanOverHeightAndWidthStepByStep(DataType type, ChannelLayout layout)
    {
        // TFLite's uint8/int8 Mean4D: acc = Σq, MultiplyByQuantizedMultiplier(acc, s_in/(N·s_out)) + bias, bias from z_in·s_in/s_out.
        int lo = type == DataType.Int8 ? -128 : 0;
        var rng = new Random(3);
        var shape = layout == ChannelLayout.ChannelsLast ? new Shape(2, 7, 5, 37) : new Shape(2, 37, 7, 5);
        float si = 0.21199346f, so = 0.05856107f;
        int zi = lo + 2, zo = lo + 6;
        var x = QLinearAddOpTests.Data(type, shape, si, zi, rng);
        var op = new QLinearGlobalAveragePoolOp { Layout = layout, OutputQuant = QuantParams.PerTensor(so, zo) };
        var y = Run1(op, x);
        Assert.Equal(layout == ChannelLayout.ChannelsLast ? new Shape(2, 1, 1, 37) : new Shape(2, 37, 1, 1), y.Shape);
        var v = QLinearAddOpTests.Values(x);
        var got = QLinearAddOpTests.Values(y);
        float temp = zi * si / so;
        temp = temp > 0 ? temp + 0.5f : temp - 0.5f;
        int bias = zo - (int)temp;
        var (m, s) = FixedPoint.QuantizeMultiplier(si / (35f * so));
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 37; c++)
            {
                int acc = 0;
                for (int p = 0; p < 35; p++)
                    acc += v[layout == ChannelLayout.ChannelsLast ? (n * 35 + p) * 37 + c : (n * 37 + c) * 35 + p];
                int expected = Math.Clamp(FixedPoint.MultiplyByQuantizedMultiplier(acc, m, s) + bias, lo, lo + 255);
                Assert.Equal(expected, got[n * 37 + c]);
                double real = si * (acc / 35.0 - zi) / so + zo;
                Assert.True(Math.Abs(Math.Clamp(real, lo, lo + 255) - expected) <= 1);
            }
    }

    [Theory]
    [InlineData(DataType.UInt8, ChannelLayout.ChannelsFirst)]
    [InlineData(DataType.UInt8, ChannelLayout.ChannelsLast)]
    [InlineData(DataType.Int8, ChannelLayout.ChannelsFirst)]
    public void OnnxRuntimeFormula(DataType type, ChannelLayout layout)
    {
        int lo = type == DataType.Int8 ? -128 : 0;
        var rng = new Random(4);
        var shape = layout == ChannelLayout.ChannelsLast ? new Shape(1, 7, 7, 1280) : new Shape(1, 1280, 7, 7);
        float si = 0.0235f, so = 0.0184f;
        int zi = lo + 9, zo = lo + 1;
        var x = QLinearAddOpTests.Data(type, shape, si, zi, rng);
        var op = new QLinearGlobalAveragePoolOp { Layout = layout, OutputQuant = QuantParams.PerTensor(so, zo), Requantize = RequantizeMode.FloatRoundHalfEven };
        var got = QLinearAddOpTests.Values(Run1(op, x));
        var v = QLinearAddOpTests.Values(x);
        float scale = si / (so * 49);
        for (int c = 0; c < 1280; c++)
        {
            int acc = -zi * 49;
            for (int p = 0; p < 49; p++) acc += v[layout == ChannelLayout.ChannelsLast ? p * 1280 + c : c * 49 + p];
            Assert.Equal(Math.Clamp((int)MathF.Round(acc * scale, MidpointRounding.ToEven) + zo, lo, lo + 255), got[c]);
        }
    }

    [Fact]
    public void RefusesChannelsLastDataThatIsNot4D()
    {
        var x = U8(new Shape(1, 4, 4), new byte[16], 0.1f, 0);
        Assert.Throws<ShapeMismatchException>(() => Run1(new QLinearGlobalAveragePoolOp { Layout = ChannelLayout.ChannelsLast, OutputQuant = QuantParams.PerTensor(0.1f, 0) }, x));
    }
}
