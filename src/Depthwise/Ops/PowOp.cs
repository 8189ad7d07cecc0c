using System.Numerics;
using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Pow: z = x^y with broadcasting; the exponent may have another type than the base (opset 12+), and z has the base's
/// type. Floating results are computed in double and rounded once. An integer base with a floating exponent truncates
/// toward zero (saturating; NaN gives 0). Integer^integer is exact with wrap-around; a negative integer exponent gives
/// 1/x^|y| truncated (0 unless x = ±1; 0^negative gives 0 rather than a division-by-zero trap).
/// </summary>
public sealed class PowOp : Op
{
    /// <inheritdoc />
    public override string OpType => "Pow";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.ExpectType(0, DataType.Float32, DataType.Float16, DataType.Int32, DataType.Int64);
        ctx.ExpectType(1, DataType.Float32, DataType.Float16, DataType.Int8, DataType.UInt8, DataType.Int32, DataType.Int64);
        var shape = Shape.Broadcast(ctx.InputShape(0), ctx.InputShape(1))
            ?? throw ctx.Error($"shapes {ctx.InputShape(0)} and {ctx.InputShape(1)} do not broadcast");
        ctx.SetOutput(0, ctx.InputType(0), shape);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var layout = new BroadcastLayout(ctx.OutputShape(0), ctx.InputShape(0), ctx.InputShape(1));
        return ctx.InputType(0) switch
        {
            DataType.Float32 => ForBase<float>(ctx.InputType(1), layout),
            DataType.Float16 => ForBase<Half>(ctx.InputType(1), layout),
            DataType.Int32 => ForBase<int>(ctx.InputType(1), layout),
            _ => ForBase<long>(ctx.InputType(1), layout),
        };
    }

    private static Kernel ForBase<T>(DataType exponent, BroadcastLayout layout) where T : unmanaged, INumber<T> => exponent switch
    {
        DataType.Float32 => new PowKernel<T, float>(layout),
        DataType.Float16 => new PowKernel<T, Half>(layout),
        DataType.Int8 => new PowKernel<T, sbyte>(layout),
        DataType.UInt8 => new PowKernel<T, byte>(layout),
        DataType.Int32 => new PowKernel<T, int>(layout),
        _ => new PowKernel<T, long>(layout),
    };

    private sealed class PowKernel<TBase, TExp>(BroadcastLayout layout) : Kernel
        where TBase : unmanaged, INumber<TBase> where TExp : unmanaged, INumber<TExp>
    {
        public override void Run(in KernelContext ctx) =>
            NaryDriver.Run<TBase, TExp, TBase, PowOperator<TBase, TExp>>(default, layout, ctx.Input<TBase>(0), ctx.Input<TExp>(1), ctx.Output<TBase>(0));
    }
}

/// <summary>x^y with the rules in <see cref="PowOp"/>.</summary>
public readonly struct PowOperator<TBase, TExp> : IMixedBinaryOperator<TBase, TExp, TBase>
    where TBase : INumber<TBase> where TExp : INumber<TExp>
{
    /// <inheritdoc />
    public TBase Invoke(TBase x, TExp y)
    {
        if (IsInteger<TBase>() && IsInteger<TExp>())
            return TBase.CreateTruncating(IntegerPow(long.CreateTruncating(x), long.CreateTruncating(y)));
        double r = Math.Pow(double.CreateTruncating(x), double.CreateTruncating(y));
        // Floating bases round (overflow gives ±inf); integer bases truncate toward zero and saturate, NaN → 0.
        return IsInteger<TBase>() ? TBase.CreateSaturating(r) : TBase.CreateTruncating(r);
    }

    private static bool IsInteger<T>() =>
        typeof(T) == typeof(int) || typeof(T) == typeof(long) || typeof(T) == typeof(sbyte) || typeof(T) == typeof(byte);

    /// <summary>x^y modulo 2^64 by repeated squaring (the caller truncates to the base's width, which keeps it exact mod 2^bits).</summary>
    private static long IntegerPow(long x, long y)
    {
        if (y < 0) return x == 1 ? 1 : x == -1 ? ((y & 1) == 0 ? 1 : -1) : 0;
        long result = 1;
        while (y != 0)
        {
            if ((y & 1) != 0) result = unchecked(result * x);
            x = unchecked(x * x);
            y >>= 1;
        }
        return result;
    }
}
