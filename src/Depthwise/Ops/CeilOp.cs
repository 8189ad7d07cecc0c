using Depthwise.Kernels.Elementwise;

namespace Depthwise.Ops;

/// <summary>Ceil: y = the smallest integer ≥ x (NaN and ±inf unchanged).</summary>
public sealed class CeilOp : FloatUnaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Ceil";

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CreateFloat(ctx, new CeilOperator());
}

/// <summary>ceil(x).</summary>
public readonly struct CeilOperator : IUnaryOperator<float, float>
{
    /// <inheritdoc />
    public float Invoke(float x) => MathF.Ceiling(x);
}
