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
    public override void InferOutputs(OpContext ctx)
    {
        ctx.ExpectType(0, DataType.Float32, DataType.Float16, DataType.Int8, DataType.UInt8);
        var shape = OutputShape(ctx.InputShape(0), Window(ctx));
        ctx.SetOutput(0, ctx.InputType(0), shape);
        ctx.SetOutputQuant(0, ctx.InputQuant(0));
        if (ctx.OutputCount > 1) ctx.SetOutput(1, DataType.Int64, shape);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var w = Window(ctx);
        var (lo, hi) = TapRanges(w);
        var layout = ChannelFirstLayout.Of(ctx.InputShape(0));
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
    /// </summary>
    private sealed class ReferenceKernel<T>(SpatialWindow w, ChannelFirstLayout layout, int[][] lo, int[][] hi, bool indices, bool columnMajor) : Kernel
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<T>(0);
            var y = ctx.Output<T>(0);
            var ix = indices ? ctx.Output<long>(1) : default;
            int inSize = w.InputSize, outSize = w.OutputSize;
            int inD = w.Input[0], inH = w.Input[1];
            for (int p = 0; p < layout.PlaneCount; p++)
            {
                var xs = x.Slice(p * inSize, inSize);
                var ys = y.Slice(p * outSize, outSize);
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
                            var row = xs.Slice(w.InputRowOffset(id, ih), w.Input[2]);
                            for (int kw = lo[2][ow]; kw < hi[2][ow]; kw++)
                            {
                                int iw = w.InputPosition(2, ow, kw);
                                if (row[iw] > best || bd < 0) { best = row[iw]; bd = id; bh = ih; bw = iw; }
                            }
                        }
                    }
                    ys[at] = best;
                    if (indices)
                    {
                        long spatial = bd < 0 ? -1 : columnMajor ? bd + (long)bh * inD + (long)bw * inD * inH : w.InputRowOffset(bd, bh) + bw;
                        ix[p * outSize + at] = spatial < 0 ? -1 : (long)p * inSize + spatial;
                    }
                }
            }
        }
    }
}
