using Depthwise.Kernels.Elementwise;

namespace Depthwise.Ops;

/// <summary>HardSigmoid: y = max(0, min(1, alpha·x + beta)).</summary>
public sealed class HardSigmoidOp : FloatUnaryElementwiseOp
{
    /// <summary>ONNX <c>alpha</c> (default 0.2).</summary>
    public float Alpha { get; init; } = 0.2f;

    /// <summary>ONNX <c>beta</c> (default 0.5).</summary>
    public float Beta { get; init; } = 0.5f;

    /// <inheritdoc />
    public override string OpType => "HardSigmoid";

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CreateFloat(ctx, new HardSigmoidOperator(Alpha, Beta));
}

/// <summary>max(0, min(1, alpha·x + beta)); NaN stays NaN.</summary>
public readonly struct HardSigmoidOperator(float alpha, float beta) : IUnaryOperator<float, float>
{
    private readonly float _alpha = alpha;
    private readonly float _beta = beta;

    /// <inheritdoc />
    public float Invoke(float x)
    {
        float v = _alpha * x + _beta;
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }
}
