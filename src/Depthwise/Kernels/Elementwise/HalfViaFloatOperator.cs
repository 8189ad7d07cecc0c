namespace Depthwise.Kernels.Elementwise;

/// <summary>
/// Runs a float32 unary operator on float16 data: widen, compute, round back. Every float16 value is exact in float32,
/// so the result is the float32 result correctly rounded once more (what ONNX Runtime's float16 CPU kernels do).
/// </summary>
public readonly struct HalfViaFloatOperator<TOp>(TOp op) : IUnaryOperator<Half, Half> where TOp : struct, IUnaryOperator<float, float>
{
    private readonly TOp _op = op;

    /// <inheritdoc />
    public Half Invoke(Half x) => (Half)_op.Invoke((float)x);
}
