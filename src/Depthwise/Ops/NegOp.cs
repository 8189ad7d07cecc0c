using System.Numerics;
using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>Neg: y = −x. Integer negation wraps (−MinValue = MinValue), as in C.</summary>
public sealed class NegOp : UnaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Neg";

    /// <inheritdoc />
    protected override ReadOnlySpan<DataType> SupportedTypes =>
        [DataType.Float32, DataType.Float16, DataType.Int8, DataType.Int32, DataType.Int64];

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => ctx.InputType(0) switch
    {
        DataType.Float32 => Create<float, float, NegOperator<float>>(default),
        DataType.Float16 => Create<Half, Half, NegOperator<Half>>(default),
        DataType.Int8 => Create<sbyte, sbyte, NegOperator<sbyte>>(default),
        DataType.Int32 => Create<int, int, NegOperator<int>>(default),
        _ => Create<long, long, NegOperator<long>>(default),
    };
}

/// <summary>−x (flips the sign of floats, including zeros and NaN; unchecked for integers).</summary>
public readonly struct NegOperator<T> : IUnaryOperator<T, T> where T : INumberBase<T>
{
    /// <inheritdoc />
    public T Invoke(T x) => -x;
}
