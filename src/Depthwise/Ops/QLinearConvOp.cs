using Depthwise.Kernels.Depthwise;
using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Quantized convolution: <c>Y = requantize(B + Σ (X − zx)·(W − zw))</c> in integer arithmetic with int32
/// accumulators, for 1 to 3 spatial dims, groups (depthwise with any depth multiplier), strides, dilations and pads
/// as <see cref="ConvOp"/>. X and Y are uint8 or int8 ([N, C, spatial...], or NHWC when <see cref="Layout"/> is
/// channels-last), W is uint8 or int8 [M, C/group, kernel...] quantized per tensor or per output channel (axis 0),
/// the optional bias B is int32 [M] in the scale sx·sw. The requantization is TFLite's fixed point or ONNX
/// Runtime's float rounding (<see cref="Requantize"/>), followed by the fused min-max <see cref="Activation"/> as an
/// integer clamp. Quantization parameters come from the inputs' values (IR form) or from constant inputs 3…8
/// (ONNX form: x_scale, x_zero_point, w_scale, w_zero_point, y_scale, y_zero_point); see <see cref="QLinearOperands"/>.
/// NHWC 2-D convolutions with constant weights run the integer fast kernels: pointwise → quantized GEMM, depthwise
/// (multiplier 1) → the quantized depthwise kernels, group-1 over at most 4 input channels (stems) → the direct
/// <see cref="Q8SmallInputConvKernel"/>, other group-1 → im2col + GEMM; the rest run the reference.
/// </summary>
public sealed class QLinearConvOp : Op, IChannelLayoutOp
{
    /// <summary>Kernel sizes; null means "take them from W".</summary>
    public int[]? KernelShape { get; init; }

    /// <summary>Strides per spatial dim; null means all 1.</summary>
    public int[]? Strides { get; init; }

    /// <summary>Dilations per spatial dim; null means all 1.</summary>
    public int[]? Dilations { get; init; }

    /// <summary>Explicit pads, all begins then all ends; null means all 0. Ignored unless <see cref="AutoPad"/> is NotSet.</summary>
    public int[]? Pads { get; init; }

    /// <summary>How pads are chosen (TFLite SAME is SameUpper).</summary>
    public AutoPad AutoPad { get; init; }

    /// <summary>Number of groups; group = C is depthwise (M/C is the depth multiplier).</summary>
    public int Group { get; init; } = 1;

    /// <summary>Layout of X and Y.</summary>
    public ChannelLayout Layout { get; init; }

    /// <summary>The fused activation: None, Relu or Clip (a clamp in the output's quantized domain).</summary>
    public ConvActivation Activation { get; init; }

    /// <summary>The output's per-tensor quantization (IR form; the ONNX form takes it from inputs 7 and 8).</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output's storage type, uint8 or int8 (IR form); Undefined means X's type.</summary>
    public DataType OutputType { get; init; }

    /// <summary>Which runtime's requantization arithmetic to reproduce.</summary>
    public RequantizeMode Requantize { get; init; } = RequantizeMode.TfLiteFixedPoint;

    /// <inheritdoc />
    public override string OpType => "QLinearConv";

    /// <inheritdoc />
    public bool IsLayoutInput(int index) => index == 0;

    /// <inheritdoc />
    public Op WithLayout(ChannelLayout layout) => new QLinearConvOp
    {
        KernelShape = KernelShape, Strides = Strides, Dilations = Dilations, Pads = Pads, AutoPad = AutoPad, Group = Group,
        Layout = layout, Activation = Activation, OutputQuant = OutputQuant, OutputType = OutputType, Requantize = Requantize,
    };

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index >= QLinearOperands.FirstQuantInput;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var r = Resolve(ctx);
        ctx.SetOutput(0, r.Quant.YType, PlaneLayout.Compose(r.X[0], r.W[0], r.Window.OutputDims, Layout));
        ctx.SetOutputQuant(0, r.Quant.OutputQuant);
    }

    /// <inheritdoc />
    public override long CountMacs(OpContext ctx)
    {
        var r = Resolve(ctx);
        return (long)r.X[0] * r.W[0] * r.Window.OutputSize * r.W[1] * r.Window.KernelSize;
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var r = Resolve(ctx);
        int cout = r.W[0];
        bool floatProduct = r.Quant.XType == DataType.UInt8 && r.Quant.WeightsPerTensor;
        var requant = r.Quant.Requantization(Requantize, Activation, cout, floatProduct, ctx);
        return CreateFastKernel(ctx, r, requant) ?? new ReferenceKernel(r.Window, PlaneLayout.Of(r.X, Layout), cout, Group, r.Quant, requant);
    }

    private Kernel? CreateFastKernel(OpContext ctx, Resolved r, Q8Requantization requant)
    {
        var (x, w, window, q) = (r.X, r.W, r.Window, r.Quant);
        if (Layout != ChannelLayout.ChannelsLast || x.Rank != 4 || window.SpatialRank != 2 || x[0] == 0) return null;
        if (ctx.InputConstant(1) is not { } wt) return null;
        Tensor? bt = null;
        if (ctx.HasInput(2) && (bt = ctx.InputConstant(2)) is null) return null;
        ReadOnlySpan<byte> weights = wt.Bytes.Span;
        ReadOnlySpan<int> bias = bt is null ? default : bt.AsSpan<int>();
        int batch = x[0], cin = x[3], cout = w[0];
        bool xSigned = q.XType == DataType.Int8, wSigned = q.WType == DataType.Int8;
        if (Group == 1)
        {
            if (window.IsPointwise)
            {
                return Q8PackedGemmKernel.Create(batch * window.OutputSize, cin, cout, weights, wSigned, 1, cin, q.WZeroPoints, bias,
                    requant, xSigned, q.XZeroPoint, ctx.Threads);
            }
            if (cin <= Q8SmallInputConvKernel.MaxInputChannels && window.Dilation[2] == 1)
                return new Q8SmallInputConvKernel(window, batch, cin, cout, weights, wSigned, q.WZeroPoints, bias, xSigned, q.XZeroPoint, requant, ctx.Threads);
            return new Q8Im2ColConvKernel(window, batch, cin, cout, weights, wSigned, q.WZeroPoints, bias, xSigned, q.XZeroPoint, requant, ctx.Threads);
        }
        if (Group == cin && cout == cin && w[1] == 1)
        {
            var shape = new DepthwiseConvShape(batch, window.Input[1], window.Input[2], cin, window.Kernel[1], window.Kernel[2],
                window.Stride[1], window.Stride[2], window.Dilation[1], window.Dilation[2],
                window.PadBegin[1], window.PadBegin[2], window.PadEnd[1], window.PadEnd[2]);
            if (shape.OutputHeight != window.Output[1] || shape.OutputWidth != window.Output[2]) return null;
            var packed = Q8DepthwiseConvWeights.Pack(cin, shape.KernelHeight, shape.KernelWidth, weights, wSigned, q.WZeroPoints, bias, q.XZeroPoint);
            return new Q8DepthwiseConvKernel(Q8DepthwiseConvCatalog.Best, packed, shape, requant, xSigned);
        }
        return null;
    }

    private sealed record Resolved(Shape X, Shape W, SpatialWindow Window, QLinearOperands Quant);

    private Resolved Resolve(OpContext ctx)
    {
        PlaneLayout.Expect(ctx, 0, Layout, minRank: 3);
        var x = ctx.InputShape(0);
        var w = ctx.InputShape(1);
        int channels = x[PlaneLayout.ChannelAxis(x.Rank, Layout)];
        if (w.Rank != x.Rank) throw ctx.Error($"W has shape {w}; expected rank {x.Rank} like X {x}");
        if (Group < 1 || channels % Group != 0) throw ctx.Error($"group {Group} does not divide the {channels} input channels");
        if (w[1] * Group != channels) throw ctx.Error($"W has shape {w}: {w[1]} input channels per group × group {Group} ≠ {channels} channels of X");
        if (w[0] % Group != 0) throw ctx.Error($"group {Group} does not divide the {w[0]} output channels of W");
        var kernel = w.Dims[2..];
        if (KernelShape is not null && !KernelShape.AsSpan().SequenceEqual(kernel))
            throw ctx.Error($"kernel_shape {Shape.Format(KernelShape)} does not match W {w}");
        if (ctx.HasInput(2))
        {
            ctx.ExpectType(2, DataType.Int32);
            var b = ctx.InputShape(2);
            if (b.Rank != 1 || b[0] != w[0]) throw ctx.Error($"B has shape {b}; expected [{w[0]}]");
        }
        var quant = QuantResolver.Operands(ctx, OutputQuant, OutputType, w[0], 0, "X", "W");
        if (!Activation.IsMinMax) throw ctx.Error($"a quantized convolution fuses only None, Relu or Clip activations, not {Activation}");
        var window = SpatialWindow.ForSliding(ctx, PlaneLayout.SpatialDims(x, Layout), kernel, Strides, Dilations, Pads, AutoPad, ceilMode: false);
        return new Resolved(x, w, window, quant);
    }

    /// <summary>
    /// The reference: <see cref="Q8ConvReference"/> over the whole tensor, reading W and B at run time (they may be
    /// computed values).
    /// </summary>
    private sealed class ReferenceKernel(SpatialWindow window, PlaneLayout x, int outChannels, int group, QLinearOperands q,
        Q8Requantization requant) : Kernel
    {
        public override void Run(in KernelContext ctx) =>
            Q8ConvReference.Run(window, x, outChannels, group, ctx.InputBytes(0), q.XType == DataType.Int8, q.XZeroPoint,
                ctx.InputBytes(1), q.WType == DataType.Int8, q.WZeroPoints, ctx.HasInput(2) ? ctx.Input<int>(2) : default, requant,
                ctx.OutputBytes(0));
    }
}
