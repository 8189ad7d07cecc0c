using Depthwise.Graph;
using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Formats.TFLite;

internal static partial class TfLiteOpTable
{
    static partial void AddQuantizationRows()
    {
        Row(TfLiteBuiltinOperator.DEQUANTIZE, ImportDequantize);
        Row(TfLiteBuiltinOperator.QUANTIZE, n => throw n.Unsupported("QUANTIZE needs the quantized operators (QuantizeLinear), which are not available yet"));
    }

    /// <summary>
    /// DEQUANTIZE: float16 → float32 is a Cast (on a constant, as in the MediaPipe models' float16 weights, constant
    /// folding turns it into float32 weights when the session is created).
    /// </summary>
    private static void ImportDequantize(TfLiteNode n)
    {
        n.ExpectArity(1, 1, 1);
        var type = n.InputType(0);
        if (n.OutputType(0) != DataType.Float32) throw n.Invalid($"writes {DataTypes.Name(n.OutputType(0))}; DEQUANTIZE produces float32");
        switch (type)
        {
            case DataType.Float16:
                n.Add(new CastOp { To = DataType.Float32 }, [n.Input(0)], n.Output(0));
                break;
            case DataType.UInt8 or DataType.Int8:
                if (n.InputQuant(0) is null) throw n.Invalid($"reads {n.InputTensor(0)} of type {DataTypes.Name(type)}, which has no quantization parameters");
                throw n.Unsupported("DEQUANTIZE of uint8/int8 needs DequantizeLinear, which is not available yet");
            default:
                throw n.Unsupported($"DEQUANTIZE of {DataTypes.Name(type)}");
        }
    }

    /// <summary>
    /// Weights for a float operator: float32 as they are, float16 through a Cast, and the int8/uint8 weights of a
    /// dynamic-range quantized model through DequantizeLinear (both constant-folded once when the session is created).
    /// </summary>
    internal static Value FloatWeights(TfLiteNode n, Value weights, int input, string stem)
    {
        var type = n.InputType(input);
        switch (type)
        {
            case DataType.Float32: return weights;
            case DataType.Float16: return n.AddTemp(stem, new CastOp { To = DataType.Float32 }, weights);
            case DataType.UInt8 or DataType.Int8:
                if (n.InputQuant(input) is null) throw n.Invalid($"reads {n.InputTensor(input)} of type {DataTypes.Name(type)} with float activations, but it has no quantization parameters");
                throw n.Unsupported("int8 weights with float activations (dynamic-range quantization) need DequantizeLinear, which is not available yet");
            default:
                throw n.Invalid($"reads weights {n.InputTensor(input)} of type {DataTypes.Name(type)}; expected float32");
        }
    }

    private static void AddQuantizedConv(TfLiteNode n, ConvAttributes a, Value weights, Value? bias) =>
        throw n.Unsupported("quantized convolution needs QLinearConv, which is not available yet");

    private static void AddQuantizedFullyConnected(TfLiteNode n, Value input, Value? bias, TfLiteActivation activation, bool reshapeOut) =>
        throw n.Unsupported("quantized FULLY_CONNECTED needs QLinearGemm, which is not available yet");

    private static void AddQuantizedPool(TfLiteNode n, bool average, int[] kernel, int[] strides, AutoPad pad, TfLiteActivation activation)
    {
        if (!average)
        {
            // Max pooling commutes with the (monotonic) dequantization: the float operator on the stored values is
            // exact (TFLite requires equal input and output quantization). A fused activation is TFLite's clamp to the
            // activation range in the quantized domain.
            if (!SameQuant(n.InputQuant(0), n.OutputQuant(0)))
                throw n.Invalid("is a quantized MAX_POOL_2D whose output quantization differs from its input's");
            var op = new MaxPoolOp { KernelShape = kernel, Strides = strides, AutoPad = pad, Layout = ChannelLayout.ChannelsLast };
            if (activation == TfLiteActivation.None)
            {
                n.Add(op, [n.Input(0)], n.Output(0));
                return;
            }
            var pooled = n.AddTemp("pooled", op, n.Input(0));
            AddQuantizedClamp(n, pooled, activation, n.Output(0));
            return;
        }
        throw n.Unsupported("quantized pooling needs QLinearAveragePool, which is not available yet");
    }

    /// <summary>A fused min-max activation on quantized data: Clip to TFLite's activation range in the stored type.</summary>
    private static void AddQuantizedClamp(TfLiteNode n, Value x, TfLiteActivation activation, string output)
    {
        var fused = TfLiteNode.ConvActivationOf(activation) ?? throw n.Unsupported($"fused activation {activation} on quantized data");
        var type = n.OutputType(0);
        var q = n.OutputQuant(0) ?? throw n.Invalid("has a quantized input but an output without quantization parameters");
        var (min, max) = QuantizedActivationRange.Of(fused, q, type);
        Tensor Bound(int v) => type == DataType.UInt8 ? Tensor.FromArray(Shape.Scalar, new[] { (byte)v }) : Tensor.FromArray(Shape.Scalar, new[] { (sbyte)v });
        n.Add(new ClipOp(), [x, n.AddConstant("act_min", Bound(min)), n.AddConstant("act_max", Bound(max))], output);
    }
}
