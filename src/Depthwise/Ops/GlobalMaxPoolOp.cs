using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// GlobalMaxPool: the maximum of each channel's spatial plane; [N, C, spatial...] → [N, C, 1, ...]
/// (or [N, H, W, C] → [N, 1, 1, C] when <see cref="Layout"/> is channels-last).
/// </summary>
public sealed class GlobalMaxPoolOp : Op, IChannelLayoutOp
{
    /// <inheritdoc />
    public override string OpType => "GlobalMaxPool";

    /// <summary>Layout of X and Y (channels-first, ONNX's, by default).</summary>
    public ChannelLayout Layout { get; init; }

    /// <inheritdoc />
    public bool IsLayoutInput(int index) => index == 0;

    /// <inheritdoc />
    public Op WithLayout(ChannelLayout layout) => new GlobalMaxPoolOp { Layout = layout };

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx) => ctx.SetOutput(0, DataType.Float32, GlobalAveragePoolOp.GlobalPoolShape(ctx, Layout));

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => new ReferenceKernel(PlaneLayout.Of(ctx.InputShape(0), Layout));

    /// <summary>Scans each plane; a NaN anywhere in the plane gives NaN (as Math.Max does).</summary>
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
                float m = float.NegativeInfinity;
                for (int i = 0; i < plane; i++, at += stride) m = MathF.Max(m, x[at]);
                y[outLayout.PlaneOffset(n, c)] = m;
            }
        }
    }
}
