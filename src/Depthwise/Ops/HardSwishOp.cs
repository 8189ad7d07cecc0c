using Depthwise.Kernels.Elementwise;

namespace Depthwise.Ops;

/// <summary>HardSwish (MobileNetV3): y = x · max(0, min(1, x/6 + 1/2)).</summary>
public sealed class HardSwishOp : FloatUnaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "HardSwish";

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CreateFloat(ctx, new HardSwishOperator());
}

/// <summary>x · HardSigmoid(x) with alpha = 1/6, beta = 1/2, as ONNX defines it (so it matches the expanded form).</summary>
public readonly struct HardSwishOperator : IUnaryOperator<float, float>
{
    /// <inheritdoc />
    public float Invoke(float x) => x * new HardSigmoidOperator(1f / 6, 0.5f).Invoke(x);
}
