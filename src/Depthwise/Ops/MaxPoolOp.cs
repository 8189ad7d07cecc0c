using System.Numerics;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// MaxPool: the maximum of each window (pads never win). The optional second output Indices (int64) holds, for each
/// output, the flat index of the chosen input element in the whole input tensor, counting the spatial dims row-major,
/// or column-major when <see cref="StorageOrder"/> is 1 (the batch and channel always count row-major, outermost).
/// </summary>
public sealed class MaxPoolOp : PoolOp
{
    /// <summary>0: Indices count the spatial dims row-major; 1: column-major.</summary>
    public int StorageOrder { get; init; }

    /// <inheritdoc />
    public override string OpType => "MaxPool";

    /// <inheritdoc />
    public override Op WithLayout(ChannelLayout layout) => new MaxPoolOp
    {
        KernelShape = KernelShape, Strides = Strides, Dilations = Dilations, Pads = Pads, AutoPad = AutoPad, CeilMode = CeilMode,
        StorageOrder = StorageOrder, Layout = layout,
    };

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ctx.ExpectType(0, DataType.Float32, DataType.Float16, DataType.Int8, DataType.UInt8);
        var shape = OutputShape(ctx.InputShape(0), Window(ctx));
        ctx.SetOutput(0, ctx.InputType(0), shape);
        QuantPassThrough.Keep(ctx, 0, a => a != 0 && a != PlaneLayout.ChannelAxis(shape.Rank, Layout));
        if (ctx.OutputCount > 1)
        {
            if (Layout == ChannelLayout.ChannelsLast) throw ctx.Error("the Indices output is defined for channels-first data only");
            ctx.SetOutput(1, DataType.Int64, shape);
        }
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var w = Window(ctx);
        var (lo, hi) = TapRanges(w);
        var layout = PlaneLayout.Of(ctx.InputShape(0), Layout);
        bool indices = ctx.OutputCount > 1;
        return ctx.InputType(0) switch
        {
            DataType.Float32 => new ReferenceKernel<float>(w, layout, lo, hi, indices, StorageOrder == 1),
            DataType.Float16 => new ReferenceKernel<Half>(w, layout, lo, hi, indices, StorageOrder == 1),
            DataType.Int8 => new ReferenceKernel<sbyte>(w, layout, lo, hi, indices, StorageOrder == 1),
            _ => new ReferenceKernel<byte>(w, layout, lo, hi, indices, StorageOrder == 1),
        };
    }

    /// <summary>
    /// Per plane and output position: scans the taps in the precomputed valid ranges keeping the first largest
    /// element (a window entirely in padding gives the type's lowest value and index -1, as ONNX Runtime does).
    /// Planes are addressed through <see cref="PlaneLayout"/>, so channels-last data runs the same loops.
    /// </summary>
    private sealed class ReferenceKernel<T>(SpatialWindow w, PlaneLayout layout, int[][] lo, int[][] hi, bool indices, bool columnMajor) : Kernel
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<T>(0);
            var y = ctx.Output<T>(0);
            var ix = indices ? ctx.Output<long>(1) : default;
            var outLayout = layout with { PlaneSize = w.OutputSize };
            int inSize = w.InputSize, outSize = w.OutputSize, xs = layout.ElementStride, ys = outLayout.ElementStride;
            int inD = w.Input[0], inH = w.Input[1];
            for (int n = 0; n < layout.Batch; n++)
            for (int c = 0; c < layout.Channels; c++)
            {
                int xPlane = layout.PlaneOffset(n, c), yPlane = outLayout.PlaneOffset(n, c);
                int at = 0;
                for (int od = 0; od < w.Output[0]; od++)
                for (int oh = 0; oh < w.Output[1]; oh++)
                for (int ow = 0; ow < w.Output[2]; ow++, at++)
                {
                    T best = T.MinValue;
                    int bd = -1, bh = -1, bw = -1;
                    for (int kd = lo[0][od]; kd < hi[0][od]; kd++)
                    {
                        int id = w.InputPosition(0, od, kd);
                        for (int kh = lo[1][oh]; kh < hi[1][oh]; kh++)
                        {
                            int ih = w.InputPosition(1, oh, kh);
                            int row = xPlane + w.InputRowOffset(id, ih) * xs;
                            for (int kw = lo[2][ow]; kw < hi[2][ow]; kw++)
                            {
                                int iw = w.InputPosition(2, ow, kw);
                                T v = x[row + iw * xs];
                                if (v > best || bd < 0) { best = v; bd = id; bh = ih; bw = iw; }
                            }
                        }
                    }
                    y[yPlane + at * ys] = best;
                    if (indices)
                    {
                        // Channels-first only: the plane index p = n·C + c counts planes row-major.
                        long p = (long)n * layout.Channels + c;
                        long spatial = bd < 0 ? -1 : columnMajor ? bd + (long)bh * inD + (long)bw * inD * inH : w.InputRowOffset(bd, bh) + bw;
                        ix[(int)(p * outSize) + at] = spatial < 0 ? -1 : p * inSize + spatial;
                    }
                }
            }
        }
    }
}
