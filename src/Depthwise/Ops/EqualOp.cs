using System.Numerics;
using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>Equal: y = (a == b) with broadcasting; bool output. Floats compare by IEEE rules (NaN ≠ NaN, −0 = +0).</summary>
public sealed class EqualOp : BinaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Equal";

    /// <inheritdoc />
    protected override ReadOnlySpan<DataType> SupportedTypes =>
        [DataType.Float32, DataType.Float16, DataType.Int8, DataType.UInt8, DataType.Int32, DataType.Int64, DataType.Bool];

    /// <inheritdoc />
    protected override DataType OutputType(DataType input) => DataType.Bool;

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => ctx.InputType(0) switch
    {
        DataType.Float32 => Create<float, bool, EqualOperator<float>>(ctx, default),
        DataType.Float16 => Create<Half, bool, EqualOperator<Half>>(ctx, default),
        DataType.Int8 => Create<sbyte, bool, EqualOperator<sbyte>>(ctx, default),
        DataType.UInt8 => Create<byte, bool, EqualOperator<byte>>(ctx, default),
        DataType.Int32 => Create<int, bool, EqualOperator<int>>(ctx, default),
        DataType.Int64 => Create<long, bool, EqualOperator<long>>(ctx, default),
        _ => Create<byte, bool, BoolEqualOperator>(ctx, default),
    };
}

/// <summary>a == b.</summary>
public readonly struct EqualOperator<T> : IBinaryOperator<T, bool> where T : IEqualityOperators<T, T, bool>
{
    /// <inheritdoc />
    public bool Invoke(T a, T b) => a == b;
}

/// <summary>a == b for bools stored one per byte (any nonzero byte is true).</summary>
public readonly struct BoolEqualOperator : IBinaryOperator<byte, bool>
{
    /// <inheritdoc />
    public bool Invoke(byte a, byte b) => (a != 0) == (b != 0);
}
