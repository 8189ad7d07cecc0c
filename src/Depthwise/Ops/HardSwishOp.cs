using System.Runtime.Intrinsics;
using Depthwise.Kernels.Elementwise;

namespace Depthwise.Ops;

/// <summary>HardSwish (MobileNetV3): y = x · max(0, min(1, x/6 + 1/2)).</summary>
public sealed class HardSwishOp : FloatUnaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "HardSwish";

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CreateFloatVector(ctx, new HardSwishOperator());
}

/// <summary>x · HardSigmoid(x) with alpha = 1/6, beta = 1/2, as ONNX defines it (so it matches the expanded form).</summary>
public readonly struct HardSwishOperator : IVectorUnaryOperator<float>
{
    /// <inheritdoc />
    public float Invoke(float x) => x * new HardSigmoidOperator(1f / 6, 0.5f).Invoke(x);

    /// <inheritdoc />
    public Vector128<float> Invoke(Vector128<float> x) => x * new HardSigmoidOperator(1f / 6, 0.5f).Invoke(x);

    /// <inheritdoc />
    public Vector256<float> Invoke(Vector256<float> x) => x * new HardSigmoidOperator(1f / 6, 0.5f).Invoke(x);

    /// <inheritdoc />
    public Vector512<float> Invoke(Vector512<float> x) => x * new HardSigmoidOperator(1f / 6, 0.5f).Invoke(x);
}
