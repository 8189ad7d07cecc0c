using System.Numerics;
using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Cast: converts every element to <see cref="To"/> (float32, float16, int8, uint8, int32, int64, bool). Rules:
/// float → integer truncates toward zero and saturates to the target range, NaN → 0 (ONNX leaves out-of-range
/// undefined; saturating never traps and matches .NET); integer → integer keeps the low bits (two's-complement wrap, as
/// C and numpy); integer → float and float32 → float16 round to nearest even (overflow → ±inf); anything → bool is
/// x ≠ 0 (NaN → true); bool → number is 0 or 1. Opset 19's <c>saturate</c> attribute (float8) is not handled.
/// </summary>
public sealed class CastOp : UnaryElementwiseOp
{
    /// <summary>ONNX <c>to</c>: the target element type.</summary>
    public required DataType To { get; init; }

    /// <inheritdoc />
    public override string OpType => "Cast";

    /// <inheritdoc />
    protected override ReadOnlySpan<DataType> SupportedTypes =>
        [DataType.Float32, DataType.Float16, DataType.Int8, DataType.UInt8, DataType.Int32, DataType.Int64, DataType.Bool];

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.ExpectType(0, SupportedTypes);
        if (!SupportedTypes.Contains(To)) throw ctx.Error($"cannot cast to {DataTypes.Name(To)} ({To})");
        ctx.SetOutput(0, To, ctx.InputShape(0));
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var from = ctx.InputType(0);
        if (from == To && from != DataType.Bool) return CopyKernel.Instance;
        return from switch
        {
            DataType.Float32 => From<float>(To),
            DataType.Float16 => From<Half>(To),
            DataType.Int8 => From<sbyte>(To),
            DataType.UInt8 => From<byte>(To),
            DataType.Int32 => From<int>(To),
            DataType.Int64 => From<long>(To),
            _ => To switch   // bool, stored as one byte each
            {
                DataType.Float32 => Create<byte, float, FromBoolOperator<float>>(default),
                DataType.Float16 => Create<byte, Half, FromBoolOperator<Half>>(default),
                DataType.Int8 => Create<byte, sbyte, FromBoolOperator<sbyte>>(default),
                DataType.UInt8 => Create<byte, byte, FromBoolOperator<byte>>(default),
                DataType.Int32 => Create<byte, int, FromBoolOperator<int>>(default),
                DataType.Int64 => Create<byte, long, FromBoolOperator<long>>(default),
                _ => Create<byte, byte, FromBoolOperator<byte>>(default),   // bool → bool normalizes to 0/1
            },
        };
    }

    private static Kernel From<TIn>(DataType to) where TIn : unmanaged, INumberBase<TIn> => to switch
    {
        DataType.Float32 => Create<TIn, float, CastOperator<TIn, float>>(default),
        DataType.Float16 => Create<TIn, Half, CastOperator<TIn, Half>>(default),
        DataType.Int8 => Create<TIn, sbyte, CastOperator<TIn, sbyte>>(default),
        DataType.UInt8 => Create<TIn, byte, CastOperator<TIn, byte>>(default),
        DataType.Int32 => Create<TIn, int, CastOperator<TIn, int>>(default),
        DataType.Int64 => Create<TIn, long, CastOperator<TIn, long>>(default),
        _ => Create<TIn, byte, ToBoolOperator<TIn>>(default),
    };
}

/// <summary>Numeric conversion with the rules in <see cref="CastOp"/>.</summary>
public readonly struct CastOperator<TIn, TOut> : IUnaryOperator<TIn, TOut> where TIn : INumberBase<TIn> where TOut : INumberBase<TOut>
{
    /// <inheritdoc />
    public TOut Invoke(TIn x) => IsFloat<TIn>() && !IsFloat<TOut>() ? TOut.CreateSaturating(x) : TOut.CreateTruncating(x);

    private static bool IsFloat<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(Half);
}

/// <summary>x ≠ 0 as a bool byte (NaN is nonzero, so true).</summary>
public readonly struct ToBoolOperator<TIn> : IUnaryOperator<TIn, byte> where TIn : INumberBase<TIn>
{
    /// <inheritdoc />
    public byte Invoke(TIn x) => TIn.IsZero(x) ? (byte)0 : (byte)1;
}

/// <summary>A bool byte (any nonzero byte is true) as 0 or 1.</summary>
public readonly struct FromBoolOperator<TOut> : IUnaryOperator<byte, TOut> where TOut : INumberBase<TOut>
{
    /// <inheritdoc />
    public TOut Invoke(byte x) => x != 0 ? TOut.One : TOut.Zero;
}
