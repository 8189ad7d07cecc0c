using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Base of elementwise operators with one input and one output of the same type and shape. A subclass names its
/// types and creates its kernel with <see cref="Create{TIn, TOut, TOp}"/> from an operator struct.
/// </summary>
public abstract class UnaryElementwiseOp : Op
{
    /// <summary>Element types the operator accepts (float32 unless overridden).</summary>
    protected virtual ReadOnlySpan<DataType> SupportedTypes => [DataType.Float32];

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ctx.ExpectType(0, SupportedTypes);
        ctx.SetOutput(0, ctx.InputType(0), ctx.InputShape(0));
    }

    /// <summary>A kernel applying <paramref name="op"/> to every element.</summary>
    protected static Kernel Create<TIn, TOut, TOp>(TOp op)
        where TIn : unmanaged where TOut : unmanaged where TOp : struct, IUnaryOperator<TIn, TOut>
        => new UnaryKernel<TIn, TOut, TOp>(op);

    private sealed class UnaryKernel<TIn, TOut, TOp>(TOp op) : Kernel
        where TIn : unmanaged where TOut : unmanaged where TOp : struct, IUnaryOperator<TIn, TOut>
    {
        private readonly TOp _op = op;

        public override void Run(in KernelContext ctx) => UnaryDriver.Run<TIn, TOut, TOp>(_op, ctx.Input<TIn>(0), ctx.Output<TOut>(0));
    }
}
