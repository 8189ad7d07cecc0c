using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Formats.TFLite;

internal static partial class TfLiteOpTable
{
    // Options fields (schema.fbs declaration order).
    private const int ConvPadding = 0, ConvStrideW = 1, ConvStrideH = 2, ConvActivationField = 3, ConvDilationW = 4, ConvDilationH = 5;
    private const int DwPadding = 0, DwStrideW = 1, DwStrideH = 2, DwMultiplier = 3, DwActivation = 4, DwDilationW = 5, DwDilationH = 6;
    private const int PoolPadding = 0, PoolStrideW = 1, PoolStrideH = 2, PoolFilterW = 3, PoolFilterH = 4, PoolActivation = 5;
    private const int FcActivation = 0, FcWeightsFormat = 1, FcKeepNumDims = 2;
    private const int TconvPadding = 0, TconvStrideW = 1, TconvStrideH = 2, TconvActivation = 3;

    /// <summary>TFLite OHWI (and depthwise 1HWC) filters → the IR's OIHW.</summary>
    private static readonly int[] OhwiToOihw = [0, 3, 1, 2];

    /// <summary>OHWI (and 1HW(C·M)) filters → ConvTranspose's [C_in, C_out, H, W] / depthwise [C·M, 1, H, W].</summary>
    private static readonly int[] OhwiToIohw = [3, 0, 1, 2];

    private static readonly int[] NhwcToNchw = [0, 3, 1, 2];
    private static readonly int[] NchwToNhwc = [0, 2, 3, 1];

    static partial void AddConvRows()
    {
        Row(TfLiteBuiltinOperator.CONV_2D, ImportConv2D);
        Row(TfLiteBuiltinOperator.DEPTHWISE_CONV_2D, ImportDepthwiseConv2D);
        Row(TfLiteBuiltinOperator.FULLY_CONNECTED, ImportFullyConnected);
        Row(TfLiteBuiltinOperator.AVERAGE_POOL_2D, n => ImportPool(n, average: true));
        Row(TfLiteBuiltinOperator.MAX_POOL_2D, n => ImportPool(n, average: false));
        Row(TfLiteBuiltinOperator.TRANSPOSE_CONV, ImportTransposeConv);
    }

    private static void ImportConv2D(TfLiteNode n)
    {
        n.ExpectArity(2, 3, 1);
        var o = n.Options(TfLiteOptions.Conv2D);
        var x = n.InputTensor(0);
        var w = n.InputTensor(1);
        ExpectRank(n, x, 4, "the input");
        ExpectRank(n, w, 4, "the filter");
        int channels = x.Shape[3], perGroup = w.Shape[3];
        if (perGroup == 0 || channels % perGroup != 0)
            throw n.Invalid($"the filter's {perGroup} input channels do not divide the input's {channels}");
        var attrs = new ConvAttributes(
            n.Padding(o, ConvPadding),
            [n.Positive(o, ConvStrideH, "stride_h", 0), n.Positive(o, ConvStrideW, "stride_w", 0)],
            [n.Positive(o, ConvDilationH, "dilation_h_factor", 1), n.Positive(o, ConvDilationW, "dilation_w_factor", 1)],
            channels / perGroup,
            n.Activation(o, ConvActivationField));
        AddConv(n, attrs);
    }

    private static void ImportDepthwiseConv2D(TfLiteNode n)
    {
        n.ExpectArity(2, 3, 1);
        var o = n.Options(TfLiteOptions.DepthwiseConv2D);
        var x = n.InputTensor(0);
        var w = n.InputTensor(1);
        ExpectRank(n, x, 4, "the input");
        ExpectRank(n, w, 4, "the filter");
        int channels = x.Shape[3], outChannels = w.Shape[3];
        if (w.Shape[0] != 1) throw n.Invalid($"the filter has shape [{string.Join(",", w.Shape)}]; a depthwise filter is [1, H, W, C·M]");
        if (channels == 0 || outChannels % channels != 0)
            throw n.Invalid($"the filter's {outChannels} output channels are not a multiple of the input's {channels}");
        // depth_multiplier is redundant with the shapes (newer TFLite ignores it); a contradicting value is an error.
        int multiplier = o?.I32(DwMultiplier, "depth_multiplier") ?? 0;
        if (multiplier > 0 && (long)multiplier * channels != outChannels)
            throw n.Invalid($"depth_multiplier {multiplier} × {channels} input channels ≠ the filter's {outChannels} output channels");
        var attrs = new ConvAttributes(
            n.Padding(o, DwPadding),
            [n.Positive(o, DwStrideH, "stride_h", 0), n.Positive(o, DwStrideW, "stride_w", 0)],
            [n.Positive(o, DwDilationH, "dilation_h_factor", 1), n.Positive(o, DwDilationW, "dilation_w_factor", 1)],
            channels,
            n.Activation(o, DwActivation));
        AddConv(n, attrs, depthwise: true);
    }

    private sealed record ConvAttributes(AutoPad Padding, int[] Strides, int[] Dilations, int Group, TfLiteActivation Activation);

    /// <summary>CONV_2D and DEPTHWISE_CONV_2D: filters permuted to OIHW ([C·M, 1, H, W] for depthwise), channels-last data.</summary>
    private static void AddConv(TfLiteNode n, ConvAttributes a, bool depthwise = false)
    {
        var weights = Permuted(n, n.Input(1), depthwise ? OhwiToIohw : OhwiToOihw, "filter_oihw");
        var bias = n.OptionalInput(2);
        if (IsQuantized(n, 0))
        {
            AddQuantizedConv(n, a, weights, bias);
            return;
        }
        if (IsHybrid(n))
        {
            AddHybridConv(n, a, weights, bias, depthwise);
            return;
        }
        weights = FloatWeights(n, weights, 1, "filter_float");
        var fused = TfLiteNode.ConvActivationOf(a.Activation);
        var conv = new ConvOp
        {
            Strides = a.Strides,
            Dilations = a.Dilations,
            AutoPad = a.Padding,
            Group = a.Group,
            Layout = ChannelLayout.ChannelsLast,
            Activation = fused ?? ConvActivation.None,
        };
        if (fused is not null) n.Add(conv, [n.Input(0), weights, bias], n.Output(0));
        else n.AddWithActivation(conv, [n.Input(0), weights, bias], a.Activation);
    }

    private static void ImportFullyConnected(TfLiteNode n)
    {
        n.ExpectArity(2, 3, 1);
        var o = n.Options(TfLiteOptions.FullyConnected);
        var activation = n.Activation(o, FcActivation);
        byte format = o?.U8(FcWeightsFormat, "weights_format") ?? 0;
        if (format != 0) throw n.Unsupported($"weights_format {format} (only DEFAULT, 0, is supported)");
        bool keepDims = o?.Bool(FcKeepNumDims, "keep_num_dims") ?? false;
        var x = n.InputTensor(0);
        var w = n.InputTensor(1);
        ExpectRank(n, w, 2, "the weights");
        int k = w.Shape[1];
        if (x.Shape.Length == 0) throw n.Invalid($"the input {x} is a scalar; expected at least rank 1");
        if (k == 0 || x.ElementCount % k != 0)
            throw n.Invalid($"the input {x} of shape [{string.Join(",", x.Shape)}] cannot be viewed as rows of the weights' {k} inputs");
        // TFLite flattens the input to [batch, K] whatever its rank; Gemm wants exactly that.
        var input = n.Input(0);
        if (x.Shape.Length != 2 || x.Shape[1] != k)
            input = n.AddTemp("rows", new ReshapeOp(), input, n.Int64s("rows_shape", -1, k));
        var outTensor = n.OutputTensor(0);
        bool reshapeOut = keepDims && x.Shape.Length != 2;
        var bias = n.OptionalInput(2);
        if (IsQuantized(n, 0))
        {
            AddQuantizedFullyConnected(n, input, bias, activation, reshapeOut);
            return;
        }
        if (IsHybrid(n))
        {
            AddHybridFullyConnected(n, o, input, k, activation);
            return;
        }

        var gemm = new GemmOp { TransB = true };
        var inputs = new Value?[] { input, FloatWeights(n, n.Input(1), 1, "weights_float"), bias };
        if (!reshapeOut)
        {
            n.AddWithActivation(gemm, inputs, activation);
            return;
        }
        var y = n.AddTemp("gemm", gemm, inputs);
        if (activation != TfLiteActivation.None)
        {
            string act = n.TempName("activation");
            n.AddActivation(y, activation, act);
            y = n.Find(act);
        }
        n.Add(new ReshapeOp(), [y, n.Int64s("output_shape", OutputShapeWithDynamicBatch(outTensor))], n.Output(0));
    }

    /// <summary>The output tensor's shape for a Reshape target: its first dim −1 when the model marks it dynamic.</summary>
    private static long[] OutputShapeWithDynamicBatch(TfLiteTensor t)
    {
        var dims = Longs(t.Shape);
        if (t.ShapeSignature is { Length: > 0 } sig && sig[0] < 0 && dims.Length > 0) dims[0] = -1;
        return dims;
    }

    private static void ImportPool(TfLiteNode n, bool average)
    {
        n.ExpectArity(1, 1, 1);
        var o = n.Options(TfLiteOptions.Pool2D);
        ExpectRank(n, n.InputTensor(0), 4, "the input");
        var kernel = new[] { n.Positive(o, PoolFilterH, "filter_height", 0), n.Positive(o, PoolFilterW, "filter_width", 0) };
        var strides = new[] { n.Positive(o, PoolStrideH, "stride_h", 0), n.Positive(o, PoolStrideW, "stride_w", 0) };
        var pad = n.Padding(o, PoolPadding);
        var activation = n.Activation(o, PoolActivation);
        if (IsQuantized(n, 0))
        {
            AddQuantizedPool(n, average, kernel, strides, pad, activation);
            return;
        }
        // TFLite averages over the taps inside the input only (padding never counts).
        Op op = average
            ? new AveragePoolOp { KernelShape = kernel, Strides = strides, AutoPad = pad, Layout = ChannelLayout.ChannelsLast, CountIncludePad = false }
            : new MaxPoolOp { KernelShape = kernel, Strides = strides, AutoPad = pad, Layout = ChannelLayout.ChannelsLast };
        n.AddWithActivation(op, [n.Input(0)], activation);
    }

    /// <summary>TRANSPOSE_CONV: inputs output_shape (constant), weights OHWI, input, optional bias.</summary>
    private static void ImportTransposeConv(TfLiteNode n)
    {
        n.ExpectArity(3, 4, 1);
        var o = n.Options(TfLiteOptions.TransposeConv);
        var outputShape = n.ConstantInts(0, "output_shape");
        if (outputShape.Length != 4) throw n.Invalid($"output_shape has {outputShape.Length} entries; expected 4 (NHWC)");
        AddTransposeConv(n, weightsInput: 1, dataInput: 2, biasInput: 3,
            n.Padding(o, TconvPadding),
            n.Positive(o, TconvStrideH, "stride_h", 0), n.Positive(o, TconvStrideW, "stride_w", 0),
            (int)outputShape[1], (int)outputShape[2], n.Activation(o, TconvActivation));
    }

    /// <summary>
    /// A transposed convolution over NHWC data: ConvTranspose (channels-first in the IR) between transposes, the
    /// weights permuted to [C_in, C_out, H, W]. TFLite places the output window at pad_begin = total / 2 (rounded
    /// down) of total = max((in − 1)·stride + kernel − out, 0); the IR takes that as explicit pads, with any shortfall
    /// of the output (out larger than the full result) as output_padding.
    /// </summary>
    internal static void AddTransposeConv(TfLiteNode n, int weightsInput, int dataInput, int biasInput, AutoPad padding,
        int strideH, int strideW, int outH, int outW, TfLiteActivation activation)
    {
        var x = n.InputTensor(dataInput);
        var w = n.InputTensor(weightsInput);
        ExpectRank(n, x, 4, "the input");
        ExpectRank(n, w, 4, "the filter");
        if (w.Shape[3] != x.Shape[3]) throw n.Invalid($"the filter's {w.Shape[3]} input channels differ from the input's {x.Shape[3]}");
        if (outH < 1 || outW < 1) throw n.Invalid($"the output size {outH}×{outW} must be positive");
        var pads = new int[4];
        var outputPadding = new int[2];
        int[] inSize = [x.Shape[1], x.Shape[2]], kernel = [w.Shape[1], w.Shape[2]], stride = [strideH, strideW], outSize = [outH, outW];
        for (int d = 0; d < 2; d++)
        {
            long s = stride[d], k = kernel[d], output = outSize[d];
            // The forward convolution TFLite pairs with this one: its output length from 'output' under the padding.
            long convOut = padding == AutoPad.Valid ? (output - k + s) / s : (output + s - 1) / s;
            long total = Math.Max((convOut - 1) * s + k - output, 0);
            long begin = total / 2;
            long full = (inSize[d] - 1) * s + k;
            long end = full - begin - output;
            if (end < 0) { outputPadding[d] = (int)-end; end = 0; }
            pads[d] = (int)begin;
            pads[d + 2] = (int)end;
        }
        if (n.InputQuant(dataInput) is not null)
        {
            AddQuantizedTransposeConv(n, weightsInput, dataInput, biasInput, stride, [pads[0], pads[1]], outSize, activation);
            return;
        }
        var weights = Permuted(n, n.Input(weightsInput), OhwiToIohw, "filter_iohw");
        var nchw = n.AddTemp("nchw", new TransposeOp { Perm = NhwcToNchw }, n.Input(dataInput));
        var convT = new ConvTransposeOp
        {
            Strides = stride,
            Pads = pads,
            OutputPadding = outputPadding.Any(p => p != 0) ? outputPadding : null,
        };
        var y = n.AddTemp("conv_transpose", convT, nchw, weights, n.OptionalInput(biasInput));
        if (activation == TfLiteActivation.None)
        {
            n.Add(new TransposeOp { Perm = NchwToNhwc }, [y], n.Output(0));
            return;
        }
        var nhwc = n.AddTemp("nhwc", new TransposeOp { Perm = NchwToNhwc }, y);
        n.AddActivation(nhwc, activation, n.Output(0));
    }

    /// <summary>
    /// Quantized TRANSPOSE_CONV: QLinearConvTranspose on the NHWC data with the OHWI filter as it is (per-channel
    /// quantization on axis 0, the output channels), the int32 bias and the fused clamp. The oracle's XNNPACK delegate
    /// takes uint8 (Deconvolution (NHWC, QU8)), so uint8 requantizes as the convolutions do
    /// (<see cref="TfLiteImportOptions.ConvolutionRequantize"/>); int8 runs in TFLite's builtin kernel, so its fixed point.
    /// </summary>
    private static void AddQuantizedTransposeConv(TfLiteNode n, int weightsInput, int dataInput, int biasInput, int[] strides, int[] padsBegin,
        int[] outSize, TfLiteActivation activation)
    {
        RequireInputQuant(n, dataInput);
        if (n.InputQuant(weightsInput) is null) throw n.Invalid($"reads quantized data but its filter {n.InputTensor(weightsInput)} has no quantization parameters");
        RequireInt32Bias(n, biasInput);
        n.Add(new QLinearConvTransposeOp
        {
            Strides = strides,
            PadsBegin = padsBegin,
            OutputSize = outSize,
            Activation = QuantizedActivation(n, activation),
            OutputQuant = RequireOutputQuant(n),
            OutputType = n.OutputType(0),
            Requantize = n.InputType(dataInput) == DataType.UInt8 ? n.ImportOptions.ConvolutionRequantize : Kernels.Quantized.RequantizeMode.TfLiteFixedPoint,
        }, [n.Input(dataInput), n.Input(weightsInput), n.OptionalInput(biasInput)], n.Output(0));
    }
}
