using Depthwise.Kernels.Elementwise;

namespace Depthwise.Kernels.Quantized;

/// <summary>Runs an <see cref="IQ8BinaryKernel"/> with numpy broadcasting over a <see cref="BroadcastLayout"/>, row by row.</summary>
internal static class Q8BinaryDriver
{
    /// <summary>
    /// The rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) of the broadcast: row r covers output elements
    /// [r·inner, (r+1)·inner). Disjoint row ranges may run on different threads.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void RunRows<TKernel>(in TKernel kernel, BroadcastLayout layout, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> y, int rowStart, int rowEnd)
        where TKernel : struct, IQ8BinaryKernel
    {
        if (rowStart >= rowEnd) return;
        var dims = layout.Dims;
        var sa = layout.Strides[0];
        var sb = layout.Strides[1];
        int rank = dims.Length;
        int inner = dims[rank - 1];
        int ia = sa[rank - 1], ib = sb[rank - 1];
        Span<int> idx = stackalloc int[rank];
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
            if (ia == 1 && ib == 1) kernel.Both(a.Slice(offA, inner), b.Slice(offB, inner), yy);
            else if (ia == 1 && ib == 0) kernel.ScalarB(a.Slice(offA, inner), b[offB], yy);
            else if (ia == 0 && ib == 1) kernel.ScalarA(a[offA], b.Slice(offB, inner), yy);
            else for (int i = 0; i < inner; i++) yy[i] = kernel.Invoke(a[offA + i * ia], b[offB + i * ib]);
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
}
