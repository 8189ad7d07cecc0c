using Depthwise.Kernels.Elementwise;

namespace Depthwise.Ops;

/// <summary>LeakyRelu: y = x for x ≥ 0, alpha·x for x &lt; 0.</summary>
public sealed class LeakyReluOp : FloatUnaryElementwiseOp
{
    /// <summary>ONNX <c>alpha</c>: the slope for negative inputs (default 0.01).</summary>
    public float Alpha { get; init; } = 0.01f;

    /// <inheritdoc />
    public override string OpType => "LeakyRelu";

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CreateFloat(ctx, new LeakyReluOperator(Alpha));
}

/// <summary>x &lt; 0 ? alpha·x : x (NaN stays NaN).</summary>
public readonly struct LeakyReluOperator(float alpha) : IUnaryOperator<float, float>
{
    private readonly float _alpha = alpha;

    /// <inheritdoc />
    public float Invoke(float x) => x < 0 ? _alpha * x : x;
}
