using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Depthwise.Kernels.Elementwise;

namespace Depthwise.Kernels;

/// <summary>
/// The activations a fast kernel's register epilogue cannot fuse (<see cref="FusedEpilogue"/> has clamp and
/// HardSwish only), applied right after the kernel over the block it just wrote, while it is in cache:
/// <c>y = f(y + r)</c> with f = Sigmoid (<c>1 / (1 + e^−x)</c>) or SiLU (<c>x · sigmoid(x)</c>), r optional.
/// Uses the same <see cref="VectorSigmoid"/> as the Sigmoid operator in every lane and in the tail, so a fused
/// Sigmoid (and SiLU, which is then one multiply, as the separate Mul node) gives exactly the bits of separate nodes.
/// </summary>
public static class F32SigmoidEpilogue
{
    /// <summary><c>y[i] = sigmoid(y[i] + r[i])</c> (or SiLU when <paramref name="silu"/>); an empty residual counts as zero.</summary>
    public static void Apply(Span<float> y, ReadOnlySpan<float> residual, bool silu)
    {
        if (!residual.IsEmpty && residual.Length < y.Length)
            throw new ArgumentException("the residual is shorter than the output", nameof(residual));
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float pr = ref MemoryMarshal.GetReference(residual);
        int n = y.Length;
        // The flags are type arguments so each of the four loops is compiled without per-element branches.
        if (residual.IsEmpty)
        {
            if (silu) Run<Yes, No>(ref py, ref pr, n);
            else Run<No, No>(ref py, ref pr, n);
        }
        else
        {
            if (silu) Run<Yes, Yes>(ref py, ref pr, n);
            else Run<No, Yes>(ref py, ref pr, n);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TSilu, TResidual>(ref float py, ref float pr, int n)
        where TSilu : struct, IFlag
        where TResidual : struct, IFlag
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Two independent vectors per iteration: the sigmoid is a long dependency chain.
            for (; i + 32 <= n; i += 32)
            {
                var x0 = Vector512.LoadUnsafe(ref py, (nuint)i);
                var x1 = Vector512.LoadUnsafe(ref py, (nuint)(i + 16));
                if (TResidual.Value)
                {
                    x0 += Vector512.LoadUnsafe(ref pr, (nuint)i);
                    x1 += Vector512.LoadUnsafe(ref pr, (nuint)(i + 16));
                }
                var s0 = VectorSigmoid.Sigmoid(x0);
                var s1 = VectorSigmoid.Sigmoid(x1);
                (TSilu.Value ? x0 * s0 : s0).StoreUnsafe(ref py, (nuint)i);
                (TSilu.Value ? x1 * s1 : s1).StoreUnsafe(ref py, (nuint)(i + 16));
            }
            for (; i + 16 <= n; i += 16)
            {
                var x = Vector512.LoadUnsafe(ref py, (nuint)i);
                if (TResidual.Value) x += Vector512.LoadUnsafe(ref pr, (nuint)i);
                var s = VectorSigmoid.Sigmoid(x);
                (TSilu.Value ? x * s : s).StoreUnsafe(ref py, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                var x = Vector256.LoadUnsafe(ref py, (nuint)i);
                if (TResidual.Value) x += Vector256.LoadUnsafe(ref pr, (nuint)i);
                var s = VectorSigmoid.Sigmoid(x);
                (TSilu.Value ? x * s : s).StoreUnsafe(ref py, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 4 <= n; i += 4)
            {
                var x = Vector128.LoadUnsafe(ref py, (nuint)i);
                if (TResidual.Value) x += Vector128.LoadUnsafe(ref pr, (nuint)i);
                var s = VectorSigmoid.Sigmoid(x);
                (TSilu.Value ? x * s : s).StoreUnsafe(ref py, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float x = Unsafe.Add(ref py, i);
            if (TResidual.Value) x += Unsafe.Add(ref pr, i);
            float s = VectorSigmoid.Sigmoid(x);
            Unsafe.Add(ref py, i) = TSilu.Value ? x * s : s;
        }
    }

    private interface IFlag
    {
        static abstract bool Value { get; }
    }

    private readonly struct Yes : IFlag
    {
        public static bool Value => true;
    }

    private readonly struct No : IFlag
    {
        public static bool Value => false;
    }
}
