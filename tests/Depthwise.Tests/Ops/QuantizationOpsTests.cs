using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

/// <summary>
/// Quantize/Dequantize, QLinearLookup, QLinearSoftmax, QLinearAveragePool and QLinearGlobalAveragePool through graphs
/// whose inputs carry their quantization (the per-op files hold the node tests and the exhaustive checks).
/// </summary>
public class QuantizationOpsTests
{
    private static Tensor U8(int[] shape, byte[] data, float scale, long zp) =>
        Tensor.FromArray(new Shape(shape), data, QuantParams.PerTensor(scale, zp));

    [Fact]
    public void DequantizeUsesTheValueQuantPerTensorAndPerAxis()
    {
        var (y, _) = QuantGraph.Run(new DequantizeLinearOp(), [U8([3], [0, 128, 255], 0.5f, 128)]);
        Assert.Equal(new[] { -64f, 0f, 63.5f }, y[0].ToFloatArray());
        var perAxis = Tensor.FromArray(new Shape(2, 2), new sbyte[] { -2, 3, 4, -5 }, new QuantParams([0.5f, 2f], [0, 1], axis: 1));
        (y, _) = QuantGraph.Run(new DequantizeLinearOp(), [perAxis]);
        Assert.Equal(new[] { -1f, 4f, 2f, -12f }, y[0].ToFloatArray());
    }

    [Fact]
    public void QuantizeRoundsAsEachRuntimeDoes()
    {
        var x = Tensor.FromArray(new Shape(4), new[] { 0.5f, 1.5f, -0.5f, 1000f });
        var q = QuantParams.PerTensor(1f, 10);
        var (tfl, quant) = QuantGraph.Run(new QuantizeLinearOp { OutputQuant = q, OutputType = DataType.UInt8 }, [x]);
        Assert.Equal(new byte[] { 11, 12, 9, 255 }, tfl[0].ToArray<byte>()); // half away from zero, saturated
        Assert.Equal(q, quant);
        var (onnx, _) = QuantGraph.Run(new QuantizeLinearOp { OutputQuant = q, OutputType = DataType.UInt8, Requantize = RequantizeMode.FloatRoundHalfEven }, [x]);
        Assert.Equal(new byte[] { 10, 12, 10, 255 }, onnx[0].ToArray<byte>()); // half to even
    }

    [Fact]
    public void LookupIdentityIsTfLiteRequantizeExactly()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var inQ = QuantParams.PerTensor(0.0235294f, 128);
        var outQ = QuantParams.PerTensor(0.0470588f, 120);
        var (y, _) = QuantGraph.Run(new QLinearLookupOp { Kind = QLinearLookupKind.Identity, OutputQuant = outQ }, [U8([256], all, 0.0235294f, 128)]);
        var (m, s) = FixedPoint.QuantizeMultiplier((double)inQ.Scales[0] / outQ.Scales[0]);
        var got = y[0].ToArray<byte>();
        for (int i = 0; i < 256; i++)
            Assert.Equal(Math.Clamp(FixedPoint.MultiplyByQuantizedMultiplier(i - 128, m, s) + 120, 0, 255), got[i]);
    }

    [Fact]
    public void LookupSigmoidAndReluSixFollowTheRealFunction()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var sig = QuantParams.PerTensor(1f / 256, 0);
        var (y, _) = QuantGraph.Run(new QLinearLookupOp { Kind = QLinearLookupKind.Sigmoid, OutputQuant = sig }, [U8([256], all, 0.1f, 128)]);
        var got = y[0].ToArray<byte>();
        for (int i = 0; i < 256; i++)
        {
            double expected = 256 / (1 + Math.Exp(-0.1 * (i - 128)));
            Assert.True(Math.Abs(got[i] - Math.Min(expected, 255)) <= 0.5 + 1e-9, $"q={i}: {got[i]} vs {expected}");
        }
        (y, _) = QuantGraph.Run(new QLinearLookupOp { Kind = QLinearLookupKind.Relu6, OutputQuant = QuantParams.PerTensor(0.05f, 0) }, [U8([256], all, 0.1f, 128)]);
        got = y[0].ToArray<byte>();
        for (int i = 0; i < 256; i++) Assert.Equal(Math.Clamp((i - 128) * 2, 0, 120), got[i]);
    }

    [Fact]
    public void SoftmaxGivesProbabilitiesInSteps()
    {
        var x = U8([2, 3], [10, 20, 30, 0, 0, 0], 0.1f, 0);
        var outQ = QuantParams.PerTensor(1f / 256, 0);
        var (y, _) = QuantGraph.Run(new QLinearSoftmaxOp { OutputQuant = outQ }, [x]);
        var got = y[0].ToArray<byte>();
        double e1 = Math.Exp(-2), e2 = Math.Exp(-1), sum = e1 + e2 + 1;
        Assert.Equal(new byte[] { (byte)Math.Round(256 * e1 / sum), (byte)Math.Round(256 * e2 / sum), (byte)Math.Round(256 / sum), 85, 85, 85 }, got);
        (y, _) = QuantGraph.Run(new QLinearSoftmaxOp { Beta = 0f, OutputQuant = outQ }, [x]);
        Assert.All(y[0].ToArray<byte>(), b => Assert.Equal(85, b));
    }

    [Fact]
    public void AveragePoolRoundsTheIntegerMeanLikeTfLite()
    {
        // NHWC 1x2x3x1, 2x2 window, stride 1, SAME padding: edge windows average only in-bounds taps.
        var x = U8([1, 2, 3, 1], [1, 2, 4, 8, 16, 32], 0.5f, 3);
        var op = new QLinearAveragePoolOp { KernelShape = [2, 2], AutoPad = AutoPad.SameUpper, Layout = ChannelLayout.ChannelsLast, OutputQuant = QuantParams.PerTensor(0.5f, 3) };
        var (y, _) = QuantGraph.Run(op, [x]);
        // (1+2+8+16)/4 = 6.75 → 7; (2+4+16+32)/4 = 13.5 → 14; (4+32)/2 = 18; (8+16)/2 = 12; (16+32)/2 = 24; 32.
        Assert.Equal(new byte[] { 7, 14, 18, 12, 24, 32 }, y[0].ToArray<byte>());
        var relu = op.WithLayout(ChannelLayout.ChannelsLast) as QLinearAveragePoolOp;
        var clamped = new QLinearAveragePoolOp { KernelShape = [2, 2], AutoPad = AutoPad.SameUpper, Layout = ChannelLayout.ChannelsLast, OutputQuant = QuantParams.PerTensor(0.5f, 3), Activation = ConvActivation.Clip(0, 6) };
        (y, _) = QuantGraph.Run(clamped, [x]);
        Assert.Equal(new byte[] { 7, 14, 15, 12, 15, 15 }, y[0].ToArray<byte>()); // 6 / 0.5 + 3 = 15
        Assert.NotNull(relu);
    }

    [Fact]
    public void GlobalAveragePoolRequantizesAsOnnxRuntime()
    {
        // NCHW 1x2x2x2, x scale 0.5 zp 10, y scale 0.25 zp 5: mean real = 0.5·(mean q − 10), y = mean real / 0.25 + 5.
        var x = U8([1, 2, 2, 2], [10, 11, 12, 14, 20, 20, 21, 20], 0.5f, 10);
        var op = new QLinearGlobalAveragePoolOp { OutputQuant = QuantParams.PerTensor(0.25f, 5), Requantize = RequantizeMode.FloatRoundHalfEven };
        var (y, q) = QuantGraph.Run(op, [x]);
        Assert.Equal(new Shape(1, 2, 1, 1), y[0].Shape);
        // ORT: (Σq − zp·n)·s_x/(s_y·n) rounded half to even, then + zp_y. Channel 0: (47 − 40)·0.5 = 3.5 → 4 → 9;
        // channel 1: (81 − 40)·0.5 = 20.5 → 20 → 25.
        Assert.Equal(new byte[] { 9, 25 }, y[0].ToArray<byte>());
        Assert.Equal(QuantParams.PerTensor(0.25f, 5), q);
    }

    [Fact]
    public void MissingQuantizationIsAnError()
    {
        var x = Tensor.FromArray(new Shape(2), new byte[] { 1, 2 });
        Assert.Throws<ShapeMismatchException>(() => QuantGraph.Run(new DequantizeLinearOp(), [x]));
        Assert.Throws<ShapeMismatchException>(() => QuantGraph.Run(new QLinearLookupOp { Kind = QLinearLookupKind.Sigmoid }, [U8([2], [1, 2], 1, 0)]));
        var perAxis = Tensor.FromArray(new Shape(2, 3), new byte[6], new QuantParams([1f, 2f], [0, 0], axis: 1));
        Assert.Throws<ShapeMismatchException>(() => QuantGraph.Run(new DequantizeLinearOp(), [perAxis]));
    }
}
