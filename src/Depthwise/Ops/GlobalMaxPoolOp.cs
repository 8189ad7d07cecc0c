using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>GlobalMaxPool: the maximum of each channel's spatial plane; [N, C, spatial...] → [N, C, 1, ...].</summary>
public sealed class GlobalMaxPoolOp : Op
{
    /// <inheritdoc />
    public override string OpType => "GlobalMaxPool";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx) => ctx.SetOutput(0, DataType.Float32, GlobalAveragePoolOp.GlobalPoolShape(ctx));

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => new ReferenceKernel(ChannelFirstLayout.Of(ctx.InputShape(0)));

    /// <summary>Scans each plane; a NaN anywhere in the plane gives NaN (as Math.Max does).</summary>
    private sealed class ReferenceKernel(ChannelFirstLayout layout) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<float>(0);
            var y = ctx.Output<float>(0);
            int plane = layout.PlaneSize;
            for (int p = 0; p < layout.PlaneCount; p++)
            {
                var xs = x.Slice(p * plane, plane);
                float m = float.NegativeInfinity;
                foreach (var v in xs) m = MathF.Max(m, v);
                y[p] = m;
            }
        }
    }
}
