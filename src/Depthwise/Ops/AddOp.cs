using System.Numerics;
using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>Add: y = a + b with broadcasting. Integer addition wraps, as in ONNX Runtime.</summary>
public sealed class AddOp : BinaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Add";

    /// <inheritdoc />
    protected override ReadOnlySpan<DataType> SupportedTypes =>
        [DataType.Float32, DataType.Float16, DataType.Int8, DataType.UInt8, DataType.Int32, DataType.Int64];

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => ctx.InputType(0) switch
    {
        DataType.Float32 => Create<float, float, AddOperator<float>>(ctx, default),
        DataType.Float16 => Create<Half, Half, AddOperator<Half>>(ctx, default),
        DataType.Int8 => Create<sbyte, sbyte, AddOperator<sbyte>>(ctx, default),
        DataType.UInt8 => Create<byte, byte, AddOperator<byte>>(ctx, default),
        DataType.Int32 => Create<int, int, AddOperator<int>>(ctx, default),
        _ => Create<long, long, AddOperator<long>>(ctx, default),
    };
}

/// <summary>a + b.</summary>
public readonly struct AddOperator<T> : IBinaryOperator<T, T> where T : INumberBase<T>
{
    /// <inheritdoc />
    public T Invoke(T a, T b) => a + b;
}
