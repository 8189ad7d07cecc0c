using System.Numerics;
using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>Abs: y = |x|. For signed integers |MinValue| wraps to MinValue, as in C.</summary>
public sealed class AbsOp : UnaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Abs";

    /// <inheritdoc />
    protected override ReadOnlySpan<DataType> SupportedTypes =>
        [DataType.Float32, DataType.Float16, DataType.Int8, DataType.UInt8, DataType.Int32, DataType.Int64];

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => ctx.InputType(0) switch
    {
        DataType.Float32 => Create<float, float, AbsOperator<float>>(default),
        DataType.Float16 => Create<Half, Half, AbsOperator<Half>>(default),
        DataType.Int8 => Create<sbyte, sbyte, AbsOperator<sbyte>>(default),
        DataType.UInt8 => Create<byte, byte, AbsOperator<byte>>(default),
        DataType.Int32 => Create<int, int, AbsOperator<int>>(default),
        _ => Create<long, long, AbsOperator<long>>(default),
    };
}

/// <summary>|x|: clears the sign of −0 and negative NaN; never throws on integer MinValue (unlike T.Abs).</summary>
public readonly struct AbsOperator<T> : IUnaryOperator<T, T> where T : INumberBase<T>
{
    /// <inheritdoc />
    public T Invoke(T x) => T.IsNegative(x) ? -x : x;
}
