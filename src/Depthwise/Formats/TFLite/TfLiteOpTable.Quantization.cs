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
        Row(TfLiteBuiltinOperator.QUANTIZE, ImportQuantize);
    }

    /// <summary>
    /// QUANTIZE: float → uint8/int8 is QuantizeLinear (TFLite rounds half away from zero); between 8-bit types it is a
    /// requantization, QLinearLookup(Identity) with TFLite's fixed-point multiplier.
    /// </summary>
    private static void ImportQuantize(TfLiteNode n)
    {
        n.ExpectArity(1, 1, 1);
        var outType = n.OutputType(0);
        if (outType is not (DataType.UInt8 or DataType.Int8)) throw n.Unsupported($"QUANTIZE to {DataTypes.Name(outType)} (only uint8 and int8 are supported)");
        var q = RequireOutputQuant(n);
        var inType = n.InputType(0);
        if (inType == DataType.Float32)
        {
            n.Add(new QuantizeLinearOp { OutputQuant = q, OutputType = outType, Requantize = RequantizeMode.TfLiteFixedPoint }, [n.Input(0)], n.Output(0));
            return;
        }
        if (inType is DataType.UInt8 or DataType.Int8)
        {
            RequireInputQuant(n, 0);
            n.Add(new QLinearLookupOp { Kind = QLinearLookupKind.Identity, OutputQuant = q, OutputType = outType }, [n.Input(0)], n.Output(0));
            return;
        }
        throw n.Unsupported($"QUANTIZE from {DataTypes.Name(inType)}");
    }

    /// <summary>The output's per-tensor quantization, which every quantized compute operator needs.</summary>
    internal static QuantParams RequireOutputQuant(TfLiteNode n)
    {
        var q = n.OutputQuant(0) ?? throw n.Invalid($"computes quantized data but its output {n.OutputTensor(0)} has no quantization parameters");
        if (!q.IsPerTensor) throw n.Invalid($"writes {n.OutputTensor(0)} quantized per axis; quantized operators write per-tensor outputs");
        return q;
    }

    /// <summary>Input <paramref name="i"/>'s per-tensor quantization.</summary>
    internal static QuantParams RequireInputQuant(TfLiteNode n, int i)
    {
        var q = n.InputQuant(i) ?? throw n.Invalid($"reads {n.InputTensor(i)} of type {DataTypes.Name(n.InputType(i))} without quantization parameters");
        if (!q.IsPerTensor) throw n.Invalid($"reads {n.InputTensor(i)} quantized per axis; this operator takes per-tensor quantization");
        return q;
    }

    /// <summary>
    /// DEQUANTIZE: float16 → float32 is a Cast (on a constant, as in the MediaPipe models' float16 weights, constant
    /// folding turns it into float32 weights when the session is created); uint8/int8 → float32 is DequantizeLinear
    /// (TFLite's (float)(scale · (q − zero_point))).
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
                n.Add(new DequantizeLinearOp(), [n.Input(0)], n.Output(0));
                break;
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
                // Dynamic-range quantization: dequantized once (per axis when the weights are), folded at session creation.
                return n.AddTemp(stem, new DequantizeLinearOp(), weights);
            default:
                throw n.Invalid($"reads weights {n.InputTensor(input)} of type {DataTypes.Name(type)}; expected float32");
        }
    }

    private static ConvActivation QuantizedActivation(TfLiteNode n, TfLiteActivation a) =>
        TfLiteNode.ConvActivationOf(a) ?? throw n.Unsupported($"fused activation {a} on a quantized {n.Code.Name}");

    private static void RequireInt32Bias(TfLiteNode n, int i)
    {
        if (n.HasInput(i) && n.InputType(i) != DataType.Int32)
            throw n.Unsupported($"a quantized {n.Code.Name} with a {DataTypes.Name(n.InputType(i))} bias (only int32 is supported)");
    }

    /// <summary>
    /// Quantized CONV_2D / DEPTHWISE_CONV_2D: QLinearConv over NHWC data with the permuted weights (their per-channel
    /// quantization now on axis 0), the int32 bias, TFLite's fixed-point requantization and the fused clamp.
    /// </summary>
    private static void AddQuantizedConv(TfLiteNode n, ConvAttributes a, Value weights, Value? bias)
    {
        RequireInputQuant(n, 0);
        if (n.InputQuant(1) is null) throw n.Invalid($"reads quantized data but its filter {n.InputTensor(1)} has no quantization parameters");
        RequireInt32Bias(n, 2);
        n.Add(new QLinearConvOp
        {
            Strides = a.Strides,
            Dilations = a.Dilations,
            AutoPad = a.Padding,
            Group = a.Group,
            Layout = ChannelLayout.ChannelsLast,
            Activation = QuantizedActivation(n, a.Activation),
            OutputQuant = RequireOutputQuant(n),
            OutputType = n.OutputType(0),
            Requantize = n.ImportOptions.ConvolutionRequantize,
        }, [n.Input(0), weights, bias], n.Output(0));
    }

    /// <summary>Quantized FULLY_CONNECTED: QLinearGemm with B as [N, K], then the keep_num_dims reshape.</summary>
    private static void AddQuantizedFullyConnected(TfLiteNode n, Value input, Value? bias, TfLiteActivation activation, bool reshapeOut)
    {
        RequireInputQuant(n, 0);
        if (n.InputQuant(1) is null) throw n.Invalid($"reads quantized data but its weights {n.InputTensor(1)} have no quantization parameters");
        RequireInt32Bias(n, 2);
        var gemm = new QLinearGemmOp
        {
            TransB = true,
            Activation = QuantizedActivation(n, activation),
            OutputQuant = RequireOutputQuant(n),
            OutputType = n.OutputType(0),
            Requantize = n.ImportOptions.ConvolutionRequantize,
        };
        if (!reshapeOut)
        {
            n.Add(gemm, [input, n.Input(1), bias], n.Output(0));
            return;
        }
        var y = n.AddTemp("gemm", gemm, input, n.Input(1), bias);
        n.Add(new ReshapeOp(), [y, n.Int64s("output_shape", OutputShapeWithDynamicBatch(n.OutputTensor(0)))], n.Output(0));
    }

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
        n.Add(new QLinearAveragePoolOp
        {
            KernelShape = kernel,
            Strides = strides,
            AutoPad = pad,
            Layout = ChannelLayout.ChannelsLast,
            CountIncludePad = false,
            Activation = TfLiteNode.ConvActivationOf(activation) ?? throw n.Unsupported($"fused activation {activation} on a quantized AVERAGE_POOL_2D"),
            OutputQuant = RequireOutputQuant(n),
            OutputType = n.OutputType(0),
            Requantize = RequantizeMode.TfLiteFixedPoint,
        }, [n.Input(0)], n.Output(0));
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

internal static partial class TfLiteOpTable
{
    /// <summary>
    /// The quantized form of RELU, RELU6, RELU_N1_TO_1, TANH, LOGISTIC, HARD_SWISH, LEAKY_RELU and ELU: a 256-entry table
    /// whose entries are TFLite's values for each input byte (see <see cref="QLinearLookupKind"/>).
    /// </summary>
    private static void AddQuantizedLookup(TfLiteNode n, QLinearLookupKind kind, float alpha = 0.01f)
    {
        RequireInputQuant(n, 0);
        n.Add(new QLinearLookupOp { Kind = kind, Alpha = alpha, OutputQuant = RequireOutputQuant(n), OutputType = n.OutputType(0) }, [n.Input(0)], n.Output(0));
    }

    /// <summary>
    /// Input <paramref name="i"/> requantized to <paramref name="q"/> when its quantization differs: QLinearLookup
    /// Rescale, TFLite's CONCATENATION arithmetic for such inputs (ConcatenationWithScaling: in float,
    /// round_half_away(q·(s_in/s_out) − z_in·(s_in/s_out)) + z_out), not QUANTIZE's fixed-point requantization.
    /// </summary>
    private static Value Requantized(TfLiteNode n, int i, QuantParams q, DataType type)
    {
        var inQ = RequireInputQuant(n, i);
        if (SameQuant(inQ, q) && n.InputType(i) == type) return n.Input(i);
        return n.AddTemp($"requantized_{i}", new QLinearLookupOp { Kind = QLinearLookupKind.Rescale, OutputQuant = q, OutputType = type }, n.Input(i));
    }
}
