using System.Numerics;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// GlobalMaxPool: the maximum of each channel's spatial plane; [N, C, spatial...] → [N, C, 1, ...]
/// (or [N, H, W, C] → [N, 1, 1, C] when <see cref="Layout"/> is channels-last). Float32, float16, and uint8/int8
/// (quantized data keeps its quantization: the maximum of stored values is the stored maximum).
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
    public override void InferOutputs(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.ExpectType(0, DataType.Float32, DataType.Float16, DataType.UInt8, DataType.Int8);
        var shape = GlobalAveragePoolOp.GlobalPoolShape(ctx, Layout, typeChecked: true);
        ctx.SetOutput(0, ctx.InputType(0), shape);
        int channelAxis = PlaneLayout.ChannelAxis(shape.Rank, Layout);
        QuantPassThrough.Keep(ctx, 0, a => a != 0 && a != channelAxis);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var layout = PlaneLayout.Of(ctx.InputShape(0), Layout);
        return ctx.InputType(0) switch
        {
            DataType.Float32 => new FloatKernel(layout),
            DataType.Float16 => new ReferenceKernel<Half>(layout),
            DataType.UInt8 => new ReferenceKernel<byte>(layout),
            _ => new ReferenceKernel<sbyte>(layout),
        };
    }

    /// <summary>Scans each plane; a NaN anywhere in the plane gives NaN (as Math.Max does).</summary>
    private sealed class FloatKernel(PlaneLayout layout) : Kernel
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

    /// <summary>Scans each plane keeping the largest value (an empty plane gives the type's lowest value).</summary>
    private sealed class ReferenceKernel<T>(PlaneLayout layout) : Kernel where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<T>(0);
            var y = ctx.Output<T>(0);
            int plane = layout.PlaneSize, stride = layout.ElementStride;
            var outLayout = layout with { PlaneSize = 1 };
            for (int n = 0; n < layout.Batch; n++)
            for (int c = 0; c < layout.Channels; c++)
            {
                int at = layout.PlaneOffset(n, c);
                T m = T.MinValue;
                for (int i = 0; i < plane; i++, at += stride) if (x[at] > m) m = x[at];
                y[outLayout.PlaneOffset(n, c)] = m;
            }
        }
    }
}
