using Depthwise.Kernels.Elementwise;

namespace Depthwise.Ops;

/// <summary>Tanh: y = tanh(x).</summary>
public sealed class TanhOp : FloatUnaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Tanh";

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CreateFloat(ctx, new TanhOperator());
}

/// <summary>tanh(x).</summary>
public readonly struct TanhOperator : IUnaryOperator<float, float>
{
    /// <inheritdoc />
    public float Invoke(float x) => MathF.Tanh(x);
}
