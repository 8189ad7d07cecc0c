using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Depthwise.Kernels.Elementwise;

/// <summary>Runs a binary operator struct with numpy broadcasting over a <see cref="BroadcastLayout"/>.</summary>
public static class BinaryDriver
{
    /// <summary>y = op(a, b) broadcast. The output is written in row-major order of the output shape.</summary>
    // Hot loop of the first runs too: compiled fully optimized at first call, not at tier 0 (start-up).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Run<TIn, TOut, TOp>(in TOp op, BroadcastLayout layout, ReadOnlySpan<TIn> a, ReadOnlySpan<TIn> b, Span<TOut> y)
        where TOp : struct, IBinaryOperator<TIn, TOut>
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.OutputCount == 0) return;
        var dims = layout.Dims;
        var sa = layout.Strides[0];
        var sb = layout.Strides[1];
        int rank = dims.Length;
        int inner = dims[rank - 1];
        int ia = sa[rank - 1], ib = sb[rank - 1];
        Span<int> idx = stackalloc int[rank];
        int offA = 0, offB = 0, offY = 0;
        while (true)
        {
            if (ia == 1 && ib == 1)
            {
                var xa = a.Slice(offA, inner); var xb = b.Slice(offB, inner); var yy = y.Slice(offY, inner);
                for (int i = 0; i < inner; i++) yy[i] = op.Invoke(xa[i], xb[i]);
            }
            else if (ia == 1 && ib == 0)
            {
                var xa = a.Slice(offA, inner); var vb = b[offB]; var yy = y.Slice(offY, inner);
                for (int i = 0; i < inner; i++) yy[i] = op.Invoke(xa[i], vb);
            }
            else if (ia == 0 && ib == 1)
            {
                var va = a[offA]; var xb = b.Slice(offB, inner); var yy = y.Slice(offY, inner);
                for (int i = 0; i < inner; i++) yy[i] = op.Invoke(va, xb[i]);
            }
            else
            {
                for (int i = 0; i < inner; i++) y[offY + i] = op.Invoke(a[offA + i * ia], b[offB + i * ib]);
            }
            offY += inner;
            // Advance the odometer over the outer dims.
            int d = rank - 2;
            for (; d >= 0; d--)
            {
                idx[d]++;
                offA += sa[d];
                offB += sb[d];
                if (idx[d] < dims[d]) break;
                offA -= sa[d] * dims[d];
                offB -= sb[d] * dims[d];
                idx[d] = 0;
            }
            if (d < 0) break;
        }
    }

    /// <summary>
    /// y = op(a, b) broadcast, with vector inner loops for rows where both inputs are contiguous or one is a broadcast
    /// scalar. <paramref name="y"/> may be exactly the memory of a full-size input (in place).
    /// </summary>
    public static void RunVector<T, TOp>(in TOp op, BroadcastLayout layout, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y)
        where TOp : struct, IVectorBinaryOperator<T>
    {
        ArgumentNullException.ThrowIfNull(layout);
        RunVectorRows(op, layout, a, b, y, 0, RowCount(layout));
    }

    /// <summary>Number of innermost rows of <paramref name="layout"/> (output elements / inner length).</summary>
    public static int RowCount(BroadcastLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return layout.OutputCount == 0 ? 0 : layout.OutputCount / layout.InnerLength;
    }

    /// <summary>
    /// The rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) of <see cref="RunVector{T, TOp}"/>: row r covers
    /// output elements [r·inner, (r+1)·inner). Disjoint row ranges may run on different threads.
    /// </summary>
    // Hot loop of the first runs too: compiled fully optimized at first call, not at tier 0 (start-up).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void RunVectorRows<T, TOp>(in TOp op, BroadcastLayout layout, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y, int rowStart, int rowEnd)
        where TOp : struct, IVectorBinaryOperator<T>
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (rowStart >= rowEnd) return;
        var dims = layout.Dims;
        var sa = layout.Strides[0];
        var sb = layout.Strides[1];
        int rank = dims.Length;
        int inner = dims[rank - 1];
        int ia = sa[rank - 1], ib = sb[rank - 1];
        Span<int> idx = stackalloc int[rank];
        // Position the odometer at rowStart.
        int offA = 0, offB = 0, offY = rowStart * inner;
        int rem = rowStart;
        for (int d = rank - 2; d >= 0; d--)
        {
            idx[d] = rem % dims[d];
            rem /= dims[d];
            offA += idx[d] * sa[d];
            offB += idx[d] * sb[d];
        }
        for (int row = rowStart; ; )
        {
            var yy = y.Slice(offY, inner);
            if (ia == 1 && ib == 1) Contiguous(op, a.Slice(offA, inner), b.Slice(offB, inner), yy);
            else if (ia == 1 && ib == 0) UnaryDriver.RunVector(new RightScalar<T, TOp>(op, b[offB]), a.Slice(offA, inner), yy);
            else if (ia == 0 && ib == 1) UnaryDriver.RunVector(new LeftScalar<T, TOp>(op, a[offA]), b.Slice(offB, inner), yy);
            else for (int i = 0; i < inner; i++) yy[i] = op.Invoke(a[offA + i * ia], b[offB + i * ib]);
            if (++row >= rowEnd) break;
            offY += inner;
            for (int d = rank - 2; d >= 0; d--)
            {
                idx[d]++;
                offA += sa[d];
                offB += sb[d];
                if (idx[d] < dims[d]) break;
                offA -= sa[d] * dims[d];
                offB -= sb[d] * dims[d];
                idx[d] = 0;
            }
        }
    }

    /// <summary>y[i] = op(a[i], b[i]) over equal-length spans; y may be exactly a or b.</summary>
    // Hot loop of the first runs too: compiled fully optimized at first call, not at tier 0 (start-up).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Contiguous<T, TOp>(in TOp op, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y)
        where TOp : struct, IVectorBinaryOperator<T>
    {
        int n = a.Length;
        if (b.Length < n || y.Length < n) throw new ArgumentException("spans are shorter than the first input");
        ref T ar = ref MemoryMarshal.GetReference(a);
        ref T br = ref MemoryMarshal.GetReference(b);
        ref T yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && n >= Vector512<T>.Count)
        {
            int w = Vector512<T>.Count;
            nuint t = (nuint)(n - w);
            var last = op.Invoke(Vector512.LoadUnsafe(ref ar, t), Vector512.LoadUnsafe(ref br, t));
            for (int i = 0; i < n - w; i += w)
                op.Invoke(Vector512.LoadUnsafe(ref ar, (nuint)i), Vector512.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            last.StoreUnsafe(ref yr, t);
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
        {
            int w = Vector256<T>.Count;
            nuint t = (nuint)(n - w);
            var last = op.Invoke(Vector256.LoadUnsafe(ref ar, t), Vector256.LoadUnsafe(ref br, t));
            for (int i = 0; i < n - w; i += w)
                op.Invoke(Vector256.LoadUnsafe(ref ar, (nuint)i), Vector256.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            last.StoreUnsafe(ref yr, t);
        }
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported && n >= Vector128<T>.Count)
        {
            int w = Vector128<T>.Count;
            nuint t = (nuint)(n - w);
            var last = op.Invoke(Vector128.LoadUnsafe(ref ar, t), Vector128.LoadUnsafe(ref br, t));
            for (int i = 0; i < n - w; i += w)
                op.Invoke(Vector128.LoadUnsafe(ref ar, (nuint)i), Vector128.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            last.StoreUnsafe(ref yr, t);
        }
        else
        {
            for (int i = 0; i < n; i++) Unsafe.Add(ref yr, i) = op.Invoke(Unsafe.Add(ref ar, i), Unsafe.Add(ref br, i));
        }
    }

    /// <summary>x ↦ op(x, b) for a fixed b (the right input broadcast along the row).</summary>
    private readonly struct RightScalar<T, TOp>(TOp op, T b) : IVectorUnaryOperator<T> where TOp : struct, IVectorBinaryOperator<T>
    {
        private readonly TOp _op = op;
        private readonly T _b = b;

        public T Invoke(T x) => _op.Invoke(x, _b);
        public Vector128<T> Invoke(Vector128<T> x) => _op.Invoke(x, Vector128.Create(_b));
        public Vector256<T> Invoke(Vector256<T> x) => _op.Invoke(x, Vector256.Create(_b));
        public Vector512<T> Invoke(Vector512<T> x) => _op.Invoke(x, Vector512.Create(_b));
    }

    /// <summary>x ↦ op(a, x) for a fixed a (the left input broadcast along the row).</summary>
    private readonly struct LeftScalar<T, TOp>(TOp op, T a) : IVectorUnaryOperator<T> where TOp : struct, IVectorBinaryOperator<T>
    {
        private readonly TOp _op = op;
        private readonly T _a = a;

        public T Invoke(T x) => _op.Invoke(_a, x);
        public Vector128<T> Invoke(Vector128<T> x) => _op.Invoke(Vector128.Create(_a), x);
        public Vector256<T> Invoke(Vector256<T> x) => _op.Invoke(Vector256.Create(_a), x);
        public Vector512<T> Invoke(Vector512<T> x) => _op.Invoke(Vector512.Create(_a), x);
    }
}
