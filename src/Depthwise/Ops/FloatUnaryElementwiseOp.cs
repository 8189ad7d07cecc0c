using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Base of unary elementwise operators defined on floating-point data (Sigmoid, Exp, Erf...): float32, and float16
/// computed through the float32 operator.
/// </summary>
public abstract class FloatUnaryElementwiseOp : UnaryElementwiseOp
{
    /// <inheritdoc />
    protected override ReadOnlySpan<DataType> SupportedTypes => [DataType.Float32, DataType.Float16];

    /// <summary>A kernel applying the float32 operator <paramref name="op"/> to input 0's type (float32 or float16).</summary>
    protected static Kernel CreateFloat<TOp>(OpContext ctx, TOp op) where TOp : struct, IUnaryOperator<float, float>
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return ctx.InputType(0) == DataType.Float16
            ? Create<Half, Half, HalfViaFloatOperator<TOp>>(new HalfViaFloatOperator<TOp>(op))
            : Create<float, float, TOp>(op);
    }

    /// <summary>As <see cref="CreateFloat{TOp}"/>, with the vector paths of <paramref name="op"/> for float32.</summary>
    protected static Kernel CreateFloatVector<TOp>(OpContext ctx, TOp op) where TOp : struct, IVectorUnaryOperator<float>
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return ctx.InputType(0) == DataType.Float16
            ? Create<Half, Half, HalfViaFloatOperator<TOp>>(new HalfViaFloatOperator<TOp>(op))
            : CreateVector<float, TOp>(op);
    }
}
