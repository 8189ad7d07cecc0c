using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.QuantizedElementwiseHarness;

namespace Depthwise.Tests.Ops;

public class QLinearAveragePoolOpTests
{
    [Fact]
    public void TfLiteRoundsTheIntegerMeanHalfAwayFromZeroAndSkipsPadding()
    {
        // One channel, 3×3, SAME 2×2 window stride 1 (pad at the end): windows of 4, 2, 2 and 1 valid taps.
        var q = QuantParams.PerTensor(0.1f, 0);
        var x = U8(new Shape(1, 1, 3, 3), [1, 2, 3, 4, 5, 6, 7, 8, 9], 0.1f, 0);
        var op = new QLinearAveragePoolOp { KernelShape = [2, 2], AutoPad = AutoPad.SameUpper, OutputQuant = q };
        var y = Run1(op, x).ToArray<byte>();
        // (1+2+4+5)=12/4=3; (2+3+5+6)=16/4=4; (3+6)=9/2=4.5→5; (4+5+7+8)=24/4=6; 28/4=7; (6+9)=15/2=7.5→8; (7+8)=15/2→8; 17/2=8.5→9; 9.
        Assert.Equal(new byte[] { 3, 4, 5, 6, 7, 8, 8, 9, 9 }, y);
        // int8: a negative half rounds away from zero too: (−3 + −4) / 2 = −3.5 → −4.
        var s = S8(new Shape(1, 1, 1, 2), [-3, -4], 0.1f, 0);
        var ys = Run1(new QLinearAveragePoolOp { KernelShape = [1, 2], OutputQuant = q, OutputType = DataType.Int8 }, s).ToArray<sbyte>();
        Assert.Equal(new sbyte[] { -4 }, ys);
    }

    [Theory]
    [InlineData(DataType.UInt8, ChannelLayout.ChannelsLast)]
    [InlineData(DataType.Int8, ChannelLayout.ChannelsFirst)]
    public void TfLiteEqualsTheRealMeanRoundedAndClampsTheActivation(DataType type, ChannelLayout layout)
    {
        int lo = type == DataType.Int8 ? -128 : 0;
        var rng = new Random(6);
        var shape = layout == ChannelLayout.ChannelsLast ? new Shape(1, 7, 7, 19) : new Shape(1, 19, 7, 7);
        var q = QuantParams.PerTensor(0.0235f, lo + 100);
        var x = QLinearAddOpTests.Data(type, shape, 0.0235f, lo + 100, rng);
        var op = new QLinearAveragePoolOp { KernelShape = [3, 3], Strides = [2, 2], Pads = [1, 1, 1, 1], Layout = layout, OutputQuant = q, Activation = ConvActivation.Relu };
        var y = Run1(op, x);
        var ref_ = new AveragePoolOp { KernelShape = [3, 3], Strides = [2, 2], Pads = [1, 1, 1, 1], Layout = layout };
        var real = GraphFactory.RunOp(ref_, [Tensor.FromArray(shape, QLinearAddOpTests.Values(x).Select(v => (float)v).ToArray())])[0].ToArray<float>();
        var got = QLinearAddOpTests.Values(y);
        for (int i = 0; i < got.Length; i++)
        {
            double expected = Math.Max(Math.Round(real[i], MidpointRounding.AwayFromZero), lo + 100);   // Relu clamps at the zero point
            Assert.True(expected == got[i], $"{i}: {got[i]} vs the real mean {real[i]}");
        }
    }

    [Fact]
    public void OnnxRuntimeFormulaWithCountIncludePad()
    {
        var rng = new Random(7);
        var shape = new Shape(1, 2, 5, 5);
        float si = 0.03f, so = 0.02f;
        var x = QLinearAddOpTests.Data(DataType.UInt8, shape, si, 128, rng);
        foreach (bool include in new[] { false, true })
        {
            var op = new QLinearAveragePoolOp
            {
                KernelShape = [3, 3], Pads = [1, 1, 1, 1], CountIncludePad = include, OutputQuant = QuantParams.PerTensor(so, 120),
                Requantize = RequantizeMode.FloatRoundHalfEven,
            };
            var got = Run1(op, x).ToArray<byte>();
            var v = QLinearAddOpTests.Values(x);
            for (int c = 0; c < 2; c++)
                for (int oh = 0; oh < 5; oh++)
                    for (int ow = 0; ow < 5; ow++)
                    {
                        float sum = 0;
                        int n = 0;
                        for (int h = Math.Max(oh - 1, 0); h < Math.Min(oh + 2, 5); h++)
                            for (int w = Math.Max(ow - 1, 0); w < Math.Min(ow + 2, 5); w++, n++) sum += si * (v[c * 25 + h * 5 + w] - 128);
                        float mean = sum / (include ? 9 : n);
                        int expected = Math.Clamp((int)MathF.Round(mean / so + 120, MidpointRounding.ToEven), 0, 255);
                        Assert.Equal(expected, got[c * 25 + oh * 5 + ow]);
                    }
        }
    }

    [Fact]
    public void TfLiteWritesTheIntegerMeanWhateverTheOutputQuantization()
    {
        // TFLite only DCHECKs equal quantization: its release kernel averages the stored values, (1 + 2 + 3 + 4 + 4 / 2) / 4 = 3,
        // and does not rescale them to the output's scale 0.2 (which would give 1).
        var x = U8(new Shape(1, 1, 2, 2), [1, 2, 3, 4], 0.1f, 0);
        var op = new QLinearAveragePoolOp { KernelShape = [2, 2], OutputQuant = QuantParams.PerTensor(0.2f, 0) };
        Assert.Equal(new byte[] { 3 }, Run1(op, x).ToArray<byte>());
    }
}
