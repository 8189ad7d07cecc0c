using System.Runtime.Intrinsics;
using System.Numerics;
using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Div: y = a / b with broadcasting. Integer division truncates toward zero, as in C. Integer division by zero is
/// undefined in ONNX (it crashes some runtimes); here it gives 0, and MinValue / −1 wraps to MinValue, so no input can
/// throw. Float division follows IEEE (x/0 = ±inf, 0/0 = NaN).
/// </summary>
public sealed class DivOp : BinaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Div";

    /// <inheritdoc />
    protected override ReadOnlySpan<DataType> SupportedTypes =>
        [DataType.Float32, DataType.Float16, DataType.Int8, DataType.UInt8, DataType.Int32, DataType.Int64];

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => ctx.InputType(0) switch
    {
        DataType.Float32 => CreateVector<float, DivOperator<float>>(ctx, default),
        DataType.Float16 => Create<Half, Half, DivOperator<Half>>(ctx, default),
        DataType.Int8 => Create<sbyte, sbyte, IntegerDivOperator<sbyte>>(ctx, default),
        DataType.UInt8 => Create<byte, byte, IntegerDivOperator<byte>>(ctx, default),
        DataType.Int32 => Create<int, int, IntegerDivOperator<int>>(ctx, default),
        _ => Create<long, long, IntegerDivOperator<long>>(ctx, default),
    };
}

/// <summary>a / b for floating-point types (IEEE).</summary>
public readonly struct DivOperator<T> : IVectorBinaryOperator<T> where T : INumberBase<T>
{
    /// <inheritdoc />
    public T Invoke(T a, T b) => a / b;

    /// <inheritdoc />
    public Vector128<T> Invoke(Vector128<T> a, Vector128<T> b) => a / b;

    /// <inheritdoc />
    public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => a / b;

    /// <inheritdoc />
    public Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => a / b;
}

/// <summary>a / b truncated toward zero; b = 0 gives 0; MinValue / −1 gives MinValue (never throws).</summary>
public readonly struct IntegerDivOperator<T> : IBinaryOperator<T, T> where T : IBinaryInteger<T>
{
    /// <inheritdoc />
    public T Invoke(T a, T b)
    {
        if (b == T.Zero) return T.Zero;
        // Only signed types have a negative all-ones divisor (−1); negating instead avoids the MinValue / −1 trap.
        if (b == T.AllBitsSet && T.IsNegative(b)) return T.Zero - a;
        return a / b;
    }
}
