using System.Runtime.Intrinsics;
using Depthwise.Kernels.Elementwise;

namespace Depthwise.Ops;

/// <summary>Sigmoid: y = 1 / (1 + exp(-x)).</summary>
public sealed class SigmoidOp : FloatUnaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Sigmoid";

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CreateFloatVector(ctx, new SigmoidOperator());
}

/// <summary>
/// 1 / (1 + exp(-x)) by <see cref="VectorSigmoid"/> (within 2.5 ulp; see its remarks) in every path, so scalar, vector
/// and fused-conv results agree bit for bit.
/// </summary>
public readonly struct SigmoidOperator : IVectorUnaryOperator<float>
{
    /// <inheritdoc />
    public float Invoke(float x) => VectorSigmoid.Sigmoid(x);

    /// <inheritdoc />
    public Vector128<float> Invoke(Vector128<float> x) => VectorSigmoid.Sigmoid(x);

    /// <inheritdoc />
    public Vector256<float> Invoke(Vector256<float> x) => VectorSigmoid.Sigmoid(x);

    /// <inheritdoc />
    public Vector512<float> Invoke(Vector512<float> x) => VectorSigmoid.Sigmoid(x);
}
