using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// The B operand of <see cref="Q8VnniGemm"/>, packed once for one A type and zero point. <c>vpdpbusd</c> multiplies
/// unsigned bytes by signed bytes, so A is used as <c>a' = a</c> (uint8) or <c>a ^ 0x80 = a + 128</c> (int8) with
/// <c>za' = za (+128)</c>, and B as <c>b' = b</c> (int8) or <c>b − 128</c> (uint8) with <c>zb' = zb (−128)</c>. Then
/// <c>Σ(a − za)(b − zb) = Σ a'b' − zb'·Σa' − za'·Σb' + K·za'·zb'</c> exactly (mod 2^32, as the wrapping reference):
/// the last two terms are folded into the bias here; the row term is added per tile when some zb' ≠ 0
/// (<see cref="NeedsRowSums"/>).
/// Per panel of 16 columns: 16 int32 folded biases, 16 int32 <c>−zb'</c>, then ⌈K/4⌉ rows of 16 int32, each the four
/// bytes <c>b'(4j … 4j+3, n)</c> (0 past K). Columns past N are zero. Pinned and 64-byte aligned.
/// </summary>
public sealed unsafe class Q8VnniPackedWeights
{
    /// <summary>Columns per panel.</summary>
    public const int NR = 16;

    private const int Alignment = 64;
    private readonly int[] _buffer;
    private readonly int _offset;

    private Q8VnniPackedWeights(int k, int n, bool aSigned, int aZeroPoint)
    {
        K = k;
        N = n;
        KQuads = (k + 3) / 4;
        ASigned = aSigned;
        AZeroPoint = aZeroPoint;
        PanelCount = (n + NR - 1) / NR;
        PanelStride = checked(NR * (2 + KQuads));
        int length = checked(PanelCount * PanelStride);
        _buffer = GC.AllocateArray<int>(length + Alignment / sizeof(int), pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer));
        _offset = (int)((Alignment - (address & (Alignment - 1))) & (Alignment - 1)) / sizeof(int);
    }

    /// <summary>Reduction length.</summary>
    public int K { get; }

    /// <summary>⌈K / 4⌉: rows of byte quads per panel.</summary>
    public int KQuads { get; }

    /// <summary>Output columns.</summary>
    public int N { get; }

    /// <summary>The A type the bias was folded for.</summary>
    public bool ASigned { get; }

    /// <summary>The A zero point the bias was folded for.</summary>
    public int AZeroPoint { get; }

    /// <summary>Number of 16-column panels.</summary>
    public int PanelCount { get; }

    /// <summary>Ints per panel: 16·(2 + KQuads).</summary>
    public int PanelStride { get; }

    /// <summary>True when some column has zb' ≠ 0, so each tile needs the row sums Σa'.</summary>
    public bool NeedsRowSums { get; private set; }

    /// <summary>True when every column has the same zb' (per-tensor weights): the row term is then one scalar per row.</summary>
    public bool UniformZeroPoint { get; private set; } = true;

    /// <summary>−zb' of column 0 (of every column when <see cref="UniformZeroPoint"/>).</summary>
    public int FirstNegatedZeroPoint { get; private set; }

    /// <summary>The packed panels.</summary>
    public ReadOnlySpan<int> Data => _buffer.AsSpan(_offset, PanelCount * PanelStride);

    internal int* Pointer => (int*)Unsafe.AsPointer(ref _buffer[_offset]);

    /// <summary>
    /// Packs B (element (k, n) at <c>b[k·strideK + n·strideN]</c>, int8 when <paramref name="signed"/>), one zero
    /// point or one per column, N biases or none, for A of type <paramref name="aSigned"/> with zero point
    /// <paramref name="aZeroPoint"/>.
    /// </summary>
    public static Q8VnniPackedWeights Pack(int k, int n, ReadOnlySpan<byte> b, bool signed, int strideK, int strideN,
        ReadOnlySpan<int> zeroPoints, ReadOnlySpan<int> bias, bool aSigned, int aZeroPoint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(strideK);
        ArgumentOutOfRangeException.ThrowIfNegative(strideN);
        if (k > 0 && n > 0 && (long)(k - 1) * strideK + (long)(n - 1) * strideN >= b.Length)
            throw new ArgumentException($"B is too short for K={k}, N={n}, strides ({strideK}, {strideN})", nameof(b));
        if (zeroPoints.Length != 1 && zeroPoints.Length != n)
            throw new ArgumentException($"{zeroPoints.Length} zero points for {n} columns; expected 1 or {n}", nameof(zeroPoints));
        foreach (int z in zeroPoints)
            if (z < -128 || z > 255) throw new ArgumentOutOfRangeException(nameof(zeroPoints), z, "an 8-bit zero point");
        if (!bias.IsEmpty && bias.Length < n) throw new ArgumentException($"bias holds {bias.Length} values, N is {n}", nameof(bias));
        if (aZeroPoint < -128 || aZeroPoint > 255) throw new ArgumentOutOfRangeException(nameof(aZeroPoint), aZeroPoint, "an 8-bit zero point");

        var packed = new Q8VnniPackedWeights(k, n, aSigned, aZeroPoint);
        Span<int> dst = packed._buffer.AsSpan(packed._offset, packed.PanelCount * packed.PanelStride);
        Span<sbyte> bytes = MemoryMarshal.Cast<int, sbyte>(dst);
        int za = aSigned ? aZeroPoint + 128 : aZeroPoint;
        for (int p = 0; p < packed.PanelCount; p++)
        {
            int panel = p * packed.PanelStride;
            for (int j = 0; j < NR && p * NR + j < n; j++)
            {
                int col = p * NR + j;
                int zb = zeroPoints[zeroPoints.Length == 1 ? 0 : col] - (signed ? 0 : 128);
                int sum = 0;
                int src = col * strideN;
                for (int kk = 0; kk < k; kk++, src += strideK)
                {
                    int v = signed ? (sbyte)b[src] : b[src] - 128;
                    sum += v;
                    bytes[4 * (panel + 2 * NR + NR * (kk >> 2) + j) + (kk & 3)] = (sbyte)v;
                }
                int folded = unchecked((bias.IsEmpty ? 0 : bias[col]) - za * sum + k * za * zb);
                dst[panel + j] = folded;
                dst[panel + NR + j] = -zb;
                if (zb != 0) packed.NeedsRowSums = true;
                if (col == 0) packed.FirstNegatedZeroPoint = -zb;
                else if (-zb != packed.FirstNegatedZeroPoint) packed.UniformZeroPoint = false;
            }
        }
        return packed;
    }
}
