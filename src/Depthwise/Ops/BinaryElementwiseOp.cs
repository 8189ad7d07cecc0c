using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Base of elementwise operators with two inputs of one type, broadcast numpy-style. The output type is the input type
/// unless <see cref="OutputType"/> says otherwise (comparisons give bool).
/// </summary>
public abstract class BinaryElementwiseOp : Op
{
    /// <summary>Element types the operator accepts.</summary>
    protected virtual ReadOnlySpan<DataType> SupportedTypes => [DataType.Float32, DataType.Int32, DataType.Int64];

    /// <summary>The output type for an input type.</summary>
    protected virtual DataType OutputType(DataType input) => input;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ctx.ExpectType(0, SupportedTypes);
        if (ctx.InputType(1) != ctx.InputType(0))
            throw ctx.Error($"inputs have different types ({DataTypes.Name(ctx.InputType(0))} and {DataTypes.Name(ctx.InputType(1))})");
        var shape = Shape.Broadcast(ctx.InputShape(0), ctx.InputShape(1))
            ?? throw ctx.Error($"shapes {ctx.InputShape(0)} and {ctx.InputShape(1)} do not broadcast");
        ctx.SetOutput(0, OutputType(ctx.InputType(0)), shape);
    }

    /// <summary>A kernel applying <paramref name="op"/> with broadcasting for the shapes in <paramref name="ctx"/>.</summary>
    protected static Kernel Create<TIn, TOut, TOp>(OpContext ctx, TOp op)
        where TIn : unmanaged where TOut : unmanaged where TOp : struct, IBinaryOperator<TIn, TOut>
        => new BinaryKernel<TIn, TOut, TOp>(op, new BroadcastLayout(ctx.OutputShape(0), ctx.InputShape(0), ctx.InputShape(1)));

    private sealed class BinaryKernel<TIn, TOut, TOp>(TOp op, BroadcastLayout layout) : Kernel
        where TIn : unmanaged where TOut : unmanaged where TOp : struct, IBinaryOperator<TIn, TOut>
    {
        private readonly TOp _op = op;

        public override void Run(in KernelContext ctx) =>
            BinaryDriver.Run<TIn, TOut, TOp>(_op, layout, ctx.Input<TIn>(0), ctx.Input<TIn>(1), ctx.Output<TOut>(0));
    }
}
