using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// A hybrid (dynamic-range quantized) convolution, as TFLite runs a CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED
/// whose weights are int8 and whose activations are float: per batch item, X is quantized to int8 at run time
/// (<see cref="HybridQuantizer"/>, scale sx and zero point zx), the products are summed exactly in int32,
/// <c>acc = Σ_{taps inside} (qx − zx)·qw</c>, and the output is float again:
/// <c>y = clamp(acc·(sw[c]·sx) + B[c])</c> for a convolution, <c>y = clamp((acc·sx)·sw[c] + B[c])</c> for a depthwise
/// one (<see cref="DepthwiseScaleOrder"/>; TFLite multiplies in these orders), clamped by the min-max
/// <see cref="Activation"/>. X and Y are float32 ([N, C, spatial...], or NHWC when <see cref="Layout"/> is channels-last),
/// W is int8 [M, C/group, kernel...] quantized symmetrically per tensor or per output channel (axis 0), B float32 [M].
/// Geometry attributes as <see cref="ConvOp"/>. NHWC 2-D convolutions with constant weights run the integer fast
/// kernels (pointwise → the quantized GEMM, depthwise → the quantized depthwise kernels, other group-1 → im2col +
/// GEMM, each storing int32 accumulators); the rest run the reference.
/// </summary>
public sealed class HybridConvOp : Op, IChannelLayoutOp
{
    /// <summary>Strides per spatial dim; null means all 1.</summary>
    public int[]? Strides { get; init; }

    /// <summary>Dilations per spatial dim; null means all 1.</summary>
    public int[]? Dilations { get; init; }

    /// <summary>Explicit pads, all begins then all ends; null means all 0. Ignored unless <see cref="AutoPad"/> is NotSet.</summary>
    public int[]? Pads { get; init; }

    /// <summary>How pads are chosen (TFLite SAME is SameUpper).</summary>
    public AutoPad AutoPad { get; init; }

    /// <summary>Number of groups; group = C is depthwise.</summary>
    public int Group { get; init; } = 1;

    /// <summary>Layout of X and Y.</summary>
    public ChannelLayout Layout { get; init; }

    /// <summary>The fused activation: a clamp (None, Relu or Clip).</summary>
    public ConvActivation Activation { get; init; }

    /// <summary>How X is quantized at run time.</summary>
    public HybridInputQuantization InputQuantization { get; init; }

    /// <summary>
    /// True: the accumulator is scaled as <c>(acc·sx)·sw[c]</c> (TFLite's depthwise hybrid kernel); false:
    /// <c>acc·(sw[c]·sx)</c> (its convolution and fully-connected kernels). The two differ in the last bit at most.
    /// </summary>
    public bool DepthwiseScaleOrder { get; init; }

    /// <inheritdoc />
    public override string OpType => "HybridConv";

    /// <inheritdoc />
    public bool IsLayoutInput(int index) => index == 0;

    /// <inheritdoc />
    public Op WithLayout(ChannelLayout layout) => new HybridConvOp
    {
        Strides = Strides, Dilations = Dilations, Pads = Pads, AutoPad = AutoPad, Group = Group, Layout = layout,
        Activation = Activation, InputQuantization = InputQuantization, DepthwiseScaleOrder = DepthwiseScaleOrder,
    };

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var r = Resolve(ctx);
        ctx.SetOutput(0, DataType.Float32, PlaneLayout.Compose(r.X[0], r.W[0], r.Window.OutputDims, Layout));
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
        var epilogue = new HybridEpilogue(r.WeightScales, Activation.Bounds.Min, Activation.Bounds.Max, DepthwiseScaleOrder);
        return HybridConvKernel.TryCreate(ctx, r.X, r.W, r.Window, Layout, Group, InputQuantization, epilogue)
            ?? new ReferenceKernel(r.Window, PlaneLayout.Of(r.X, Layout), r.W[0], Group, InputQuantization, epilogue);
    }

    private sealed record Resolved(Shape X, Shape W, SpatialWindow Window, float[] WeightScales);

    private Resolved Resolve(OpContext ctx)
    {
        PlaneLayout.Expect(ctx, 0, Layout, minRank: 3);
        ctx.ExpectType(0, DataType.Float32);
        ctx.ExpectType(1, DataType.Int8);
        var x = ctx.InputShape(0);
        var w = ctx.InputShape(1);
        int channels = x[PlaneLayout.ChannelAxis(x.Rank, Layout)];
        if (w.Rank != x.Rank) throw ctx.Error($"W has shape {w}; expected rank {x.Rank} like X {x}");
        if (Group < 1 || channels % Group != 0) throw ctx.Error($"group {Group} does not divide the {channels} input channels");
        if (w[1] * Group != channels) throw ctx.Error($"W has shape {w}: {w[1]} input channels per group × group {Group} ≠ {channels} channels of X");
        if (w[0] % Group != 0) throw ctx.Error($"group {Group} does not divide the {w[0]} output channels of W");
        if (ctx.HasInput(2))
        {
            ctx.ExpectType(2, DataType.Float32);
            var b = ctx.InputShape(2);
            if (b.Rank != 1 || b[0] != w[0]) throw ctx.Error($"B has shape {b}; expected [{w[0]}]");
        }
        if (!Activation.IsMinMax) throw ctx.Error($"a hybrid convolution fuses only None, Relu or Clip activations, not {Activation.Kind}");
        var q = ctx.InputQuant(1) ?? throw ctx.Error("W is int8 without quantization parameters; a hybrid convolution needs its scales");
        var scales = new float[w[0]];
        if (q.IsPerTensor) Array.Fill(scales, q.Scales[0]);
        else if (q.Axis == 0 && q.Scales.Count == w[0]) for (int c = 0; c < scales.Length; c++) scales[c] = q.Scales[c];
        else throw ctx.Error($"W is quantized along axis {q.Axis} with {q.Scales.Count} scales; expected one scale or one per output channel (axis 0, {w[0]})");
        for (int c = 0; c < scales.Length; c++)
        {
            if (!float.IsFinite(scales[c]) || scales[c] <= 0) throw ctx.Error($"W's scale {scales[c]} for output channel {c} is not a positive finite number");
            if (q.ZeroPoints[q.IsPerTensor ? 0 : c] != 0) throw ctx.Error($"W's zero point for output channel {c} is {q.ZeroPoints[q.IsPerTensor ? 0 : c]}; hybrid weights are symmetric (zero point 0)");
        }
        var window = SpatialWindow.ForSliding(ctx, PlaneLayout.SpatialDims(x, Layout), w.Dims[2..], Strides, Dilations, Pads, AutoPad, ceilMode: false);
        return new Resolved(x, w, window, scales);
    }

    /// <summary>
    /// The reference: per batch item, <see cref="HybridQuantizer"/> then the direct convolution of every output element
    /// over the taps inside the input, then <see cref="HybridEpilogue"/>. Reads W and B at run time.
    /// </summary>
    private sealed class ReferenceKernel(SpatialWindow window, PlaneLayout x, int outChannels, int group,
        HybridInputQuantization mode, HybridEpilogue epilogue) : Kernel
    {
        public override int ScratchBytes => x.Channels * x.PlaneSize;

        public override void Run(in KernelContext ctx)
        {
            var input = ctx.Input<float>(0);
            var weights = ctx.Input<sbyte>(1);
            var bias = ctx.HasInput(2) ? ctx.Input<float>(2) : default;
            var output = ctx.Output<float>(0);
            var quantized = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(ctx.Scratch);
            var y = new PlaneLayout(x.Batch, outChannels, window.OutputSize, x.Layout);
            int item = x.Channels * x.PlaneSize, outItem = outChannels * window.OutputSize;
            int cinPerGroup = x.Channels / group, coutPerGroup = outChannels / group;
            int kd = window.Kernel[0], kh = window.Kernel[1], kw = window.Kernel[2], taps = window.KernelSize;
            for (int n = 0; n < x.Batch; n++)
            {
                var (sx, zx) = HybridQuantizer.Quantize(mode, input.Slice(n * item, item), quantized);
                var xn = new PlaneLayout(1, x.Channels, x.PlaneSize, x.Layout);
                var yn = new PlaneLayout(1, outChannels, window.OutputSize, y.Layout);
                var outN = output.Slice(n * outItem, outItem);
                for (int oc = 0; oc < outChannels; oc++)
                {
                    int g = oc / coutPerGroup;
                    for (int od = 0; od < window.Output[0]; od++)
                        for (int oh = 0; oh < window.Output[1]; oh++)
                            for (int ow = 0; ow < window.Output[2]; ow++)
                            {
                                int acc = 0;
                                for (int ic = 0; ic < cinPerGroup; ic++)
                                {
                                    int plane = xn.PlaneOffset(0, g * cinPerGroup + ic);
                                    int wBase = (oc * cinPerGroup + ic) * taps;
                                    for (int td = 0; td < kd; td++)
                                    {
                                        int id = window.InputPosition(0, od, td);
                                        if ((uint)id >= (uint)window.Input[0]) continue;
                                        for (int th = 0; th < kh; th++)
                                        {
                                            int ih = window.InputPosition(1, oh, th);
                                            if ((uint)ih >= (uint)window.Input[1]) continue;
                                            for (int tw = 0; tw < kw; tw++)
                                            {
                                                int iw = window.InputPosition(2, ow, tw);
                                                if ((uint)iw >= (uint)window.Input[2]) continue;
                                                int qx = quantized[plane + (window.InputRowOffset(id, ih) + iw) * xn.ElementStride];
                                                acc = unchecked(acc + (qx - zx) * weights[wBase + (td * kh + th) * kw + tw]);
                                            }
                                        }
                                    }
                                }
                                int yi = yn.PlaneOffset(0, oc) + (window.OutputRowOffset(od, oh) + ow) * yn.ElementStride;
                                outN[yi] = epilogue.Apply(acc, oc, sx, bias.IsEmpty ? 0f : bias[oc]);
                            }
                }
            }
        }
    }
}
