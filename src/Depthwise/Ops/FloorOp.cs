using Depthwise.Kernels.Elementwise;

namespace Depthwise.Ops;

/// <summary>Floor: y = the largest integer ≤ x (NaN and ±inf unchanged).</summary>
public sealed class FloorOp : FloatUnaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Floor";

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CreateFloat(ctx, new FloorOperator());
}

/// <summary>floor(x).</summary>
public readonly struct FloorOperator : IUnaryOperator<float, float>
{
    /// <inheritdoc />
    public float Invoke(float x) => MathF.Floor(x);
}
