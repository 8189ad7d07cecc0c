using System.Runtime.Intrinsics;
using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>Relu: y = max(x, 0).</summary>
public sealed class ReluOp : UnaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Relu";

    /// <inheritdoc />
    protected override ReadOnlySpan<DataType> SupportedTypes => [DataType.Float32, DataType.Int8, DataType.Int32, DataType.Int64];

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => ctx.InputType(0) switch
    {
        DataType.Float32 => CreateVector<float, ReluOperator<float>>(default),
        DataType.Int8 => Create<sbyte, sbyte, ReluOperator<sbyte>>(default),
        DataType.Int32 => CreateVector<int, ReluOperator<int>>(default),
        _ => Create<long, long, ReluOperator<long>>(default),
    };
}

/// <summary>max(x, 0). NaN stays NaN.</summary>
public readonly struct ReluOperator<T> : IVectorUnaryOperator<T> where T : System.Numerics.INumber<T>
{
    /// <inheritdoc />
    public T Invoke(T x) => x < T.Zero ? T.Zero : x;

    /// <inheritdoc />
    public Vector128<T> Invoke(Vector128<T> x) => Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<T>.Zero), Vector128<T>.Zero, x);

    /// <inheritdoc />
    public Vector256<T> Invoke(Vector256<T> x) => Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<T>.Zero), Vector256<T>.Zero, x);

    /// <inheritdoc />
    public Vector512<T> Invoke(Vector512<T> x) => Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<T>.Zero), Vector512<T>.Zero, x);
}
