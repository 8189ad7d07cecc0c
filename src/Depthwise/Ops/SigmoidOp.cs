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
/// 1 / (1 + exp(-x)) with <see cref="VectorExp"/> (within ~2 ulp of MathF.Exp) in every path, so scalar, vector and
/// fused-conv results agree bit for bit; exp overflows to +inf for very negative x, giving exactly 0.
/// </summary>
public readonly struct SigmoidOperator : IVectorUnaryOperator<float>
{
    /// <inheritdoc />
    public float Invoke(float x) => 1f / (1f + VectorExp.Exp(-x));

    /// <inheritdoc />
    public Vector128<float> Invoke(Vector128<float> x) => Vector128<float>.One / (Vector128<float>.One + VectorExp.Exp(-x));

    /// <inheritdoc />
    public Vector256<float> Invoke(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + VectorExp.Exp(-x));

    /// <inheritdoc />
    public Vector512<float> Invoke(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + VectorExp.Exp(-x));
}
