using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Depthwise.Kernels;

/// <summary>
/// The activations a fast kernel's register epilogue cannot fuse (<see cref="FusedEpilogue"/> has clamp and
/// HardSwish only), applied right after the kernel over the block it just wrote, while it is in cache:
/// <c>y = f(y + r)</c> with f = Sigmoid (<c>1 / (1 + e^−x)</c>) or SiLU (<c>x · sigmoid(x)</c>), r optional.
/// Uses the same <see cref="Elementwise.VectorExp"/> as the Sigmoid operator in every lane and in the tail, so a
/// fused Sigmoid gives exactly the bits of a separate Sigmoid node.
/// </summary>
public static class F32SigmoidEpilogue
{
    /// <summary><c>y[i] = sigmoid(y[i] + r[i])</c> (or SiLU when <paramref name="silu"/>); an empty residual counts as zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(Span<float> y, ReadOnlySpan<float> residual, bool silu)
    {
        if (!residual.IsEmpty && residual.Length < y.Length)
            throw new ArgumentException("the residual is shorter than the output", nameof(residual));
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float pr = ref MemoryMarshal.GetReference(residual);
        bool hasR = !residual.IsEmpty;
        int n = y.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                var x = Vector512.LoadUnsafe(ref py, (nuint)i);
                if (hasR) x += Vector512.LoadUnsafe(ref pr, (nuint)i);
                var s = Vector512<float>.One / (Vector512<float>.One + Elementwise.VectorExp.Exp(-x));
                (silu ? x * s : s).StoreUnsafe(ref py, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                var x = Vector256.LoadUnsafe(ref py, (nuint)i);
                if (hasR) x += Vector256.LoadUnsafe(ref pr, (nuint)i);
                var s = Vector256<float>.One / (Vector256<float>.One + Elementwise.VectorExp.Exp(-x));
                (silu ? x * s : s).StoreUnsafe(ref py, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 4 <= n; i += 4)
            {
                var x = Vector128.LoadUnsafe(ref py, (nuint)i);
                if (hasR) x += Vector128.LoadUnsafe(ref pr, (nuint)i);
                var s = Vector128<float>.One / (Vector128<float>.One + Elementwise.VectorExp.Exp(-x));
                (silu ? x * s : s).StoreUnsafe(ref py, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float x = y[i] + (hasR ? residual[i] : 0f);
            float s = 1f / (1f + Elementwise.VectorExp.Exp(-x));
            y[i] = silu ? x * s : s;
        }
    }
}
