using System.Runtime.Intrinsics;
using System.Numerics;
using Depthwise.Kernels.Elementwise;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Clip: y = min(max(x, min), max), with optional scalar <c>min</c> (input 1) and <c>max</c> (input 2) read at run time.
/// An omitted bound does not clip (±inf for floats, the type's range for integers; opset 6's attribute default was
/// ±FLT_MAX, which differs only for infinite inputs). When min &gt; max every element becomes max, as ONNX specifies.
/// NaN inputs stay NaN.
/// </summary>
public sealed class ClipOp : Op
{
    /// <inheritdoc />
    public override string OpType => "Clip";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.ExpectType(0, DataType.Float32, DataType.Float16, DataType.Int8, DataType.UInt8, DataType.Int32, DataType.Int64);
        var type = ctx.InputType(0);
        for (int i = 1; i <= 2 && i < ctx.InputCount; i++)
        {
            if (!ctx.HasInput(i)) continue;
            // Opset < 11 min/max attributes arrive as float32 constants, also for float16 data.
            bool fromAttribute = type == DataType.Float16 && ctx.InputType(i) == DataType.Float32;
            if (ctx.InputType(i) != type && !fromAttribute)
                throw ctx.Error($"{(i == 1 ? "min" : "max")} has type {DataTypes.Name(ctx.InputType(i))}; the input has {DataTypes.Name(type)}");
            if (ctx.InputShape(i).ElementCount != 1)
                throw ctx.Error($"{(i == 1 ? "min" : "max")} must be a scalar; it has shape {ctx.InputShape(i)}");
        }
        ctx.SetOutput(0, type, ctx.InputShape(0));
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        bool f1 = ctx.HasInput(1) && ctx.InputType(1) != ctx.InputType(0);
        bool f2 = ctx.HasInput(2) && ctx.InputType(2) != ctx.InputType(0);
        return ctx.InputType(0) switch
        {
            DataType.Float32 => new ClipKernel<float>(false, false),
            DataType.Float16 => new ClipKernel<Half>(f1, f2),
            DataType.Int8 => new ClipKernel<sbyte>(false, false),
            DataType.UInt8 => new ClipKernel<byte>(false, false),
            DataType.Int32 => new ClipKernel<int>(false, false),
            _ => new ClipKernel<long>(false, false),
        };
    }

    /// <summary>Reads the bounds (when present) and clips; <c>minIsFloat</c>/<c>maxIsFloat</c> mark float32 bounds of float16 data.</summary>
    private sealed class ClipKernel<T>(bool minIsFloat, bool maxIsFloat) : Kernel where T : unmanaged, INumber<T>
    {
        public override void Run(in KernelContext ctx)
        {
            T lo = Bound(ctx, 1, minIsFloat, T.CreateSaturating(double.NegativeInfinity));
            T hi = Bound(ctx, 2, maxIsFloat, T.CreateSaturating(double.PositiveInfinity));
            UnaryDriver.RunVector(new ClipOperator<T>(lo, hi), ctx.Input<T>(0), ctx.Output<T>(0));
        }

        private static T Bound(in KernelContext ctx, int i, bool isFloat, T absent)
        {
            if (!ctx.HasInput(i)) return absent;
            return isFloat ? T.CreateTruncating(ctx.Input<float>(i)[0]) : ctx.Input<T>(i)[0];
        }
    }
}

/// <summary>min(max(x, lo), hi): hi wins when lo &gt; hi; NaN stays NaN.</summary>
public readonly struct ClipOperator<T>(T lo, T hi) : IVectorUnaryOperator<T> where T : INumber<T>
{
    private readonly T _lo = lo;
    private readonly T _hi = hi;

    /// <inheritdoc />
    public T Invoke(T x)
    {
        T v = x < _lo ? _lo : x;
        return v > _hi ? _hi : v;
    }

    /// <inheritdoc />
    public Vector128<T> Invoke(Vector128<T> x)
    {
        var lo = Vector128.Create(_lo);
        var hi = Vector128.Create(_hi);
        var v = Vector128.ConditionalSelect(Vector128.LessThan(x, lo), lo, x);
        return Vector128.ConditionalSelect(Vector128.GreaterThan(v, hi), hi, v);
    }

    /// <inheritdoc />
    public Vector256<T> Invoke(Vector256<T> x)
    {
        var lo = Vector256.Create(_lo);
        var hi = Vector256.Create(_hi);
        var v = Vector256.ConditionalSelect(Vector256.LessThan(x, lo), lo, x);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(v, hi), hi, v);
    }

    /// <inheritdoc />
    public Vector512<T> Invoke(Vector512<T> x)
    {
        var lo = Vector512.Create(_lo);
        var hi = Vector512.Create(_hi);
        var v = Vector512.ConditionalSelect(Vector512.LessThan(x, lo), lo, x);
        return Vector512.ConditionalSelect(Vector512.GreaterThan(v, hi), hi, v);
    }
}
