using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// GlobalAveragePool: the mean of each channel's spatial plane; [N, C, spatial...] → [N, C, 1, ...]
/// (or [N, H, W, C] → [N, 1, 1, C] when <see cref="Layout"/> is channels-last).
/// </summary>
public sealed class GlobalAveragePoolOp : Op, IChannelLayoutOp
{
    /// <inheritdoc />
    public override string OpType => "GlobalAveragePool";

    /// <summary>Layout of X and Y (channels-first, ONNX's, by default).</summary>
    public ChannelLayout Layout { get; init; }

    /// <inheritdoc />
    public bool IsLayoutInput(int index) => index == 0;

    /// <inheritdoc />
    public Op WithLayout(ChannelLayout layout) => new GlobalAveragePoolOp { Layout = layout };

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx) => ctx.SetOutput(0, DataType.Float32, GlobalPoolShape(ctx, Layout));

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => new ReferenceKernel(PlaneLayout.Of(ctx.InputShape(0), Layout));

    /// <summary>Checks a global pool's input (float32, [N, C, spatial...] or [N, H, W, C]) and returns its output shape (spatial dims 1).</summary>
    internal static Shape GlobalPoolShape(OpContext ctx, ChannelLayout layout)
    {
        ctx.ExpectType(0, DataType.Float32);
        PlaneLayout.Expect(ctx, 0, layout, minRank: 2);
        var x = ctx.InputShape(0);
        var dims = x.ToArray();
        int channelAxis = PlaneLayout.ChannelAxis(x.Rank, layout);
        for (int i = 1; i < dims.Length; i++) if (i != channelAxis) dims[i] = 1;
        return new Shape(dims);
    }

    /// <summary>Sums each plane in double precision (large planes lose no accuracy), then divides.</summary>
    private sealed class ReferenceKernel(PlaneLayout layout) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<float>(0);
            var y = ctx.Output<float>(0);
            int plane = layout.PlaneSize, stride = layout.ElementStride;
            var outLayout = layout with { PlaneSize = 1 };
            for (int n = 0; n < layout.Batch; n++)
            for (int c = 0; c < layout.Channels; c++)
            {
                int at = layout.PlaneOffset(n, c);
                double sum = 0;
                for (int i = 0; i < plane; i++, at += stride) sum += x[at];
                y[outLayout.PlaneOffset(n, c)] = (float)(sum / plane);
            }
        }
    }
}
