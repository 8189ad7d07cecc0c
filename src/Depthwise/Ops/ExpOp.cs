using Depthwise.Kernels.Elementwise;

namespace Depthwise.Ops;

/// <summary>Exp: y = e^x.</summary>
public sealed class ExpOp : FloatUnaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Exp";

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CreateFloat(ctx, new ExpOperator());
}

/// <summary>e^x (+inf on overflow, 0 on underflow).</summary>
public readonly struct ExpOperator : IUnaryOperator<float, float>
{
    /// <inheritdoc />
    public float Invoke(float x) => MathF.Exp(x);
}
