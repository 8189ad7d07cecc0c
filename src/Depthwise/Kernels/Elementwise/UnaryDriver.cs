using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Depthwise.Kernels.Elementwise;

/// <summary>
/// Runs a unary operator struct over a span. The one place that loops for every unary elementwise op.
/// The vector entry uses the widest accelerated width that fits the length (512, 256, then 128 bits) and finishes with
/// one overlapping last vector, computed from the input before anything is stored so in-place runs stay exact.
/// </summary>
public static class UnaryDriver
{
    /// <summary>y[i] = op(x[i]). <paramref name="y"/> may be the same memory as <paramref name="x"/>.</summary>
    // Hot loop of the first runs too: compiled fully optimized at first call, not at tier 0 (start-up).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Run<TIn, TOut, TOp>(in TOp op, ReadOnlySpan<TIn> x, Span<TOut> y)
        where TOp : struct, IUnaryOperator<TIn, TOut>
    {
        if (y.Length < x.Length) throw new ArgumentException("output is shorter than input", nameof(y));
        for (int i = 0; i < x.Length; i++) y[i] = op.Invoke(x[i]);
    }

    /// <summary>
    /// y[i] = op(x[i]) with vector paths. <paramref name="y"/> may be exactly the memory of <paramref name="x"/>
    /// (in place), but must not partially overlap it.
    /// </summary>
    // Hot loop of the first runs too: compiled fully optimized at first call, not at tier 0 (start-up).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void RunVector<T, TOp>(in TOp op, ReadOnlySpan<T> x, Span<T> y)
        where TOp : struct, IVectorUnaryOperator<T>
    {
        if (y.Length < x.Length) throw new ArgumentException("output is shorter than input", nameof(y));
        int n = x.Length;
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && n >= Vector512<T>.Count)
        {
            int w = Vector512<T>.Count;
            var last = op.Invoke(Vector512.LoadUnsafe(ref xr, (nuint)(n - w)));
            for (int i = 0; i < n - w; i += w) op.Invoke(Vector512.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            last.StoreUnsafe(ref yr, (nuint)(n - w));
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
        {
            int w = Vector256<T>.Count;
            var last = op.Invoke(Vector256.LoadUnsafe(ref xr, (nuint)(n - w)));
            for (int i = 0; i < n - w; i += w) op.Invoke(Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            last.StoreUnsafe(ref yr, (nuint)(n - w));
        }
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported && n >= Vector128<T>.Count)
        {
            int w = Vector128<T>.Count;
            var last = op.Invoke(Vector128.LoadUnsafe(ref xr, (nuint)(n - w)));
            for (int i = 0; i < n - w; i += w) op.Invoke(Vector128.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            last.StoreUnsafe(ref yr, (nuint)(n - w));
        }
        else
        {
            for (int i = 0; i < n; i++) Unsafe.Add(ref yr, i) = op.Invoke(Unsafe.Add(ref xr, i));
        }
    }
}
