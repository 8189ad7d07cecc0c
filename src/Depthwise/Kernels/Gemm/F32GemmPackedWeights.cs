using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Depthwise.Kernels.Gemm;

/// <summary>
/// The B operand of a GEMM (weights, K×N) packed once, at plan-compile time, into the layout the micro-kernels
/// stream: for each panel of NR output columns, NR bias values, then K rows of NR weights; columns past N are zero
/// in both, so a tail panel computes zeros there and the kernel never branches on N inside the K loop. Panel p
/// starts at <c>p · PanelStride</c> floats, <c>PanelStride = NR · (K + 1)</c>. The buffer is pinned and 64-byte
/// aligned, so every panel row is a whole number of vectors on a cache-line boundary when NR·4 is a multiple of 64.
/// </summary>
public sealed unsafe class F32GemmPackedWeights
{
    private const int Alignment = 64;
    private readonly float[] _buffer; // pinned (pinned object heap): its address never changes
    private readonly int _offset;     // floats from the array start to the first 64-byte boundary

    private F32GemmPackedWeights(int nr, int k, int n)
    {
        NR = nr;
        K = k;
        N = n;
        PanelCount = (n + nr - 1) / nr;
        PanelStride = checked(nr * (k + 1));
        int length = checked(PanelCount * PanelStride);
        _buffer = GC.AllocateArray<float>(length + Alignment / sizeof(float), pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer));
        _offset = (int)((Alignment - (address & (Alignment - 1))) & (Alignment - 1)) / sizeof(float);
    }

    /// <summary>Panel width (output columns per panel); must equal the NR of the variant that runs it.</summary>
    public int NR { get; }

    /// <summary>Reduction length (rows of B, columns of A).</summary>
    public int K { get; }

    /// <summary>Output columns (columns of B).</summary>
    public int N { get; }

    /// <summary>Number of NR-column panels: ⌈N / NR⌉.</summary>
    public int PanelCount { get; }

    /// <summary>Floats per panel: NR·(K+1) (one bias row, K weight rows).</summary>
    public int PanelStride { get; }

    /// <summary>The packed panels, PanelCount·PanelStride floats.</summary>
    public ReadOnlySpan<float> Data => _buffer.AsSpan(_offset, PanelCount * PanelStride);

    internal float* Pointer => (float*)Unsafe.AsPointer(ref _buffer[_offset]);

    /// <summary>
    /// Packs B for micro-kernels with panel width <paramref name="nr"/>. B element (k, n) is read at
    /// <c>b[k·strideK + n·strideN]</c>, so one call covers row-major K×N weights (strideK = N, strideN = 1: MatMul,
    /// Gemm) and N×K weights (strideK = 1, strideN = K: ONNX Conv's [Cout, Cin, 1, 1], Gemm with transB).
    /// An empty <paramref name="bias"/> means zero bias.
    /// </summary>
    public static F32GemmPackedWeights Pack(int nr, int k, int n, ReadOnlySpan<float> b, int strideK, int strideN,
        ReadOnlySpan<float> bias)
    {
        Validate(nr, k, n, b, strideK, strideN, bias);
        var packed = new F32GemmPackedWeights(nr, k, n);
        Span<float> dst = packed._buffer.AsSpan(packed._offset); // zero-initialized: padding stays zero
        for (int p = 0; p < packed.PanelCount; p++)
        {
            int col = p * nr, cols = Math.Min(nr, n - col);
            Span<float> panel = dst.Slice(p * packed.PanelStride, packed.PanelStride);
            if (!bias.IsEmpty) bias.Slice(col, cols).CopyTo(panel);
            if (strideN == 1)
            {
                // Row-major K×N: each packed row is a contiguous run of the source row.
                for (int kk = 0; kk < k; kk++)
                    b.Slice(kk * strideK + col, cols).CopyTo(panel.Slice((kk + 1) * nr));
            }
            else
            {
                // Column-contiguous sources (N×K): read each source row once, scatter it down the panel.
                for (int j = 0; j < cols; j++)
                {
                    int src = (col + j) * strideN;
                    for (int kk = 0; kk < k; kk++) panel[(kk + 1) * nr + j] = b[src + kk * strideK];
                }
            }
        }
        return packed;
    }

    /// <summary>
    /// The scalar reference packing: the layout written as index arithmetic, element by element, padding included.
    /// <see cref="Pack"/> must produce exactly the same floats.
    /// </summary>
    public static F32GemmPackedWeights PackReference(int nr, int k, int n, ReadOnlySpan<float> b, int strideK,
        int strideN, ReadOnlySpan<float> bias)
    {
        Validate(nr, k, n, b, strideK, strideN, bias);
        var packed = new F32GemmPackedWeights(nr, k, n);
        Span<float> dst = packed._buffer.AsSpan(packed._offset, packed.PanelCount * packed.PanelStride);
        for (int p = 0; p < packed.PanelCount; p++)
        {
            for (int j = 0; j < nr; j++)
            {
                int col = p * nr + j;
                dst[p * packed.PanelStride + j] = col < n && !bias.IsEmpty ? bias[col] : 0f;
                for (int kk = 0; kk < k; kk++)
                    dst[p * packed.PanelStride + (kk + 1) * nr + j] = col < n ? b[kk * strideK + col * strideN] : 0f;
            }
        }
        return packed;
    }

    private static void Validate(int nr, int k, int n, ReadOnlySpan<float> b, int strideK, int strideN,
        ReadOnlySpan<float> bias)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nr, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(strideK);
        ArgumentOutOfRangeException.ThrowIfNegative(strideN);
        if (k > 0 && n > 0)
        {
            long last = (long)(k - 1) * strideK + (long)(n - 1) * strideN;
            if (last >= b.Length)
                throw new ArgumentException(
                    $"B needs element {last} for K={k}, N={n}, strides ({strideK}, {strideN}) but holds {b.Length}",
                    nameof(b));
        }
        if (!bias.IsEmpty && bias.Length < n)
            throw new ArgumentException($"bias holds {bias.Length} values, N is {n}", nameof(bias));
    }
}
