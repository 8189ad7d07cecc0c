using Depthwise.Kernels.Reference;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Conv: Y[n, m] = B[m] + Σ over the group's input channels and the kernel taps of X · W, for 1 to 3 spatial dims.
/// X is [N, C, spatial...], W is [M, C/group, kernel...], the optional bias B is [M]; group = C makes it depthwise.
/// </summary>
public sealed class ConvOp : Op
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

    /// <inheritdoc />
    public override string OpType => "Conv";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (x, w, window) = Resolve(ctx);
        var dims = new int[x.Rank];
        dims[0] = x[0];
        dims[1] = w[0];
        window.OutputDims.CopyTo(dims, 2);
        ctx.SetOutput(0, DataType.Float32, new Shape(dims));
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
        return new ReferenceKernel(window, ChannelFirstLayout.Of(x), w[0], Group);
    }

    private (Shape X, Shape W, SpatialWindow Window) Resolve(OpContext ctx)
    {
        ctx.ExpectType(0, DataType.Float32);
        ctx.ExpectType(1, DataType.Float32);
        var x = ctx.InputShape(0);
        var w = ctx.InputShape(1);
        if (x.Rank < 3) throw ctx.Error($"X has shape {x}; expected [N, C, spatial...] with at least one spatial dim");
        if (w.Rank != x.Rank) throw ctx.Error($"W has shape {w}; expected rank {x.Rank} like X {x}");
        if (Group < 1 || x[1] % Group != 0) throw ctx.Error($"group {Group} does not divide the {x[1]} input channels");
        if (w[1] * Group != x[1]) throw ctx.Error($"W has shape {w}: {w[1]} input channels per group × group {Group} ≠ {x[1]} channels of X");
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
        var window = SpatialWindow.ForSliding(ctx, x.Dims[2..], kernel, Strides, Dilations, Pads, AutoPad, ceilMode: false);
        return (x, w, window);
    }

    /// <summary>
    /// Direct convolution over NCHW planes. For each output row: for each input channel of the group and each kernel
    /// tap whose input row exists, one y += w · x over the precomputed range of output columns that read inside the
    /// input (so the inner loop has no bounds tests and, at stride 1, reads contiguous memory). Pointwise convolutions
    /// (1×1, stride 1, no pads) run as blocked matrix products over whole planes instead.
    /// </summary>
    private sealed class ReferenceKernel : Kernel
    {
        /// <summary>Output elements per block of the pointwise path: the group's input block stays in cache for every output channel.</summary>
        private const int PointwiseBlock = 128;

        private readonly SpatialWindow _w;
        private readonly ChannelFirstLayout _x;
        private readonly ChannelFirstLayout _y;
        private readonly int _cinPerGroup;
        private readonly int _coutPerGroup;
        private readonly int _kernelSize;
        private readonly bool _pointwise;
        private readonly int[] _owLo, _owHi, _iwFirst;   // per tap along W: output columns [lo, hi) and the input column of lo
        private readonly int[] _khLo, _khHi;             // per output row along H: the taps that read an input row
        private readonly int[] _kdLo, _kdHi;             // per output plane along D: the taps that read an input plane

        public ReferenceKernel(SpatialWindow w, ChannelFirstLayout x, int outChannels, int group)
        {
            _w = w;
            _x = x;
            _y = new ChannelFirstLayout(x.Batch, outChannels, w.OutputSize);
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
            var y = ctx.Output<float>(0);
            if (_pointwise) RunPointwise(x, w, b, y);
            else RunDirect(x, w, b, y);
        }

        private void RunDirect(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y)
        {
            var win = _w;
            int od = win.Output[0], oh = win.Output[1], ow = win.Output[2];
            int kh = win.Kernel[1], kw = win.Kernel[2];
            int inSize = _x.PlaneSize, iw = win.Input[2], sw = win.Stride[2];
            for (int n = 0; n < _x.Batch; n++)
            {
                for (int oc = 0; oc < _y.Channels; oc++)
                {
                    int g = oc / _coutPerGroup;
                    var yPlane = y.Slice(_y.PlaneOffset(n, oc), _y.PlaneSize);
                    var xGroup = x.Slice(_x.PlaneOffset(n, g * _cinPerGroup), _cinPerGroup * inSize);
                    var wOc = w.Slice(oc * _cinPerGroup * _kernelSize, _cinPerGroup * _kernelSize);
                    float bias = b.IsEmpty ? 0f : b[oc];
                    for (int d = 0; d < od; d++)
                    {
                        for (int h = 0; h < oh; h++)
                        {
                            var yRow = yPlane.Slice(win.OutputRowOffset(d, h), ow);
                            yRow.Fill(bias);
                            for (int ic = 0; ic < _cinPerGroup; ic++)
                            {
                                var xPlane = xGroup.Slice(ic * inSize, inSize);
                                var wIc = wOc.Slice(ic * _kernelSize, _kernelSize);
                                for (int td = _kdLo[d]; td < _kdHi[d]; td++)
                                {
                                    int id = win.InputPosition(0, d, td);
                                    for (int th = _khLo[h]; th < _khHi[h]; th++)
                                    {
                                        var xRow = xPlane.Slice(win.InputRowOffset(id, win.InputPosition(1, h, th)), iw);
                                        var wRow = wIc.Slice((td * kh + th) * kw, kw);
                                        for (int tw = 0; tw < kw; tw++)
                                        {
                                            int lo = _owLo[tw], hi = _owHi[tw];
                                            if (hi > lo) ScalarAxpy.StridedSource(wRow[tw], xRow[_iwFirst[tw]..], sw, yRow[lo..hi]);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        private void RunPointwise(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y)
        {
            int plane = _x.PlaneSize, cin = _cinPerGroup;
            int groups = _y.Channels / _coutPerGroup;
            for (int n = 0; n < _x.Batch; n++)
            {
                for (int g = 0; g < groups; g++)
                {
                    for (int p0 = 0; p0 < plane; p0 += PointwiseBlock)
                    {
                        int len = Math.Min(PointwiseBlock, plane - p0);
                        int xFirst = _x.PlaneOffset(n, g * cin) + p0;
                        for (int ocg = 0; ocg < _coutPerGroup; ocg++)
                        {
                            int oc = g * _coutPerGroup + ocg;
                            var yBlock = y.Slice(_y.PlaneOffset(n, oc) + p0, len);
                            yBlock.Fill(b.IsEmpty ? 0f : b[oc]);
                            var wOc = w.Slice(oc * cin, cin);
                            int ic = 0;
                            for (; ic + 4 <= cin; ic += 4)
                            {
                                int at = xFirst + ic * plane;
                                ScalarAxpy.Contiguous4(wOc[ic], x.Slice(at, len), wOc[ic + 1], x.Slice(at + plane, len),
                                    wOc[ic + 2], x.Slice(at + 2 * plane, len), wOc[ic + 3], x.Slice(at + 3 * plane, len), yBlock);
                            }
                            for (; ic < cin; ic++) ScalarAxpy.Contiguous(wOc[ic], x.Slice(xFirst + ic * plane, len), yBlock);
                        }
                    }
                }
            }
        }
    }
}
