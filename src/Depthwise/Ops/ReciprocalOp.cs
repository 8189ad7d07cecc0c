using Depthwise.Kernels.Elementwise;

namespace Depthwise.Ops;

/// <summary>Reciprocal: y = 1 / x (±inf for ±0).</summary>
public sealed class ReciprocalOp : FloatUnaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Reciprocal";

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CreateFloat(ctx, new ReciprocalOperator());
}

/// <summary>1 / x.</summary>
public readonly struct ReciprocalOperator : IUnaryOperator<float, float>
{
    /// <inheritdoc />
    public float Invoke(float x) => 1f / x;
}
