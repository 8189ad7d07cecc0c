using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Depthwise.Conformance.TfLiteSynthetic;

/// <summary>TFLite's <c>TensorType</c> values (schema.fbs) the synthetic models use.</summary>
internal enum TflType : sbyte
{
    Float32 = 0, Float16 = 1, Int32 = 2, UInt8 = 3, Int64 = 4, Int8 = 9,
}

/// <summary>TFLite's <c>BuiltinOperator</c> codes (schema.fbs) the synthetic models use.</summary>
internal enum TflOp
{
    ADD = 0, AVERAGE_POOL_2D = 1, CONCATENATION = 2, CONV_2D = 3, DEPTHWISE_CONV_2D = 4, DEQUANTIZE = 6, FULLY_CONNECTED = 9,
    LOGISTIC = 14, MAX_POOL_2D = 17, MUL = 18, RELU = 19, RELU_N1_TO_1 = 20, RELU6 = 21, RESHAPE = 22, RESIZE_BILINEAR = 23, SOFTMAX = 25, TANH = 28, PAD = 34, TRANSPOSE = 39,
    MEAN = 40, SUB = 41, DIV = 42, SQUEEZE = 43, STRIDED_SLICE = 45, SPLIT = 49, PRELU = 54, ARG_MAX = 56, PADV2 = 60, TRANSPOSE_CONV = 67,
    RESIZE_NEAREST_NEIGHBOR = 97, LEAKY_RELU = 98, QUANTIZE = 114, HARD_SWISH = 117,
}

/// <summary>TFLite's <c>Padding</c> (schema.fbs).</summary>
internal enum TflPadding : sbyte { Same = 0, Valid = 1 }

/// <summary>TFLite's <c>ActivationFunctionType</c> (schema.fbs).</summary>
internal enum TflActivation : sbyte { None = 0, Relu = 1, ReluN1To1 = 2, Relu6 = 3, Tanh = 4 }

/// <summary>A tensor's <c>QuantizationParameters</c>: scales and zero points (one per tensor, or per slice of <paramref name="Dimension"/>).</summary>
internal sealed record TflQuant(float[] Scales, long[] ZeroPoints, int Dimension = 0)
{
    /// <summary>Per-tensor parameters.</summary>
    public static TflQuant Of(float scale, long zeroPoint) => new([scale], [zeroPoint]);
}

/// <summary>An operator's builtin options: the <c>BuiltinOptions</c> union type (schema.fbs) and its table.</summary>
internal sealed record TflOptions(byte Type, FbTable Table)
{
    // Union types and table fields, both in schema.fbs declaration order (a field's vtable slot is 4 + 2·number).

    /// <summary>Conv2DOptions (union 1): padding 0, stride_w 1, stride_h 2, fused_activation_function 3, dilation_w_factor 4, dilation_h_factor 5.</summary>
    public static TflOptions Conv2D(TflPadding padding, int strideW, int strideH, TflActivation activation = TflActivation.None, int dilationW = 1, int dilationH = 1) =>
        new(1, new FbTable().I8(0, (sbyte)padding).I32(1, strideW).I32(2, strideH).I8(3, (sbyte)activation).I32(4, dilationW).I32(5, dilationH));

    /// <summary>DepthwiseConv2DOptions (union 2): padding 0, stride_w 1, stride_h 2, depth_multiplier 3, fused_activation_function 4, dilations 5, 6.</summary>
    public static TflOptions DepthwiseConv2D(TflPadding padding, int strideW, int strideH, int depthMultiplier, TflActivation activation = TflActivation.None, int dilationW = 1, int dilationH = 1) =>
        new(2, new FbTable().I8(0, (sbyte)padding).I32(1, strideW).I32(2, strideH).I32(3, depthMultiplier).I8(4, (sbyte)activation).I32(5, dilationW).I32(6, dilationH));

    /// <summary>Pool2DOptions (union 5): padding 0, stride_w 1, stride_h 2, filter_width 3, filter_height 4, fused_activation_function 5.</summary>
    public static TflOptions Pool2D(TflPadding padding, int strideW, int strideH, int filterW, int filterH, TflActivation activation = TflActivation.None) =>
        new(5, new FbTable().I8(0, (sbyte)padding).I32(1, strideW).I32(2, strideH).I32(3, filterW).I32(4, filterH).I8(5, (sbyte)activation));

    /// <summary>FullyConnectedOptions (union 8): fused_activation_function 0, weights_format 1, keep_num_dims 2, asymmetric_quantize_inputs 3.</summary>
    public static TflOptions FullyConnected(TflActivation activation = TflActivation.None, bool keepNumDims = false, bool asymmetricQuantizeInputs = false) =>
        new(8, new FbTable().I8(0, (sbyte)activation).Bool(2, keepNumDims).Bool(3, asymmetricQuantizeInputs));

    /// <summary>SoftmaxOptions (union 9): beta 0.</summary>
    public static TflOptions Softmax(float beta) => new(9, new FbTable().F32(0, beta));

    /// <summary>ConcatenationOptions (union 10): axis 0, fused_activation_function 1.</summary>
    public static TflOptions Concatenation(int axis, TflActivation activation = TflActivation.None) =>
        new(10, new FbTable().I32(0, axis).I8(1, (sbyte)activation));

    /// <summary>AddOptions (union 11): fused_activation_function 0.</summary>
    public static TflOptions Add(TflActivation activation = TflActivation.None) => new(11, new FbTable().I8(0, (sbyte)activation));

    /// <summary>ResizeBilinearOptions (union 15): new_height 0, new_width 1 (deprecated), align_corners 2, half_pixel_centers 3.</summary>
    public static TflOptions ResizeBilinear(bool alignCorners, bool halfPixelCenters) =>
        new(15, new FbTable().Bool(2, alignCorners).Bool(3, halfPixelCenters));

    /// <summary>ReshapeOptions (union 17): new_shape 0.</summary>
    public static TflOptions Reshape(int[]? newShape = null) => new(17, new FbTable().Ints(0, newShape));

    /// <summary>MulOptions (union 21): fused_activation_function 0.</summary>
    public static TflOptions Mul(TflActivation activation = TflActivation.None) => new(21, new FbTable().I8(0, (sbyte)activation));

    /// <summary>PadOptions (union 22): no fields.</summary>
    public static TflOptions Pad() => new(22, new FbTable());

    /// <summary>TransposeOptions (union 26): no fields.</summary>
    public static TflOptions Transpose() => new(26, new FbTable());

    /// <summary>ReducerOptions (union 27): keep_dims 0.</summary>
    public static TflOptions Reducer(bool keepDims) => new(27, new FbTable().Bool(0, keepDims));

    /// <summary>SubOptions (union 28): fused_activation_function 0.</summary>
    public static TflOptions Sub(TflActivation activation = TflActivation.None) => new(28, new FbTable().I8(0, (sbyte)activation));

    /// <summary>DivOptions (union 29): fused_activation_function 0.</summary>
    public static TflOptions Div(TflActivation activation = TflActivation.None) => new(29, new FbTable().I8(0, (sbyte)activation));

    /// <summary>SqueezeOptions (union 30): squeeze_dims 0.</summary>
    public static TflOptions Squeeze(int[] squeezeDims) => new(30, new FbTable().Ints(0, squeezeDims));

    /// <summary>StridedSliceOptions (union 32): begin_mask 0, end_mask 1, ellipsis_mask 2, new_axis_mask 3, shrink_axis_mask 4.</summary>
    public static TflOptions StridedSlice(int beginMask = 0, int endMask = 0, int ellipsisMask = 0, int newAxisMask = 0, int shrinkAxisMask = 0) =>
        new(32, new FbTable().I32(0, beginMask).I32(1, endMask).I32(2, ellipsisMask).I32(3, newAxisMask).I32(4, shrinkAxisMask));

    /// <summary>SplitOptions (union 35): num_splits 0.</summary>
    public static TflOptions Split(int numSplits) => new(35, new FbTable().I32(0, numSplits));

    /// <summary>DequantizeOptions (union 38): no fields.</summary>
    public static TflOptions Dequantize() => new(38, new FbTable());

    /// <summary>ArgMaxOptions (union 40): output_type 0.</summary>
    public static TflOptions ArgMax(TflType outputType) => new(40, new FbTable().I8(0, (sbyte)outputType));

    /// <summary>PadV2Options (union 43): no fields.</summary>
    public static TflOptions PadV2() => new(43, new FbTable());

    /// <summary>TransposeConvOptions (union 49): padding 0, stride_w 1, stride_h 2, fused_activation_function 3.</summary>
    public static TflOptions TransposeConv(TflPadding padding, int strideW, int strideH) =>
        new(49, new FbTable().I8(0, (sbyte)padding).I32(1, strideW).I32(2, strideH));

    /// <summary>ResizeNearestNeighborOptions (union 74): align_corners 0, half_pixel_centers 1.</summary>
    public static TflOptions ResizeNearestNeighbor(bool alignCorners, bool halfPixelCenters) =>
        new(74, new FbTable().Bool(0, alignCorners).Bool(1, halfPixelCenters));

    /// <summary>LeakyReluOptions (union 75): alpha 0.</summary>
    public static TflOptions LeakyRelu(float alpha) => new(75, new FbTable().F32(0, alpha));

    /// <summary>QuantizeOptions (union 89): no fields.</summary>
    public static TflOptions Quantize() => new(89, new FbTable());

    /// <summary>HardSwishOptions (union 91): no fields.</summary>
    public static TflOptions HardSwish() => new(91, new FbTable());
}

/// <summary>
/// Writes a TFLite model (schema.fbs, file identifier "TFL3", schema version 3) with one subgraph: operator codes (the
/// builtin code in both <c>builtin_code</c>, field 3, and the int8 <c>deprecated_builtin_code</c>, field 0, as the
/// converter writes them), tensors with shape, type, buffer, name and quantization, buffers with the constants' data
/// (buffer 0 is the empty sentinel every TFLite file starts with) and operators with their builtin options.
/// </summary>
internal sealed class TfLiteModelWriter(string description)
{
    private readonly List<FbTable> _tensors = [];
    private readonly List<FbTable> _operators = [];
    private readonly List<FbTable> _buffers = [new FbTable()];
    private readonly List<(TflOp Op, int Version)> _codes = [];
    private readonly List<int> _inputs = [];
    private readonly List<int> _outputs = [];

    /// <summary>Adds a tensor (constant when <paramref name="data"/> is given); returns its index.</summary>
    public int Tensor(string name, TflType type, int[] shape, TflQuant? quant = null, byte[]? data = null)
    {
        var t = new FbTable().Ints(0, shape).I8(1, (sbyte)type).String(3, name);
        if (data is not null)
        {
            long count = shape.Aggregate(1L, (a, d) => a * d);
            if (data.Length != count * SizeOf(type)) throw new ArgumentException($"tensor '{name}' [{string.Join(",", shape)}] of {type} needs {count * SizeOf(type)} bytes, got {data.Length}");
            _buffers.Add(new FbTable().Bytes(0, data));
            t.U32(2, (uint)(_buffers.Count - 1));
        }
        if (quant is not null)
            t.Object(4, new FbTable().Floats(2, quant.Scales).Longs(3, quant.ZeroPoints).I32(6, quant.Dimension));
        _tensors.Add(t);
        return _tensors.Count - 1;
    }

    /// <summary>Adds a tensor and makes it a subgraph input.</summary>
    public int Input(string name, TflType type, int[] shape, TflQuant? quant = null)
    {
        int t = Tensor(name, type, shape, quant);
        _inputs.Add(t);
        return t;
    }

    /// <summary>Adds a tensor and makes it a subgraph output.</summary>
    public int Output(string name, TflType type, int[] shape, TflQuant? quant = null)
    {
        int t = Tensor(name, type, shape, quant);
        _outputs.Add(t);
        return t;
    }

    /// <summary>A constant float32 tensor.</summary>
    public int Constant(string name, int[] shape, float[] values) => Tensor(name, TflType.Float32, shape, null, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>A constant int32 tensor (shapes, axes, paddings; quantized biases with <paramref name="quant"/>).</summary>
    public int Constant(string name, int[] shape, int[] values, TflQuant? quant = null) => Tensor(name, TflType.Int32, shape, quant, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>A constant float16 tensor (weights behind a DEQUANTIZE).</summary>
    public int Constant(string name, int[] shape, Half[] values) => Tensor(name, TflType.Float16, shape, null, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>A constant uint8 tensor.</summary>
    public int Constant(string name, int[] shape, byte[] values, TflQuant quant) => Tensor(name, TflType.UInt8, shape, quant, values);

    /// <summary>A constant int8 tensor.</summary>
    public int Constant(string name, int[] shape, sbyte[] values, TflQuant quant) => Tensor(name, TflType.Int8, shape, quant, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>Adds an operator (its code is shared with earlier operators of the same kind and version).</summary>
    public void Operator(TflOp op, int[] inputs, int[] outputs, TflOptions? options = null, int version = 1)
    {
        int code = _codes.IndexOf((op, version));
        if (code < 0)
        {
            _codes.Add((op, version));
            code = _codes.Count - 1;
        }
        var t = new FbTable().U32(0, (uint)code).Ints(1, inputs).Ints(2, outputs);
        if (options is not null) t.Union(3, options.Type, options.Table);
        _operators.Add(t);
    }

    /// <summary>The .tflite bytes.</summary>
    public byte[] Build()
    {
        // OperatorCode: deprecated_builtin_code 0 (int8, capped at 127), custom_code 1, version 2, builtin_code 3.
        var codes = _codes.Select(c => new FbTable().I8(0, (sbyte)Math.Min((int)c.Op, 127)).I32(2, c.Version).I32(3, (int)c.Op)).ToList();
        // SubGraph: tensors 0, inputs 1, outputs 2, operators 3, name 4.
        var subgraph = new FbTable().Tables(0, _tensors).Ints(1, _inputs).Ints(2, _outputs).Tables(3, _operators).String(4, "main");
        // Model: version 0, operator_codes 1, subgraphs 2, description 3, buffers 4.
        var model = new FbTable().U32(0, 3).Tables(1, codes).Tables(2, [subgraph]).String(3, description).Tables(4, _buffers);
        return FlatBufferWriter.Serialize(model, "TFL3");
    }

    private static int SizeOf(TflType type) => type switch
    {
        TflType.Float32 or TflType.Int32 => 4,
        TflType.Int64 => 8,
        TflType.Float16 => 2,
        _ => 1,
    };

    /// <summary>Little-endian bytes of int32 values (for tests that build buffers by hand).</summary>
    public static byte[] Int32Bytes(params int[] values)
    {
        var b = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4 * i), values[i]);
        return b;
    }
}
