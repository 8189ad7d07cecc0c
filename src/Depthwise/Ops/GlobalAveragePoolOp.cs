using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>GlobalAveragePool: the mean of each channel's spatial plane; [N, C, spatial...] → [N, C, 1, ...].</summary>
public sealed class GlobalAveragePoolOp : Op
{
    /// <inheritdoc />
    public override string OpType => "GlobalAveragePool";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx) => ctx.SetOutput(0, DataType.Float32, GlobalPoolShape(ctx));

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => new ReferenceKernel(ChannelFirstLayout.Of(ctx.InputShape(0)));

    /// <summary>Checks a global pool's input (float32, [N, C, spatial...]) and returns its output shape [N, C, 1, ...].</summary>
    internal static Shape GlobalPoolShape(OpContext ctx)
    {
        ctx.ExpectType(0, DataType.Float32);
        var x = ctx.InputShape(0);
        if (x.Rank < 2) throw ctx.Error($"X has shape {x}; expected [N, C, spatial...]");
        var dims = x.ToArray();
        for (int i = 2; i < dims.Length; i++) dims[i] = 1;
        return new Shape(dims);
    }

    /// <summary>Sums each plane in double precision (large planes lose no accuracy), then divides.</summary>
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
                double sum = 0;
                foreach (var v in xs) sum += v;
                y[p] = (float)(sum / plane);
            }
        }
    }
}
