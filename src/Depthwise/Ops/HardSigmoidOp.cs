using System.Runtime.Intrinsics;
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
    public override Kernel CreateKernel(OpContext ctx) => CreateFloatVector(ctx, new HardSigmoidOperator(Alpha, Beta));
}

/// <summary>max(0, min(1, alpha·x + beta)); NaN stays NaN.</summary>
public readonly struct HardSigmoidOperator(float alpha, float beta) : IVectorUnaryOperator<float>
{
    private readonly float _alpha = alpha;
    private readonly float _beta = beta;

    /// <inheritdoc />
    public float Invoke(float x)
    {
        float v = _alpha * x + _beta;
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }

    /// <inheritdoc />
    public Vector128<float> Invoke(Vector128<float> x)
    {
        var v = Vector128.Create(_alpha) * x + Vector128.Create(_beta);
        var zero = Vector128<float>.Zero;
        var one = Vector128<float>.One;
        v = Vector128.ConditionalSelect(Vector128.LessThan(v, zero), zero, v);
        return Vector128.ConditionalSelect(Vector128.GreaterThan(v, one), one, v);
    }

    /// <inheritdoc />
    public Vector256<float> Invoke(Vector256<float> x)
    {
        var v = Vector256.Create(_alpha) * x + Vector256.Create(_beta);
        var zero = Vector256<float>.Zero;
        var one = Vector256<float>.One;
        v = Vector256.ConditionalSelect(Vector256.LessThan(v, zero), zero, v);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(v, one), one, v);
    }

    /// <inheritdoc />
    public Vector512<float> Invoke(Vector512<float> x)
    {
        var v = Vector512.Create(_alpha) * x + Vector512.Create(_beta);
        var zero = Vector512<float>.Zero;
        var one = Vector512<float>.One;
        v = Vector512.ConditionalSelect(Vector512.LessThan(v, zero), zero, v);
        return Vector512.ConditionalSelect(Vector512.GreaterThan(v, one), one, v);
    }
}
