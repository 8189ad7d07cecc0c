using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Formats.Onnx;

internal static partial class OnnxOpTable
{
    /// <summary>
    /// QuantizeLinear/DequantizeLinear and ONNX Runtime's com.microsoft QLinear* operators (not QLinearConv/MatMul,
    /// which have their own file). Scales and zero points stay the nodes' constant inputs; every op computes with
    /// ONNX Runtime's arithmetic (float32 factors, ties to even).
    /// </summary>
    private static void AddQuantizationRows(List<OnnxOpRow> rows)
    {
        // 10: per-tensor only; 13 adds axis (per-axis scales).
        Row(rows, "QuantizeLinear", 10, n => new QuantizeLinearOp { Requantize = RequantizeMode.FloatRoundHalfEven });
        Row(rows, "QuantizeLinear", 13, n => new QuantizeLinearOp { Axis = IntAttr(n, "axis", 1), Requantize = RequantizeMode.FloatRoundHalfEven });
        Row(rows, "DequantizeLinear", 10, n => new DequantizeLinearOp { Requantize = RequantizeMode.FloatRoundHalfEven });
        Row(rows, "DequantizeLinear", 13, n => new DequantizeLinearOp { Axis = IntAttr(n, "axis", 1), Requantize = RequantizeMode.FloatRoundHalfEven });

        const string ms = "com.microsoft";
        Row(rows, ms, "QLinearGlobalAveragePool", 1, n => new QLinearGlobalAveragePoolOp
        {
            Layout = n.Int("channels_last", 0) != 0 ? ChannelLayout.ChannelsLast : ChannelLayout.ChannelsFirst,
            Requantize = RequantizeMode.FloatRoundHalfEven,
        });
        Row(rows, ms, "QLinearAveragePool", 1, n => new QLinearAveragePoolOp
        {
            KernelShape = RequiredIntList(n, "kernel_shape"),
            Strides = IntList(n, "strides"),
            Pads = IntList(n, "pads"),
            AutoPad = ParseAutoPad(n),
            CeilMode = n.Int("ceil_mode", 0) != 0,
            CountIncludePad = n.Int("count_include_pad", 0) != 0,
            Layout = n.Int("channels_last", 0) != 0 ? ChannelLayout.ChannelsLast : ChannelLayout.ChannelsFirst,
            Requantize = RequantizeMode.FloatRoundHalfEven,
        });
        // QLinearAdd/QLinearMul (A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp): the IR op reads A's and B's
        // quantization from the values (set here from the constants when their producer does not set it) and takes C's
        // as OutputQuant.
        Row(rows, ms, "QLinearAdd", 1, n => ImportQLinearBinary(n, (q, t) => new QLinearAddOp { OutputQuant = q, OutputType = t, Requantize = RequantizeMode.FloatRoundHalfEven }));
        Row(rows, ms, "QLinearMul", 1, n => ImportQLinearBinary(n, (q, t) => new QLinearMulOp { OutputQuant = q, OutputType = t, Requantize = RequantizeMode.FloatRoundHalfEven }));
        Row(rows, ms, "QLinearSigmoid", 1, n => new QLinearLookupOp { Kind = QLinearLookupKind.Sigmoid, Requantize = RequantizeMode.FloatRoundHalfEven });
        Row(rows, ms, "QLinearLeakyRelu", 1, n => new QLinearLookupOp
        {
            Kind = QLinearLookupKind.LeakyRelu, Alpha = n.Float("alpha", 0.01f), Requantize = RequantizeMode.FloatRoundHalfEven,
        });
    }

    private static TOp ImportQLinearBinary<TOp>(OnnxNode n, Func<QuantParams, DataType, TOp> make) where TOp : Op
    {
        var a = n.Input(0) ?? throw n.Invalid("input A is missing");
        var b = n.Input(3) ?? throw n.Invalid("input B is missing");
        a.Quant ??= ConstantQuant(n, 1, 2);
        b.Quant ??= ConstantQuant(n, 4, 5);
        var c = ConstantQuant(n, 6, 7);
        var type = n.Input(7)?.Constant?.DataType ?? n.Input(2)?.Constant?.DataType ?? DataType.UInt8;
        n.Inputs.Clear();
        n.Inputs.Add(a);
        n.Inputs.Add(b);
        return make(c, type);
    }

    /// <summary>Per-tensor quantization from a node's constant scale and (optional) zero-point inputs.</summary>
    private static QuantParams ConstantQuant(OnnxNode n, int scaleIndex, int zeroPointIndex)
    {
        var scale = n.Input(scaleIndex)?.Constant ?? throw n.Unsupported($"input {scaleIndex} (a scale) must be a constant");
        if (scale.DataType != DataType.Float32 || scale.ElementCount != 1) throw n.Invalid($"input {scaleIndex} must be one float32 scale");
        long zp = 0;
        if (n.Input(zeroPointIndex) is { } z)
        {
            var zt = z.Constant ?? throw n.Unsupported($"input {zeroPointIndex} (a zero point) must be a constant");
            if (zt.ElementCount != 1) throw n.Invalid($"input {zeroPointIndex} must be one zero point");
            zp = zt.ToInt64Array()[0];
        }
        return QuantParams.PerTensor(scale.ToFloatArray()[0], zp);
    }
}
