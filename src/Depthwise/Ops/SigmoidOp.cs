using Depthwise.Kernels.Elementwise;

namespace Depthwise.Ops;

/// <summary>Sigmoid: y = 1 / (1 + exp(-x)).</summary>
public sealed class SigmoidOp : FloatUnaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Sigmoid";

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CreateFloat(ctx, new SigmoidOperator());
}

/// <summary>1 / (1 + exp(-x)); exp overflows to +inf for very negative x, giving exactly 0.</summary>
public readonly struct SigmoidOperator : IUnaryOperator<float, float>
{
    /// <inheritdoc />
    public float Invoke(float x) => 1f / (1f + MathF.Exp(-x));
}
