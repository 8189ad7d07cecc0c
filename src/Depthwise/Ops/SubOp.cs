using System.Runtime.Intrinsics;
using System.Numerics;
using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>Sub: y = a - b with broadcasting. Integer subtraction wraps, as in ONNX Runtime.</summary>
public sealed class SubOp : BinaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Sub";

    /// <inheritdoc />
    protected override ReadOnlySpan<DataType> SupportedTypes =>
        [DataType.Float32, DataType.Float16, DataType.Int8, DataType.UInt8, DataType.Int32, DataType.Int64];

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => ctx.InputType(0) switch
    {
        DataType.Float32 => CreateVector<float, SubOperator<float>>(ctx, default),
        DataType.Float16 => Create<Half, Half, SubOperator<Half>>(ctx, default),
        DataType.Int8 => Create<sbyte, sbyte, SubOperator<sbyte>>(ctx, default),
        DataType.UInt8 => Create<byte, byte, SubOperator<byte>>(ctx, default),
        DataType.Int32 => CreateVector<int, SubOperator<int>>(ctx, default),
        _ => Create<long, long, SubOperator<long>>(ctx, default),
    };
}

/// <summary>a - b.</summary>
public readonly struct SubOperator<T> : IVectorBinaryOperator<T> where T : INumberBase<T>
{
    /// <inheritdoc />
    public T Invoke(T a, T b) => a - b;

    /// <inheritdoc />
    public Vector128<T> Invoke(Vector128<T> a, Vector128<T> b) => a - b;

    /// <inheritdoc />
    public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => a - b;

    /// <inheritdoc />
    public Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => a - b;
}
