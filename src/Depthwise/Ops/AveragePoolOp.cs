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
    public override Op WithLayout(ChannelLayout layout) => new AveragePoolOp
    {
        KernelShape = KernelShape, Strides = Strides, Dilations = Dilations, Pads = Pads, AutoPad = AutoPad, CeilMode = CeilMode,
        CountIncludePad = CountIncludePad, Layout = layout,
    };

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
        return new ReferenceKernel(w, PlaneLayout.Of(ctx.InputShape(0), Layout), lo, hi, count);
    }

    /// <summary>
    /// Per plane and output position: sums the taps in the precomputed valid ranges, divides by the precomputed count.
    /// Planes are addressed through <see cref="PlaneLayout"/>, so channels-last data runs the same loops.
    /// </summary>
    private sealed class ReferenceKernel(SpatialWindow w, PlaneLayout layout, int[][] lo, int[][] hi, int[][] count) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<float>(0);
            var y = ctx.Output<float>(0);
            var outLayout = layout with { PlaneSize = w.OutputSize };
            int xs = layout.ElementStride, ys = outLayout.ElementStride;
            for (int n = 0; n < layout.Batch; n++)
            for (int c = 0; c < layout.Channels; c++)
            {
                int xPlane = layout.PlaneOffset(n, c), yPlane = outLayout.PlaneOffset(n, c);
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
                            int row = xPlane + w.InputRowOffset(id, w.InputPosition(1, oh, kh)) * xs;
                            for (int kw = lo[2][ow]; kw < hi[2][ow]; kw++) sum += x[row + w.InputPosition(2, ow, kw) * xs];
                        }
                    }
                    int k = count[0][od] * count[1][oh] * count[2][ow];
                    y[yPlane + at * ys] = k == 0 ? float.NaN : sum / k;
                }
            }
        }
    }
}
