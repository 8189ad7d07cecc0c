using Depthwise.Kernels.Depthwise;
using Depthwise.Kernels.Gemm;
using Depthwise.Kernels.Reference;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Conv: Y[n, m] = act(B[m] + Σ over the group's input channels and the kernel taps of X · W + R[n, m]), for 1 to 3
/// spatial dims. X is [N, C, spatial...] (or [N, H, W, C] when <see cref="Layout"/> is channels-last), W is
/// [M, C/group, kernel...] in either layout, the optional bias B is [M]; group = C makes it depthwise.
/// Beyond ONNX, the graph passes may fuse what follows a convolution into it: an optional input 3, the residual R
/// (same shape and layout as Y, added after the bias), and <see cref="Activation"/> (applied last). Without them the
/// operator is ONNX's Conv; the exporter writes them back as Add and activation nodes.
/// </summary>
public sealed class ConvOp : Op, IChannelLayoutOp
{
    /// <summary>Kernel sizes; null means "take them from W".</summary>
    public int[]? KernelShape { get; init; }

    /// <summary>Strides per spatial dim; null means all 1.</summary>
    public int[]? Strides { get; init; }

    /// <summary>Dilations per spatial dim; null means all 1.</summary>
    public int[]? Dilations { get; init; }

    /// <summary>Explicit pads, all begins then all ends (ONNX order); null means all 0. Ignored unless <see cref="AutoPad"/> is NotSet.</summary>
    public int[]? Pads { get; init; }

    /// <summary>How pads are chosen.</summary>
    public AutoPad AutoPad { get; init; }

    /// <summary>Number of groups the input and output channels are split into.</summary>
    public int Group { get; init; } = 1;

    /// <summary>Layout of X, the residual and Y (channels-first, ONNX's, by default). W is [M, C/group, kernel...] in both.</summary>
    public ChannelLayout Layout { get; init; }

    /// <summary>The activation applied to the output (after bias and residual); none by default.</summary>
    public ConvActivation Activation { get; init; }

    /// <summary>Index of the optional residual input (added to the output before the activation).</summary>
    public const int ResidualInput = 3;

    /// <inheritdoc />
    public override string OpType => "Conv";

    /// <inheritdoc />
    public bool IsLayoutInput(int index) => index is 0 or ResidualInput;

    /// <inheritdoc />
    public Op WithLayout(ChannelLayout layout) => With(layout, Activation);

    /// <summary>A copy with every attribute the same except the layout and the activation.</summary>
    public ConvOp With(ChannelLayout layout, ConvActivation activation) => new()
    {
        KernelShape = KernelShape,
        Strides = Strides,
        Dilations = Dilations,
        Pads = Pads,
        AutoPad = AutoPad,
        Group = Group,
        Layout = layout,
        Activation = activation,
    };

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (x, w, window) = Resolve(ctx);
        var y = PlaneLayout.Compose(x[0], w[0], window.OutputDims, Layout);
        if (ctx.HasInput(ResidualInput))
        {
            ctx.ExpectType(ResidualInput, DataType.Float32);
            if (ctx.InputShape(ResidualInput) != y)
                throw ctx.Error($"the residual input has shape {ctx.InputShape(ResidualInput)}; it must equal the output shape {y}");
        }
        ctx.SetOutput(0, DataType.Float32, y);
    }

    /// <inheritdoc />
    public override long CountMacs(OpContext ctx)
    {
        var (x, w, window) = Resolve(ctx);
        return (long)x[0] * w[0] * window.OutputSize * w[1] * window.KernelSize;
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (x, w, window) = Resolve(ctx);
        return CreateFastKernel(ctx, x, w, window) ?? new ReferenceKernel(window, PlaneLayout.Of(x, Layout), w[0], Group, Activation);
    }

    /// <summary>
    /// The fast NHWC fp32 kernels, when they apply (constant weights and bias, 2-D spatial): pointwise → packed GEMM,
    /// depthwise (group = C = M) → the depthwise catalog, a group-1 convolution over at most 4 input channels (the
    /// image stems) → the direct <see cref="SmallInputConvKernel"/>, any other group-1 convolution → im2col + GEMM. Grouped
    /// convolutions that are not depthwise keep the reference. Null when none applies.
    /// </summary>
    private Kernel? CreateFastKernel(OpContext ctx, Shape x, Shape w, SpatialWindow window)
    {
        if (Layout != ChannelLayout.ChannelsLast || x.Rank != 4 || window.SpatialRank != 2) return null;
        if (ctx.InputConstant(1) is not { } wt) return null;
        Tensor? bt = null;
        if (ctx.HasInput(2) && (bt = ctx.InputConstant(2)) is null) return null;
        ReadOnlySpan<float> weights = wt.AsSpan<float>(), bias = bt is null ? default : bt.AsSpan<float>();
        int batch = x[0], cin = x[3], cout = w[0];
        bool residual = ctx.HasInput(ResidualInput);
        if (Group == 1)
        {
            if (window.IsPointwise)
            {
                var variant = GemmCatalog.Best;
                var packed = variant.Pack(cin, cout, weights, 1, cin, bias);
                var (epilogue, post) = Activation.ToFused();
                return new PackedGemmKernel(variant, packed, batch * window.OutputSize, epilogue, post,
                    residual ? ResidualInput : -1);
            }
            if (cin <= SmallInputConvKernel.MaxInputChannels)
                return new SmallInputConvKernel(window, batch, cin, cout, weights, bias, Activation, residual);
            return new Im2ColConvKernel(window, batch, cin, cout, weights, bias, Activation, ctx.Threads);
        }
        if (Group == cin && cout == cin && w[1] == 1 && batch > 0)
        {
            var shape = new DepthwiseConvShape(batch, window.Input[1], window.Input[2], cin, window.Kernel[1], window.Kernel[2],
                window.Stride[1], window.Stride[2], window.Dilation[1], window.Dilation[2],
                window.PadBegin[1], window.PadBegin[2], window.PadEnd[1], window.PadEnd[2]);
            if (shape.OutputHeight != window.Output[1] || shape.OutputWidth != window.Output[2]) return null;
            return new DepthwiseConvKernel(shape, weights, bias, Activation, residual);
        }
        return null;
    }

    private (Shape X, Shape W, SpatialWindow Window) Resolve(OpContext ctx)
    {
        ctx.ExpectType(0, DataType.Float32);
        ctx.ExpectType(1, DataType.Float32);
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
            ctx.ExpectType(2, DataType.Float32);
            var b = ctx.InputShape(2);
            if (b.Rank != 1 || b[0] != w[0]) throw ctx.Error($"B has shape {b}; expected [{w[0]}]");
        }
        var window = SpatialWindow.ForSliding(ctx, PlaneLayout.SpatialDims(x, Layout), kernel, Strides, Dilations, Pads, AutoPad, ceilMode: false);
        return (x, w, window);
    }

    /// <summary>
    /// Direct convolution over channel planes, indexed by <see cref="PlaneLayout"/> so that one loop nest serves both
    /// layouts (channels-first rows are contiguous, channels-last rows step by the channel count). For each output row
    /// and output channel: for each input channel of the group and each kernel tap whose input row exists, one
    /// y += w · x over the precomputed range of output columns that read inside the input (so the inner loop has no
    /// bounds tests). Rows are the outer loop so the few input rows a row reads stay in cache across all channels.
    /// Pointwise convolutions (1×1, stride 1, no pads) run as blocked matrix products over whole planes instead.
    /// The epilogue adds the residual and applies the activation to each finished row or block.
    /// Every output element accumulates bias, then input channels, then taps in the same order in both layouts, so
    /// the channels-last result equals the channels-first one bit for bit.
    /// </summary>
    private sealed class ReferenceKernel : Kernel
    {
        /// <summary>Output elements per block of the pointwise path: the group's input block stays in cache for every output channel.</summary>
        private const int PointwiseBlock = 128;

        private readonly SpatialWindow _w;
        private readonly PlaneLayout _x;
        private readonly PlaneLayout _y;
        private readonly ConvActivation _activation;
        private readonly int _cinPerGroup;
        private readonly int _coutPerGroup;
        private readonly int _kernelSize;
        private readonly bool _pointwise;
        private readonly int[] _owLo, _owHi, _iwFirst;   // per tap along W: output columns [lo, hi) and the input column of lo
        private readonly int[] _khLo, _khHi;             // per output row along H: the taps that read an input row
        private readonly int[] _kdLo, _kdHi;             // per output plane along D: the taps that read an input plane

        public ReferenceKernel(SpatialWindow w, PlaneLayout x, int outChannels, int group, ConvActivation activation)
        {
            _w = w;
            _x = x;
            _y = new PlaneLayout(x.Batch, outChannels, w.OutputSize, x.Layout);
            _activation = activation;
            _cinPerGroup = x.Channels / group;
            _coutPerGroup = outChannels / group;
            _kernelSize = w.KernelSize;
            _pointwise = w.IsPointwise;
            int kw = w.Kernel[2];
            _owLo = new int[kw]; _owHi = new int[kw]; _iwFirst = new int[kw];
            for (int k = 0; k < kw; k++)
            {
                (_owLo[k], _owHi[k]) = w.OutputRangeForTap(2, k);
                _iwFirst[k] = w.InputPosition(2, _owLo[k], k);
            }
            (_khLo, _khHi) = TapRanges(w, 1);
            (_kdLo, _kdHi) = TapRanges(w, 0);
        }

        private static (int[] Lo, int[] Hi) TapRanges(SpatialWindow w, int dim)
        {
            var lo = new int[w.Output[dim]];
            var hi = new int[w.Output[dim]];
            for (int o = 0; o < lo.Length; o++) (lo[o], hi[o]) = w.TapRangeForOutput(dim, o);
            return (lo, hi);
        }

        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<float>(0);
            var w = ctx.Input<float>(1);
            var b = ctx.HasInput(2) ? ctx.Input<float>(2) : default;
            var r = ctx.HasInput(ResidualInput) ? ctx.Input<float>(ResidualInput) : default;
            var y = ctx.Output<float>(0);
            if (_pointwise) RunPointwise(x, w, b, r, y);
            else RunDirect(x, w, b, r, y);
        }

        private void RunDirect(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> r, Span<float> y)
        {
            var win = _w;
            int od = win.Output[0], oh = win.Output[1], ow = win.Output[2];
            int kh = win.Kernel[1], kw = win.Kernel[2];
            int xs = _x.ElementStride, ys = _y.ElementStride, sw = win.Stride[2];
            bool epilogue = !_activation.IsNone || !r.IsEmpty;
            for (int n = 0; n < _x.Batch; n++)
            {
                for (int d = 0; d < od; d++)
                {
                    for (int h = 0; h < oh; h++)
                    {
                        int yRowInPlane = win.OutputRowOffset(d, h) * ys;
                        for (int oc = 0; oc < _y.Channels; oc++)
                        {
                            int g = oc / _coutPerGroup;
                            int yRow = _y.PlaneOffset(n, oc) + yRowInPlane;
                            var wOc = w.Slice(oc * _cinPerGroup * _kernelSize, _cinPerGroup * _kernelSize);
                            float bias = b.IsEmpty ? 0f : b[oc];
                            for (int i = 0; i < ow; i++) y[yRow + i * ys] = bias;
                            for (int ic = 0; ic < _cinPerGroup; ic++)
                            {
                                int xPlane = _x.PlaneOffset(n, g * _cinPerGroup + ic);
                                var wIc = wOc.Slice(ic * _kernelSize, _kernelSize);
                                for (int td = _kdLo[d]; td < _kdHi[d]; td++)
                                {
                                    int id = win.InputPosition(0, d, td);
                                    for (int th = _khLo[h]; th < _khHi[h]; th++)
                                    {
                                        int xRow = xPlane + win.InputRowOffset(id, win.InputPosition(1, h, th)) * xs;
                                        var wRow = wIc.Slice((td * kh + th) * kw, kw);
                                        for (int tw = 0; tw < kw; tw++)
                                        {
                                            int lo = _owLo[tw], hi = _owHi[tw];
                                            if (hi > lo)
                                                ScalarAxpy.Strided(wRow[tw], x[(xRow + _iwFirst[tw] * xs)..], sw * xs, y[(yRow + lo * ys)..], ys, hi - lo);
                                        }
                                    }
                                }
                            }
                            if (epilogue) _activation.Apply(y[yRow..], ys, ow, r.IsEmpty ? default : r[yRow..]);
                        }
                    }
                }
            }
        }

        private void RunPointwise(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> r, Span<float> y)
        {
            int plane = _x.PlaneSize, cin = _cinPerGroup;
            int groups = _y.Channels / _coutPerGroup;
            int xs = _x.ElementStride, ys = _y.ElementStride, xc = _x.ChannelStride;
            bool contiguous = xs == 1 && ys == 1;
            bool epilogue = !_activation.IsNone || !r.IsEmpty;
            for (int n = 0; n < _x.Batch; n++)
            {
                for (int g = 0; g < groups; g++)
                {
                    for (int p0 = 0; p0 < plane; p0 += PointwiseBlock)
                    {
                        int len = Math.Min(PointwiseBlock, plane - p0);
                        int xFirst = _x.PlaneOffset(n, g * cin) + p0 * xs;
                        for (int ocg = 0; ocg < _coutPerGroup; ocg++)
                        {
                            int oc = g * _coutPerGroup + ocg;
                            int yFirst = _y.PlaneOffset(n, oc) + p0 * ys;
                            float bias = b.IsEmpty ? 0f : b[oc];
                            var wOc = w.Slice(oc * cin, cin);
                            if (contiguous)
                            {
                                var yBlock = y.Slice(yFirst, len);
                                yBlock.Fill(bias);
                                int ic = 0;
                                for (; ic + 4 <= cin; ic += 4)
                                {
                                    int at = xFirst + ic * xc;
                                    ScalarAxpy.Contiguous4(wOc[ic], x.Slice(at, len), wOc[ic + 1], x.Slice(at + xc, len),
                                        wOc[ic + 2], x.Slice(at + 2 * xc, len), wOc[ic + 3], x.Slice(at + 3 * xc, len), yBlock);
                                }
                                for (; ic < cin; ic++) ScalarAxpy.Contiguous(wOc[ic], x.Slice(xFirst + ic * xc, len), yBlock);
                            }
                            else
                            {
                                for (int i = 0; i < len; i++) y[yFirst + i * ys] = bias;
                                int ic = 0;
                                for (; ic + 4 <= cin; ic += 4)
                                    ScalarAxpy.Strided4(wOc[ic], wOc[ic + 1], wOc[ic + 2], wOc[ic + 3], x[(xFirst + ic * xc)..], xc, xs, y[yFirst..], ys, len);
                                for (; ic < cin; ic++) ScalarAxpy.Strided(wOc[ic], x[(xFirst + ic * xc)..], xs, y[yFirst..], ys, len);
                            }
                            if (epilogue) _activation.Apply(y[yFirst..], ys, len, r.IsEmpty ? default : r[yFirst..]);
                        }
                    }
                }
            }
        }
    }
}
