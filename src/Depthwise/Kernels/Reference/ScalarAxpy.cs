using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Depthwise.Kernels.Reference;

/// <summary>
/// y += a · x over spans: the inner loops of the scalar reference Conv, ConvTranspose, Gemm and MatMul. Plain scalar
/// code; the span lengths are checked once per call so the loops themselves carry no bounds tests.
/// </summary>
public static class ScalarAxpy
{
    /// <summary>y[i] += a · x[i] for i &lt; y.Length (x at least as long as y).</summary>
    public static void Contiguous(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        x = x[..y.Length];
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        nint n = y.Length;
        for (nint i = 0; i < n; i++) Unsafe.Add(ref yr, i) += a * Unsafe.Add(ref xr, i);
    }

    /// <summary>y[i] += a0·x0[i] + a1·x1[i] + a2·x2[i] + a3·x3[i]: four sources per pass, a quarter of the loads and stores of y.</summary>
    public static void Contiguous4(float a0, ReadOnlySpan<float> x0, float a1, ReadOnlySpan<float> x1, float a2, ReadOnlySpan<float> x2,
        float a3, ReadOnlySpan<float> x3, Span<float> y)
    {
        int len = y.Length;
        x0 = x0[..len]; x1 = x1[..len]; x2 = x2[..len]; x3 = x3[..len];
        ref float r0 = ref MemoryMarshal.GetReference(x0);
        ref float r1 = ref MemoryMarshal.GetReference(x1);
        ref float r2 = ref MemoryMarshal.GetReference(x2);
        ref float r3 = ref MemoryMarshal.GetReference(x3);
        ref float yr = ref MemoryMarshal.GetReference(y);
        for (nint i = 0; i < len; i++)
            Unsafe.Add(ref yr, i) += a0 * Unsafe.Add(ref r0, i) + a1 * Unsafe.Add(ref r1, i) + a2 * Unsafe.Add(ref r2, i) + a3 * Unsafe.Add(ref r3, i);
    }

    /// <summary>y[i] += a · x[i · xStride] for i &lt; y.Length.</summary>
    public static void StridedSource(float a, ReadOnlySpan<float> x, int xStride, Span<float> y)
    {
        if (y.Length == 0) return;
        if (xStride == 1) { Contiguous(a, x, y); return; }
        x = x[..((y.Length - 1) * xStride + 1)];
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        nint n = y.Length, s = xStride;
        for (nint i = 0; i < n; i++) Unsafe.Add(ref yr, i) += a * Unsafe.Add(ref xr, i * s);
    }

    /// <summary>
    /// y[i · yStride] += a · x[i · xStride] for i &lt; <paramref name="count"/> (x and y start at their first element):
    /// the channels-last form of the convolution rows, where consecutive pixels of a channel are a channel count apart.
    /// </summary>
    public static void Strided(float a, ReadOnlySpan<float> x, int xStride, Span<float> y, int yStride, int count)
    {
        if (count <= 0) return;
        if (yStride == 1) { StridedSource(a, x, xStride, y[..count]); return; }
        x = x[..((count - 1) * xStride + 1)];
        y = y[..((count - 1) * yStride + 1)];
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        nint n = count, sx = xStride, sy = yStride;
        for (nint i = 0; i < n; i++) Unsafe.Add(ref yr, i * sy) += a * Unsafe.Add(ref xr, i * sx);
    }

    /// <summary>
    /// y[i · yStride] += a0·x[j] + a1·x[j + xNext] + a2·x[j + 2·xNext] + a3·x[j + 3·xNext] with j = i · xStride, for
    /// i &lt; <paramref name="count"/>: <see cref="Contiguous4"/> (same grouping, same rounding) over strided rows,
    /// with the four sources <paramref name="xNext"/> apart.
    /// </summary>
    public static void Strided4(float a0, float a1, float a2, float a3, ReadOnlySpan<float> x, int xNext, int xStride,
        Span<float> y, int yStride, int count)
    {
        if (count <= 0) return;
        x = x[..((count - 1) * xStride + 3 * xNext + 1)];
        y = y[..((count - 1) * yStride + 1)];
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        nint n = count, sx = xStride, sy = yStride, k = xNext;
        for (nint i = 0; i < n; i++)
        {
            ref float xi = ref Unsafe.Add(ref xr, i * sx);
            Unsafe.Add(ref yr, i * sy) += a0 * xi + a1 * Unsafe.Add(ref xi, k) + a2 * Unsafe.Add(ref xi, 2 * k) + a3 * Unsafe.Add(ref xi, 3 * k);
        }
    }

    /// <summary>y[i · yStride] += a · x[i] for i &lt; x.Length.</summary>
    public static void StridedTarget(float a, ReadOnlySpan<float> x, Span<float> y, int yStride)
    {
        if (x.Length == 0) return;
        if (yStride == 1) { Contiguous(a, x, y[..x.Length]); return; }
        y = y[..((x.Length - 1) * yStride + 1)];
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        nint n = x.Length, s = yStride;
        for (nint i = 0; i < n; i++) Unsafe.Add(ref yr, i * s) += a * Unsafe.Add(ref xr, i);
    }

    /// <summary>Σ x[i] · y[i] for i &lt; x.Length (y at least as long as x).</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        y = y[..x.Length];
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        float s = 0;
        nint n = x.Length;
        for (nint i = 0; i < n; i++) s += Unsafe.Add(ref xr, i) * Unsafe.Add(ref yr, i);
        return s;
    }
}
