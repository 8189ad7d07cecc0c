using Depthwise.Kernels.Reference;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// ConvTranspose (the gradient of Conv with respect to its input), for 1 to 3 spatial dims: every input element
/// scatters X · W into the output at position i · stride + tap · dilation − pad_begin. X is [N, C, spatial...],
/// W is [C, M/group, kernel...], the optional bias B is [M]. The output size comes from <see cref="OutputShape"/>
/// (pads then derived from it), from SAME auto_pad (input · stride), or from pads and <see cref="OutputPadding"/>.
/// </summary>
public sealed class ConvTransposeOp : Op
{
    /// <summary>Kernel sizes; null means "take them from W".</summary>
    public int[]? KernelShape { get; init; }

    /// <summary>Strides per spatial dim; null means all 1.</summary>
    public int[]? Strides { get; init; }

    /// <summary>Dilations per spatial dim; null means all 1.</summary>
    public int[]? Dilations { get; init; }

    /// <summary>Explicit pads, all begins then all ends; null means all 0. Ignored when <see cref="OutputShape"/> or SAME auto_pad decide them.</summary>
    public int[]? Pads { get; init; }

    /// <summary>How pads are chosen.</summary>
    public AutoPad AutoPad { get; init; }

    /// <summary>Number of groups the input and output channels are split into.</summary>
    public int Group { get; init; } = 1;

    /// <summary>Extra size added at the end of each spatial output dim; null means all 0.</summary>
    public int[]? OutputPadding { get; init; }

    /// <summary>Requested spatial output sizes (or the full output shape, whose last dims are used); null when not given.</summary>
    public int[]? OutputShape { get; init; }

    /// <inheritdoc />
    public override string OpType => "ConvTranspose";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (x, w, window) = Resolve(ctx);
        var dims = new int[x.Rank];
        dims[0] = x[0];
        dims[1] = w[1] * Group;
        window.InputDims.CopyTo(dims, 2);
        ctx.SetOutput(0, DataType.Float32, new Shape(dims));
    }

    /// <inheritdoc />
    public override long CountMacs(OpContext ctx)
    {
        var (x, w, window) = Resolve(ctx);
        return (long)x[0] * x[1] * window.OutputSize * w[1] * window.KernelSize;
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (x, w, window) = Resolve(ctx);
        return new ReferenceKernel(window, PlaneLayout.Of(x), w[1] * Group, Group);
    }

    /// <summary>The shapes of X and W and the window of the equivalent convolution (large side = this op's output).</summary>
    private (Shape X, Shape W, SpatialWindow Window) Resolve(OpContext ctx)
    {
        ctx.ExpectType(0, DataType.Float32);
        ctx.ExpectType(1, DataType.Float32);
        var x = ctx.InputShape(0);
        var w = ctx.InputShape(1);
        if (x.Rank < 3) throw ctx.Error($"X has shape {x}; expected [N, C, spatial...] with at least one spatial dim");
        if (w.Rank != x.Rank) throw ctx.Error($"W has shape {w}; expected rank {x.Rank} like X {x}");
        if (Group < 1 || x[1] % Group != 0) throw ctx.Error($"group {Group} does not divide the {x[1]} input channels");
        if (w[0] != x[1]) throw ctx.Error($"W has shape {w}; its first dim must equal the {x[1]} channels of X");
        int rank = x.Rank - 2;
        var kernel = w.Dims[2..];
        if (KernelShape is not null && !KernelShape.AsSpan().SequenceEqual(kernel))
            throw ctx.Error($"kernel_shape {Shape.Format(KernelShape)} does not match W {w}");
        SpatialWindow.CheckAttributes(ctx, rank, kernel, Strides, Dilations, Pads);
        if (OutputPadding is not null && (OutputPadding.Length != rank || OutputPadding.Any(p => p < 0)))
            throw ctx.Error($"output_padding {Shape.Format(OutputPadding)} must have {rank} non-negative entries");
        int[]? requested = null;
        if (OutputShape is not null)
        {
            if (OutputShape.Length == rank) requested = OutputShape;
            else if (OutputShape.Length == rank + 2) requested = OutputShape[2..];
            else throw ctx.Error($"output_shape {Shape.Format(OutputShape)} must have {rank} (spatial) or {rank + 2} entries");
        }
        if (ctx.HasInput(2))
        {
            ctx.ExpectType(2, DataType.Float32);
            var b = ctx.InputShape(2);
            if (b.Rank != 1 || b[0] != w[1] * Group) throw ctx.Error($"B has shape {b}; expected [{w[1] * Group}]");
        }

        var outSizes = new int[rank];
        var padBegin = new int[rank];
        var padEnd = new int[rank];
        var strides = Strides ?? Enumerable.Repeat(1, rank).ToArray();
        var dilations = Dilations ?? Enumerable.Repeat(1, rank).ToArray();
        for (int i = 0; i < rank; i++)
        {
            long input = x[i + 2], s = strides[i];
            long effK = (long)(kernel[i] - 1) * dilations[i] + 1;
            long full = s * (input - 1) + (OutputPadding?[i] ?? 0) + effK;   // the output size with no pads
            long output;
            if (requested is not null || AutoPad is AutoPad.SameUpper or AutoPad.SameLower)
            {
                output = requested is not null ? requested[i] : input * s;
                long total = full - output;
                long half = (long)Math.Floor(total / 2.0);
                // ONNX: SAME_UPPER puts the smaller half first; otherwise the larger half goes first.
                padBegin[i] = (int)(AutoPad == AutoPad.SameUpper ? half : total - half);
                padEnd[i] = (int)(total - padBegin[i]);
            }
            else
            {
                if (AutoPad == AutoPad.NotSet && Pads is not null)
                {
                    padBegin[i] = Pads[i];
                    padEnd[i] = Pads[i + rank];
                }
                output = full - padBegin[i] - padEnd[i];
            }
            if (output < 1 || output > Shape.MaxElements)
                throw ctx.Error($"the output size along spatial axis {i} would be {output} (input {input}, stride {s}, kernel {kernel[i]}, pads {padBegin[i]}, {padEnd[i]})");
            outSizes[i] = (int)output;
        }
        var window = SpatialWindow.FromSizes(outSizes, x.Dims[2..], kernel, strides, dilations, padBegin, padEnd);
        return (x, w, window);
    }

    /// <summary>
    /// Scatter form over NCHW planes: for each output channel, each input channel of its group and each kernel tap,
    /// y[i · stride + tap · dilation − pad] += w · x[i] over the precomputed input ranges whose target lies inside the
    /// output (no bounds tests in the inner loop; the input row is read contiguously).
    /// </summary>
    private sealed class ReferenceKernel : Kernel
    {
        private readonly SpatialWindow _w;   // Input = this op's output (large side), Output = this op's input
        private readonly PlaneLayout _x;
        private readonly PlaneLayout _y;
        private readonly int _cinPerGroup;
        private readonly int _coutPerGroup;
        private readonly int[][] _lo, _hi;   // per dim (D, H, W) and tap: the input positions [lo, hi) whose target is inside the output

        public ReferenceKernel(SpatialWindow w, PlaneLayout x, int outChannels, int group)
        {
            _w = w;
            _x = x;
            _y = new PlaneLayout(x.Batch, outChannels, w.InputSize);
            _cinPerGroup = x.Channels / group;
            _coutPerGroup = outChannels / group;
            _lo = new int[3][];
            _hi = new int[3][];
            for (int d = 0; d < 3; d++)
            {
                _lo[d] = new int[w.Kernel[d]];
                _hi[d] = new int[w.Kernel[d]];
                for (int k = 0; k < w.Kernel[d]; k++) (_lo[d][k], _hi[d][k]) = w.OutputRangeForTap(d, k);
            }
        }

        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<float>(0);
            var w = ctx.Input<float>(1);
            var b = ctx.HasInput(2) ? ctx.Input<float>(2) : default;
            var y = ctx.Output<float>(0);
            var win = _w;
            int kSize = win.KernelSize, kh = win.Kernel[1], kw = win.Kernel[2];
            int xRowLen = win.Output[2], yRowLen = win.Input[2], sw = win.Stride[2];
            for (int n = 0; n < _x.Batch; n++)
            {
                for (int oc = 0; oc < _y.Channels; oc++)
                {
                    int g = oc / _coutPerGroup, ocg = oc % _coutPerGroup;
                    var yPlane = y.Slice(_y.PlaneOffset(n, oc), _y.PlaneSize);
                    yPlane.Fill(b.IsEmpty ? 0f : b[oc]);
                    for (int icg = 0; icg < _cinPerGroup; icg++)
                    {
                        int ic = g * _cinPerGroup + icg;
                        var xPlane = x.Slice(_x.PlaneOffset(n, ic), _x.PlaneSize);
                        var wTaps = w.Slice((ic * _coutPerGroup + ocg) * kSize, kSize);
                        for (int td = 0; td < win.Kernel[0]; td++)
                        for (int th = 0; th < kh; th++)
                        for (int tw = 0; tw < kw; tw++)
                        {
                            int wlo = _lo[2][tw], whi = _hi[2][tw];
                            if (whi <= wlo) continue;
                            float wv = wTaps[(td * kh + th) * kw + tw];
                            int firstTarget = win.InputPosition(2, wlo, tw);
                            for (int id = _lo[0][td]; id < _hi[0][td]; id++)
                            {
                                int od = win.InputPosition(0, id, td);
                                for (int ih = _lo[1][th]; ih < _hi[1][th]; ih++)
                                {
                                    var xRow = xPlane.Slice(win.OutputRowOffset(id, ih), xRowLen);
                                    var yRow = yPlane.Slice(win.InputRowOffset(od, win.InputPosition(1, ih, th)), yRowLen);
                                    ScalarAxpy.StridedTarget(wv, xRow[wlo..whi], yRow[firstTarget..], sw);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
