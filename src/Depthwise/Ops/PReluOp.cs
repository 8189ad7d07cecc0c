using System.Numerics;
using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// PRelu: y = x for x ≥ 0, slope·x for x &lt; 0, where slope broadcasts unidirectionally to x's shape
/// (e.g. slope [C,1,1] or [1] for x [N,C,H,W]).
/// </summary>
public sealed class PReluOp : BinaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "PRelu";

    /// <inheritdoc />
    protected override ReadOnlySpan<DataType> SupportedTypes => [DataType.Float32, DataType.Float16, DataType.Int32, DataType.Int64];

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        base.InferOutputs(ctx);
        if (ctx.OutputShape(0) != ctx.InputShape(0))
            throw ctx.Error($"slope shape {ctx.InputShape(1)} must broadcast to the input shape {ctx.InputShape(0)} (unidirectional broadcasting)");
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => ctx.InputType(0) switch
    {
        DataType.Float32 => Create<float, float, PReluOperator<float>>(ctx, default),
        DataType.Float16 => Create<Half, Half, PReluOperator<Half>>(ctx, default),
        DataType.Int32 => Create<int, int, PReluOperator<int>>(ctx, default),
        _ => Create<long, long, PReluOperator<long>>(ctx, default),
    };
}

/// <summary>x &lt; 0 ? slope·x : x (NaN stays NaN).</summary>
public readonly struct PReluOperator<T> : IBinaryOperator<T, T> where T : INumber<T>
{
    /// <inheritdoc />
    public T Invoke(T x, T slope) => x < T.Zero ? slope * x : x;
}
