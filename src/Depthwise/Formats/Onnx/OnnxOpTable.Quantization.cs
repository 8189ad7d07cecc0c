using Depthwise.Kernels.Quantized;
using Depthwise.Ops;

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
        Row(rows, ms, "QLinearSigmoid", 1, n => new QLinearLookupOp { Kind = QLinearLookupKind.Sigmoid, Requantize = RequantizeMode.FloatRoundHalfEven });
        Row(rows, ms, "QLinearLeakyRelu", 1, n => new QLinearLookupOp
        {
            Kind = QLinearLookupKind.LeakyRelu, Alpha = n.Float("alpha", 0.01f), Requantize = RequantizeMode.FloatRoundHalfEven,
        });
    }
}
