using System.Numerics;
using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>Mean: the elementwise mean of one or more inputs, all broadcast together: (x0 + x1 + ...) / n.</summary>
public sealed class MeanOp : VariadicElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Mean";

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return ctx.InputType(0) switch
        {
            DataType.Float32 => Create<float, AddOperator<float>, DivideByOperator<float>>(ctx, default, new(ctx.InputCount)),
            _ => Create<Half, AddOperator<Half>, DivideByOperator<Half>>(ctx, default, new((Half)ctx.InputCount)),
        };
    }
}

/// <summary>x / n (a division, not a multiplication by 1/n, so that the result matches sum / n exactly).</summary>
public readonly struct DivideByOperator<T>(T n) : IUnaryOperator<T, T> where T : INumberBase<T>
{
    private readonly T _n = n;

    /// <inheritdoc />
    public T Invoke(T x) => x / _n;
}
