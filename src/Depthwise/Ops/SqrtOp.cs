using Depthwise.Kernels.Elementwise;

namespace Depthwise.Ops;

/// <summary>Sqrt: y = √x (NaN for x &lt; 0).</summary>
public sealed class SqrtOp : FloatUnaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Sqrt";

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CreateFloat(ctx, new SqrtOperator());
}

/// <summary>√x.</summary>
public readonly struct SqrtOperator : IUnaryOperator<float, float>
{
    /// <inheritdoc />
    public float Invoke(float x) => MathF.Sqrt(x);
}
