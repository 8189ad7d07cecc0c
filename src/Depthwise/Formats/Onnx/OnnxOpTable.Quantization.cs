using Depthwise.Graph;
using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Formats.Onnx;

internal static partial class OnnxOpTable
{
    /// <summary>The com.microsoft domain of ONNX Runtime's contrib operators.</summary>
    private const string MicrosoftDomain = "com.microsoft";

    /// <summary>
    /// QuantizeLinear and DequantizeLinear (default domain) and ONNX Runtime's com.microsoft QLinear elementwise, pool and
    /// lookup operators (QLinearConv, QLinearMatMul and QGemm have their own file). Every form uses ONNX Runtime's
    /// arithmetic (<see cref="RequantizeMode.FloatRoundHalfEven"/>). QuantizeLinear/DequantizeLinear keep their scale and
    /// zero point as constant inputs; the QLinear forms take theirs as inputs which must be initializers: the input ones
    /// become the quantization of the input values (<see cref="Value.Quant"/>), the output ones the op's OutputQuant, and
    /// the node keeps only its data inputs. None is exported (the exporter writes float models).
    /// </summary>
    private static void AddQuantizationRows(List<OnnxOpRow> rows)
    {
        // QuantizeLinear-10: per tensor; 13 adds axis (per-axis scales). 19 (float8, saturate) is beyond opset 18.
        Row(rows, "QuantizeLinear", 10, n => new QuantizeLinearOp { Requantize = RequantizeMode.FloatRoundHalfEven, Axis = 1 });
        Row(rows, "QuantizeLinear", 13, n => new QuantizeLinearOp { Requantize = RequantizeMode.FloatRoundHalfEven, Axis = IntAttr(n, "axis", 1) });
        Row(rows, "DequantizeLinear", 10, n => new DequantizeLinearOp { Axis = 1 });
        Row(rows, "DequantizeLinear", 13, n => new DequantizeLinearOp { Axis = IntAttr(n, "axis", 1) });

        // A, A_scale, A_zero_point, B, B_scale, B_zero_point, C_scale, C_zero_point.
        Row(rows, MicrosoftDomain, "QLinearAdd", 1, n =>
        {
            var (yq, type) = QLinearBinaryInputs(n);
            return new QLinearAddOp { OutputQuant = yq, OutputType = type, Requantize = RequantizeMode.FloatRoundHalfEven };
        });
        Row(rows, MicrosoftDomain, "QLinearMul", 1, n =>
        {
            var (yq, type) = QLinearBinaryInputs(n);
            return new QLinearMulOp { OutputQuant = yq, OutputType = type, Requantize = RequantizeMode.FloatRoundHalfEven };
        });

        // X, x_scale, x_zero_point, y_scale, y_zero_point; channels_last: NHWC data.
        Row(rows, MicrosoftDomain, "QLinearGlobalAveragePool", 1, n =>
        {
            var (yq, type) = QLinearUnaryInputs(n);
            return new QLinearGlobalAveragePoolOp
            {
                Layout = ChannelsLastAttr(n), OutputQuant = yq, OutputType = type, Requantize = RequantizeMode.FloatRoundHalfEven,
            };
        });
        Row(rows, MicrosoftDomain, "QLinearAveragePool", 1, n =>
        {
            var (yq, type) = QLinearUnaryInputs(n);
            return new QLinearAveragePoolOp
            {
                KernelShape = RequiredIntList(n, "kernel_shape"),
                Strides = IntList(n, "strides"),
                Pads = IntList(n, "pads"),
                AutoPad = ParseAutoPad(n),
                CeilMode = n.Int("ceil_mode", 0) != 0,
                CountIncludePad = n.Int("count_include_pad", 0) != 0,
                Layout = ChannelsLastAttr(n),
                OutputQuant = yq,
                OutputType = type,
                Requantize = RequantizeMode.FloatRoundHalfEven,
            };
        });
        Row(rows, MicrosoftDomain, "QLinearSigmoid", 1, n =>
        {
            var (yq, type) = QLinearUnaryInputs(n);
            return new QLinearLookupOp { Kind = QLinearLookupKind.Sigmoid, OutputQuant = yq, OutputType = type, Requantize = RequantizeMode.FloatRoundHalfEven };
        });
        Row(rows, MicrosoftDomain, "QLinearLeakyRelu", 1, n =>
        {
            var (yq, type) = QLinearUnaryInputs(n);
            return new QLinearLookupOp
            {
                Kind = QLinearLookupKind.LeakyRelu, Alpha = n.Float("alpha", 0.01f), OutputQuant = yq, OutputType = type,
                Requantize = RequantizeMode.FloatRoundHalfEven,
            };
        });
    }

    /// <summary>
    /// Rewrites a QLinear unary node (X, X_scale, X_zero_point, Y_scale, Y_zero_point) to input X carrying its
    /// quantization; returns Y's quantization and type (undefined when Y_zero_point is omitted: X's type).
    /// </summary>
    private static (QuantParams Output, DataType Type) QLinearUnaryInputs(OnnxNode n)
    {
        if (n.Inputs.Count < 4) throw n.Invalid($"{n.OpType} takes 4 or 5 inputs (X, X_scale, X_zero_point, Y_scale, Y_zero_point); it has {n.Inputs.Count}");
        var x = n.Input(0) ?? throw n.Invalid("input X is missing");
        AttachQuant(n, x, ConstantQuant(n, 1, 2, "X", out _));
        var yq = ConstantQuant(n, 3, 4, "Y", out var type);
        n.Inputs.Clear();
        n.Inputs.Add(x);
        return (yq, type);
    }

    /// <summary>
    /// Rewrites a QLinear binary node (A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp) to inputs (A, B) carrying their
    /// quantization; returns C's quantization and type (undefined when C_zero_point is omitted: the inputs' type).
    /// </summary>
    private static (QuantParams Output, DataType Type) QLinearBinaryInputs(OnnxNode n)
    {
        if (n.Inputs.Count < 7) throw n.Invalid($"{n.OpType} takes 7 or 8 inputs (A, A_scale, A_zero_point, B, B_scale, B_zero_point, C_scale, C_zero_point); it has {n.Inputs.Count}");
        var a = n.Input(0) ?? throw n.Invalid("input A is missing");
        var b = n.Input(3) ?? throw n.Invalid("input B is missing");
        AttachQuant(n, a, ConstantQuant(n, 1, 2, "A", out _));
        AttachQuant(n, b, ConstantQuant(n, 4, 5, "B", out _));
        var yq = ConstantQuant(n, 6, 7, "C", out var type);
        n.Inputs.Clear();
        n.Inputs.Add(a);
        n.Inputs.Add(b);
        return (yq, type);
    }

    /// <summary>ONNX Runtime's channels_last attribute (0: NCHW, 1: NHWC).</summary>
    private static ChannelLayout ChannelsLastAttr(OnnxNode n) => n.Int("channels_last", 0) switch
    {
        0 => ChannelLayout.ChannelsFirst,
        1 => ChannelLayout.ChannelsLast,
        var v => throw n.Invalid($"channels_last {v} must be 0 or 1"),
    };

    /// <summary>
    /// The per-tensor quantization given by a scale input and an optional zero-point input, which must be initializers
    /// (scalars or one-element vectors); <paramref name="zeroType"/> is the zero point's type (undefined when omitted).
    /// </summary>
    private static QuantParams ConstantQuant(OnnxNode n, int scaleIndex, int zeroIndex, string what, out DataType zeroType)
    {
        var scaleValue = n.Input(scaleIndex) ?? throw n.Invalid($"{what}_scale (input {scaleIndex}) is missing");
        var scale = scaleValue.Constant
            ?? throw n.Unsupported($"{what}_scale ('{scaleValue.Name}') is computed at run time; Depthwise needs quantization scales as initializers");
        if (scale.DataType != DataType.Float32 || scale.ElementCount != 1)
            throw n.Invalid($"{what}_scale must be one float32 value; it is {DataTypes.Name(scale.DataType)}{scale.Shape}");
        long zp = 0;
        zeroType = DataType.Undefined;
        if (n.Input(zeroIndex) is { } zeroValue)
        {
            var zero = zeroValue.Constant
                ?? throw n.Unsupported($"{what}_zero_point ('{zeroValue.Name}') is computed at run time; Depthwise needs zero points as initializers");
            if (zero.DataType is not (DataType.UInt8 or DataType.Int8) || zero.ElementCount != 1)
                throw n.Invalid($"{what}_zero_point must be one uint8 or int8 value; it is {DataTypes.Name(zero.DataType)}{zero.Shape}");
            zp = zero.ToInt64Array()[0];
            zeroType = zero.DataType;
        }
        return QuantParams.PerTensor(scale.ToFloatArray()[0], zp);
    }

    /// <summary>
    /// Gives <paramref name="value"/> the quantization <paramref name="q"/> a QLinear node declares for it; a value that two
    /// nodes read with different quantization is refused (the IR holds one per value).
    /// </summary>
    private static void AttachQuant(OnnxNode n, Value value, QuantParams q)
    {
        if (value.Quant is null) { value.Quant = q; return; }
        var have = value.Quant;
        if (!have.IsPerTensor || have.Scales[0] != q.Scales[0] || have.ZeroPoints[0] != q.ZeroPoints[0])
            throw n.Unsupported($"'{value.Name}' is read with scale {q.Scales[0]}, zero point {q.ZeroPoints[0]} here but has scale {have.Scales[0]}, zero point {have.ZeroPoints[0]} elsewhere");
    }
}
