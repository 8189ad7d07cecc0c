using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// The B operand (weights, K×N, uint8 or int8 with a zero point per column) of a quantized GEMM, packed once at plan
/// compile time into the layout the micro-kernels stream. The zero points are subtracted here, so the kernels
/// multiply <c>(a − za)·(b − zb)</c> directly as int16 pairs (<c>pmaddwd</c>): both factors lie in [−255, 255],
/// a pair's sum in ±130050, and no zero-point correction terms are needed.
/// For each panel of NR output columns: NR int32 biases, then ⌈K/2⌉ rows of NR int32, where the int32 of pair row
/// j and column n holds the int16 <c>b(2j, n) − zb(n)</c> in its low half and <c>b(2j+1, n) − zb(n)</c> in its
/// high half (0 past K). Columns past N are zero. <c>PanelStride = NR·(1 + ⌈K/2⌉)</c> ints; the buffer is pinned
/// and 64-byte aligned.
/// </summary>
public sealed unsafe class Q8GemmPackedWeights
{
    private const int Alignment = 64;
    private readonly int[] _buffer; // pinned: its address never changes
    private readonly int _offset;

    private Q8GemmPackedWeights(int nr, int k, int n)
    {
        NR = nr;
        K = k;
        N = n;
        KPairs = (k + 1) / 2;
        PanelCount = (n + nr - 1) / nr;
        PanelStride = checked(nr * (1 + KPairs));
        int length = checked(PanelCount * PanelStride);
        _buffer = GC.AllocateArray<int>(length + Alignment / sizeof(int), pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer));
        _offset = (int)((Alignment - (address & (Alignment - 1))) & (Alignment - 1)) / sizeof(int);
    }

    /// <summary>Panel width; must equal the NR of the variant that runs it.</summary>
    public int NR { get; }

    /// <summary>Reduction length.</summary>
    public int K { get; }

    /// <summary>⌈K / 2⌉: rows of int16 pairs per panel.</summary>
    public int KPairs { get; }

    /// <summary>Output columns.</summary>
    public int N { get; }

    /// <summary>Number of NR-column panels.</summary>
    public int PanelCount { get; }

    /// <summary>Ints per panel: NR·(1 + KPairs).</summary>
    public int PanelStride { get; }

    /// <summary>The packed panels, PanelCount·PanelStride ints.</summary>
    public ReadOnlySpan<int> Data => _buffer.AsSpan(_offset, PanelCount * PanelStride);

    internal int* Pointer => (int*)Unsafe.AsPointer(ref _buffer[_offset]);

    /// <summary>
    /// Packs B for panel width <paramref name="nr"/>. B element (k, n) is the byte at <c>b[k·strideK + n·strideN]</c>,
    /// read as int8 when <paramref name="signed"/>, else uint8 (strideK = N, strideN = 1: a K×N matrix; strideK = 1,
    /// strideN = K: N×K, e.g. ONNX Conv's [Cout, Cin·KH·KW]). <paramref name="zeroPoints"/> holds one zero point or
    /// one per column; <paramref name="bias"/> N int32 values or nothing (zero).
    /// </summary>
    public static Q8GemmPackedWeights Pack(int nr, int k, int n, ReadOnlySpan<byte> b, bool signed, int strideK, int strideN,
        ReadOnlySpan<int> zeroPoints, ReadOnlySpan<int> bias)
    {
        Validate(nr, k, n, b, strideK, strideN, zeroPoints, bias);
        var packed = new Q8GemmPackedWeights(nr, k, n);
        Span<int> dst = packed._buffer.AsSpan(packed._offset, packed.PanelCount * packed.PanelStride);
        Span<short> halves = MemoryMarshal.Cast<int, short>(dst);
        for (int p = 0; p < packed.PanelCount; p++)
        {
            int col = p * nr, cols = Math.Min(nr, n - col);
            int panel = p * packed.PanelStride;
            if (!bias.IsEmpty) bias.Slice(col, cols).CopyTo(dst.Slice(panel, cols));
            for (int j = 0; j < cols; j++)
            {
                int zp = zeroPoints[zeroPoints.Length == 1 ? 0 : col + j];
                int src = (col + j) * strideN;
                // The int16 of (k, column j) sits at short index 2·(panel + nr·(1 + k/2) + j) + k%2.
                int at = 2 * (panel + nr + j);
                for (int kk = 0; kk < k; kk++, src += strideK)
                    halves[at + 2 * nr * (kk >> 1) + (kk & 1)] = (short)((signed ? (sbyte)b[src] : b[src]) - zp);
            }
        }
        return packed;
    }

    /// <summary>The reference packing: every int of the layout (padding included) written from its definition.</summary>
    public static Q8GemmPackedWeights PackReference(int nr, int k, int n, ReadOnlySpan<byte> b, bool signed, int strideK, int strideN,
        ReadOnlySpan<int> zeroPoints, ReadOnlySpan<int> bias)
    {
        Validate(nr, k, n, b, strideK, strideN, zeroPoints, bias);
        var packed = new Q8GemmPackedWeights(nr, k, n);
        Span<int> dst = packed._buffer.AsSpan(packed._offset, packed.PanelCount * packed.PanelStride);
        static int Value(ReadOnlySpan<byte> b, bool signed, int k, int n, int strideK, int strideN, ReadOnlySpan<int> zeroPoints, int kk, int col)
        {
            if (kk >= k || col >= n) return 0;
            int raw = signed ? (sbyte)b[kk * strideK + col * strideN] : b[kk * strideK + col * strideN];
            return raw - zeroPoints[zeroPoints.Length == 1 ? 0 : col];
        }
        for (int p = 0; p < packed.PanelCount; p++)
        {
            for (int j = 0; j < nr; j++)
            {
                int col = p * nr + j;
                dst[p * packed.PanelStride + j] = col < n && !bias.IsEmpty ? bias[col] : 0;
                for (int pair = 0; pair < packed.KPairs; pair++)
                    dst[p * packed.PanelStride + nr * (1 + pair) + j] =
                        (ushort)(short)Value(b, signed, k, n, strideK, strideN, zeroPoints, 2 * pair, col)
                        | (Value(b, signed, k, n, strideK, strideN, zeroPoints, 2 * pair + 1, col) << 16);
            }
        }
        return packed;
    }

    private static void Validate(int nr, int k, int n, ReadOnlySpan<byte> b, int strideK, int strideN,
        ReadOnlySpan<int> zeroPoints, ReadOnlySpan<int> bias)
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
                throw new ArgumentException($"B needs element {last} for K={k}, N={n}, strides ({strideK}, {strideN}) but holds {b.Length}", nameof(b));
        }
        if (zeroPoints.Length != 1 && zeroPoints.Length != n)
            throw new ArgumentException($"{zeroPoints.Length} zero points for {n} columns; expected 1 or {n}", nameof(zeroPoints));
        foreach (int z in zeroPoints)
            if (z < -128 || z > 255) throw new ArgumentOutOfRangeException(nameof(zeroPoints), z, "an 8-bit zero point");
        if (!bias.IsEmpty && bias.Length < n)
            throw new ArgumentException($"bias holds {bias.Length} values, N is {n}", nameof(bias));
    }
}
