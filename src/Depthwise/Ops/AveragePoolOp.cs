using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// AveragePool: the mean of each window. Padding is excluded from the divisor unless <see cref="CountIncludePad"/>;
/// with it, pads count but the part of a ceil-mode window beyond the end padding does not (as ONNX Runtime does).
/// </summary>
public sealed class AveragePoolOp : PoolOp
{
    /// <summary>Whether pad positions count in the divisor.</summary>
    public bool CountIncludePad { get; init; }

    /// <inheritdoc />
    public override string OpType => "AveragePool";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ctx.ExpectType(0, DataType.Float32);
        ctx.SetOutput(0, DataType.Float32, OutputShape(ctx.InputShape(0), Window(ctx)));
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var w = Window(ctx);
        var (lo, hi) = TapRanges(w);
        // The divisor factors per dim: taps inside the input, or inside the padded input.
        var count = new int[3][];
        for (int d = 0; d < 3; d++)
        {
            count[d] = new int[w.Output[d]];
            for (int o = 0; o < w.Output[d]; o++)
            {
                var (a, b) = CountIncludePad ? w.PaddedTapRangeForOutput(d, o) : (lo[d][o], hi[d][o]);
                count[d][o] = b - a;
            }
        }
        return new ReferenceKernel(w, ChannelFirstLayout.Of(ctx.InputShape(0)), lo, hi, count);
    }

    /// <summary>Per plane and output position: sums the taps in the precomputed valid ranges, divides by the precomputed count.</summary>
    private sealed class ReferenceKernel(SpatialWindow w, ChannelFirstLayout layout, int[][] lo, int[][] hi, int[][] count) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<float>(0);
            var y = ctx.Output<float>(0);
            int inSize = w.InputSize, outSize = w.OutputSize;
            for (int p = 0; p < layout.PlaneCount; p++)
            {
                var xs = x.Slice(p * inSize, inSize);
                var ys = y.Slice(p * outSize, outSize);
                int at = 0;
                for (int od = 0; od < w.Output[0]; od++)
                for (int oh = 0; oh < w.Output[1]; oh++)
                for (int ow = 0; ow < w.Output[2]; ow++, at++)
                {
                    float sum = 0;
                    for (int kd = lo[0][od]; kd < hi[0][od]; kd++)
                    {
                        int id = w.InputPosition(0, od, kd);
                        for (int kh = lo[1][oh]; kh < hi[1][oh]; kh++)
                        {
                            var row = xs.Slice(w.InputRowOffset(id, w.InputPosition(1, oh, kh)), w.Input[2]);
                            for (int kw = lo[2][ow]; kw < hi[2][ow]; kw++) sum += row[w.InputPosition(2, ow, kw)];
                        }
                    }
                    int n = count[0][od] * count[1][oh] * count[2][ow];
                    ys[at] = n == 0 ? float.NaN : sum / n;
                }
            }
        }
    }
}
