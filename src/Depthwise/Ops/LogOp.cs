using Depthwise.Kernels.Elementwise;

namespace Depthwise.Ops;

/// <summary>Log: y = ln(x) (NaN for x &lt; 0, -inf for 0).</summary>
public sealed class LogOp : FloatUnaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Log";

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CreateFloat(ctx, new LogOperator());
}

/// <summary>ln(x).</summary>
public readonly struct LogOperator : IUnaryOperator<float, float>
{
    /// <inheritdoc />
    public float Invoke(float x) => MathF.Log(x);
}
