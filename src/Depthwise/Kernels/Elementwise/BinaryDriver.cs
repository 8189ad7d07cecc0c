namespace Depthwise.Kernels.Elementwise;

/// <summary>Runs a binary operator struct with numpy broadcasting over a <see cref="BroadcastLayout"/>.</summary>
public static class BinaryDriver
{
    /// <summary>y = op(a, b) broadcast. The output is written in row-major order of the output shape.</summary>
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
}
