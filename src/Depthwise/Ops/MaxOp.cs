using System.Runtime.Intrinsics;
using System.Numerics;
using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>Max: the elementwise maximum of one or more inputs, all broadcast together. NaN in any input gives NaN (as numpy.maximum).</summary>
public sealed class MaxOp : VariadicElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Max";

    /// <inheritdoc />
    protected override ReadOnlySpan<DataType> SupportedTypes =>
        [DataType.Float32, DataType.Float16, DataType.Int8, DataType.UInt8, DataType.Int32, DataType.Int64];

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => ctx.InputType(0) switch
    {
        DataType.Float32 => Create<float, MaxOperator<float>>(ctx, default),
        DataType.Float16 => Create<Half, MaxOperator<Half>>(ctx, default),
        DataType.Int8 => Create<sbyte, MaxOperator<sbyte>>(ctx, default),
        DataType.UInt8 => Create<byte, MaxOperator<byte>>(ctx, default),
        DataType.Int32 => Create<int, MaxOperator<int>>(ctx, default),
        _ => Create<long, MaxOperator<long>>(ctx, default),
    };
}

/// <summary>maximum(a, b); NaN if either is NaN; for floats +0 is larger than −0.</summary>
public readonly struct MaxOperator<T> : IVectorBinaryOperator<T> where T : INumber<T>
{
    /// <inheritdoc />
    public T Invoke(T a, T b) => T.Max(a, b);

    /// <inheritdoc />
    public Vector128<T> Invoke(Vector128<T> a, Vector128<T> b) => Vector128.Max(a, b);

    /// <inheritdoc />
    public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => Vector256.Max(a, b);

    /// <inheritdoc />
    public Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => Vector512.Max(a, b);
}
