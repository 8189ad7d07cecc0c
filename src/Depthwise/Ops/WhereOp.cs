using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>Where: y = condition ? x : y elementwise, the three inputs broadcast together numpy-style.</summary>
public sealed class WhereOp : Op
{
    /// <inheritdoc />
    public override string OpType => "Where";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.ExpectType(0, DataType.Bool);
        ctx.ExpectType(1, DataType.Float32, DataType.Float16, DataType.Int8, DataType.UInt8, DataType.Int32, DataType.Int64, DataType.Bool);
        if (ctx.InputType(2) != ctx.InputType(1))
            throw ctx.Error($"X and Y have different types ({DataTypes.Name(ctx.InputType(1))} and {DataTypes.Name(ctx.InputType(2))})");
        var shape = Shape.Broadcast(ctx.InputShape(0), ctx.InputShape(1)) is { } s01 ? Shape.Broadcast(s01, ctx.InputShape(2)) : null;
        if (shape is null)
            throw ctx.Error($"shapes {ctx.InputShape(0)}, {ctx.InputShape(1)} and {ctx.InputShape(2)} do not broadcast together");
        ctx.SetOutput(0, ctx.InputType(1), shape.Value);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var layout = new BroadcastLayout(ctx.OutputShape(0), ctx.InputShape(0), ctx.InputShape(1), ctx.InputShape(2));
        // Selection only moves bits, so one kernel per element size serves every type.
        return DataTypes.SizeOf(ctx.InputType(1)) switch
        {
            1 => new WhereKernel<byte>(layout),
            2 => new WhereKernel<ushort>(layout),
            4 => new WhereKernel<uint>(layout),
            _ => new WhereKernel<ulong>(layout),
        };
    }

    private sealed class WhereKernel<T>(BroadcastLayout layout) : Kernel where T : unmanaged
    {
        public override void Run(in KernelContext ctx) =>
            NaryDriver.Run<byte, T, T, T, WhereOperator<T>>(default, layout, ctx.Input<byte>(0), ctx.Input<T>(1), ctx.Input<T>(2), ctx.Output<T>(0));
    }
}

/// <summary>c ? x : y, with the condition as a bool byte (any nonzero byte is true).</summary>
public readonly struct WhereOperator<T> : ITernaryOperator<byte, T, T, T>
{
    /// <inheritdoc />
    public T Invoke(byte c, T x, T y) => c != 0 ? x : y;
}
