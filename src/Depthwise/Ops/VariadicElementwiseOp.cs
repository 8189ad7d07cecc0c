using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Base of elementwise operators over one or more inputs of one type, all broadcast together numpy-style (Sum, Mean,
/// Max, Min). The result folds a binary operator over the inputs in order: y = op(...op(op(x0, x1), x2)..., xn).
/// </summary>
public abstract class VariadicElementwiseOp : Op
{
    /// <summary>Element types the operator accepts.</summary>
    protected virtual ReadOnlySpan<DataType> SupportedTypes => [DataType.Float32, DataType.Float16];

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (ctx.InputCount == 0) throw ctx.Error("needs at least one input");
        ctx.ExpectType(0, SupportedTypes);
        var shape = ctx.InputShape(0);
        for (int i = 1; i < ctx.InputCount; i++)
        {
            if (ctx.InputType(i) != ctx.InputType(0))
                throw ctx.Error($"input {i} has type {DataTypes.Name(ctx.InputType(i))}; input 0 has {DataTypes.Name(ctx.InputType(0))}");
            shape = Shape.Broadcast(shape, ctx.InputShape(i))
                ?? throw ctx.Error($"input {i}'s shape {ctx.InputShape(i)} does not broadcast with {shape} (the broadcast of inputs 0..{i - 1})");
        }
        ctx.SetOutput(0, ctx.InputType(0), shape);
    }

    /// <summary>A kernel folding <paramref name="op"/> over the inputs.</summary>
    protected static Kernel Create<T, TOp>(OpContext ctx, TOp op)
        where T : unmanaged where TOp : struct, IBinaryOperator<T, T>
        => new FoldKernel<T, TOp, NoFinish<T>>(op, default, Layouts(ctx));

    /// <summary>A kernel folding <paramref name="op"/> over the inputs, then applying <paramref name="finish"/> to each result.</summary>
    protected static Kernel Create<T, TOp, TFinish>(OpContext ctx, TOp op, TFinish finish)
        where T : unmanaged where TOp : struct, IBinaryOperator<T, T> where TFinish : struct, IUnaryOperator<T, T>
        => new FoldKernel<T, TOp, TFinish>(op, finish, Layouts(ctx));

    /// <summary>Layout k combines inputs 0 and 1 (k = 0), or the partial result with input k + 1.</summary>
    private static BroadcastLayout[] Layouts(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var output = ctx.OutputShape(0);
        var layouts = new BroadcastLayout[Math.Max(0, ctx.InputCount - 1)];
        for (int k = 0; k < layouts.Length; k++)
            layouts[k] = k == 0
                ? new BroadcastLayout(output, ctx.InputShape(0), ctx.InputShape(1))
                : new BroadcastLayout(output, output, ctx.InputShape(k + 1));
        return layouts;
    }

    /// <summary>Marks "no finishing step" (the kernel skips the pass).</summary>
    private readonly struct NoFinish<T> : IUnaryOperator<T, T>
    {
        public T Invoke(T x) => x;
    }

    private sealed class FoldKernel<T, TOp, TFinish>(TOp op, TFinish finish, BroadcastLayout[] layouts) : Kernel
        where T : unmanaged where TOp : struct, IBinaryOperator<T, T> where TFinish : struct, IUnaryOperator<T, T>
    {
        private readonly TOp _op = op;
        private readonly TFinish _finish = finish;

        public override void Run(in KernelContext ctx)
        {
            var y = ctx.Output<T>(0);
            if (layouts.Length == 0) ctx.Input<T>(0).CopyTo(y);   // one input: its shape is the output shape
            else
            {
                BinaryDriver.Run<T, T, TOp>(_op, layouts[0], ctx.Input<T>(0), ctx.Input<T>(1), y);
                // The partial result is read and written at the same index, so folding in place is safe.
                for (int k = 1; k < layouts.Length; k++)
                    BinaryDriver.Run<T, T, TOp>(_op, layouts[k], y, ctx.Input<T>(k + 1), y);
            }
            if (typeof(TFinish) != typeof(NoFinish<T>)) UnaryDriver.Run<T, T, TFinish>(_finish, y, y);
        }
    }
}
