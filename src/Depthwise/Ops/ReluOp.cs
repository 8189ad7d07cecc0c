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
        DataType.Float32 => Create<float, float, ReluOperator<float>>(default),
        DataType.Int8 => Create<sbyte, sbyte, ReluOperator<sbyte>>(default),
        DataType.Int32 => Create<int, int, ReluOperator<int>>(default),
        _ => Create<long, long, ReluOperator<long>>(default),
    };
}

/// <summary>max(x, 0). NaN stays NaN.</summary>
public readonly struct ReluOperator<T> : IUnaryOperator<T, T> where T : System.Numerics.INumber<T>
{
    /// <inheritdoc />
    public T Invoke(T x) => x < T.Zero ? T.Zero : x;
}
