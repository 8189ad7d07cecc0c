using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// Depthwise filters (depth multiplier 1) packed once for the NHWC quantized depthwise kernels: for each tap
/// (ky, kx) a row of <see cref="RowStride"/> int32 weights <c>w[c] − zw[c]</c> over the channels, the bias row, and
/// the folded bias <c>bias[c] − zx·Σ_taps (w[c] − zw[c])</c> (and its int8 tap-pair form), the tap pairs for
/// <c>pmaddwd</c> (see <see cref="Pair"/>), with which a pixel whose whole window lies inside the
/// input needs no zero-point subtraction (<c>Σ (x − zx)·w' = Σ x·w' − zx·Σ w'</c>, exact in wrapping int32).
/// Pinned and 64-byte aligned; rows padded with zeros.
/// </summary>
public sealed unsafe class Q8DepthwiseConvWeights
{
    private readonly int[] _buffer;
    private readonly int _offset;
    private readonly byte[] _zeroPointRow; // pinned: C + 64 bytes of zx, the value every padding tap reads

    private Q8DepthwiseConvWeights(int channels, int kernelHeight, int kernelWidth, int inputZeroPoint)
    {
        Channels = channels;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        InputZeroPoint = inputZeroPoint;
        RowStride = (channels + 15) & ~15;
        _zeroPointRow = GC.AllocateArray<byte>(channels + 64, pinned: true);
        _zeroPointRow.AsSpan().Fill(unchecked((byte)inputZeroPoint));
        _buffer = GC.AllocateArray<int>(checked((kernelHeight * kernelWidth + 3 + kernelHeight * kernelWidth / 2) * RowStride + 16), pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer));
        _offset = (int)((64 - (address & 63)) & 63) / sizeof(int);
    }

    /// <summary>Channels C.</summary>
    public int Channels { get; }

    /// <summary>KH.</summary>
    public int KernelHeight { get; }

    /// <summary>KW.</summary>
    public int KernelWidth { get; }

    /// <summary>The input zero point folded into <see cref="FoldedBias"/>.</summary>
    public int InputZeroPoint { get; }

    /// <summary>Ints per tap row (C rounded up to 16).</summary>
    public int RowStride { get; }

    /// <summary>Tap t's weights over the channels (t = ky·KW + kx).</summary>
    public ReadOnlySpan<int> Tap(int t) => _buffer.AsSpan(_offset + t * RowStride, Channels);

    /// <summary>The bias per channel.</summary>
    public ReadOnlySpan<int> Bias => _buffer.AsSpan(_offset + KernelHeight * KernelWidth * RowStride, Channels);

    /// <summary>bias − zx·Σ_taps w' per channel.</summary>
    public ReadOnlySpan<int> FoldedBias => _buffer.AsSpan(_offset + (KernelHeight * KernelWidth + 1) * RowStride, Channels);

    /// <summary>
    /// The folded bias for int8 inputs on the tap-pair path: <c>FoldedBias − 128·Σ_{paired taps} w'</c>, since that path
    /// reads each paired int8 tap as the unsigned <c>x + 128</c> (<see cref="Q8DepthwiseConvDriver"/>).
    /// </summary>
    internal ReadOnlySpan<int> FoldedBiasSignedPairs => _buffer.AsSpan(_offset + (KernelHeight * KernelWidth + 2) * RowStride, Channels);

    /// <summary>Tap pairs packed for <c>pmaddwd</c>: taps (2p, 2p + 1) for p &lt; KH·KW/2, the odd last tap alone.</summary>
    internal int PairCount => KernelHeight * KernelWidth / 2;

    /// <summary>Pair p's row: per channel the int16 pair (w'(2p), w'(2p + 1)) as one int32, low half first.</summary>
    internal ReadOnlySpan<int> Pair(int p) => _buffer.AsSpan(_offset + (KernelHeight * KernelWidth + 3 + p) * RowStride, Channels);

    internal int* Pointer => (int*)Unsafe.AsPointer(ref _buffer[_offset]);

    /// <summary>C bytes (and slack) holding the input zero point: a padding row for the kernels to read.</summary>
    internal byte* ZeroPointRow => (byte*)Unsafe.AsPointer(ref _zeroPointRow[0]);

    /// <summary>
    /// Packs ONNX-layout filters [C, 1, KH, KW] (int8 when <paramref name="signed"/>, else uint8) with one zero point
    /// or one per channel, an optional int32 bias (C values) and the input zero point zx.
    /// </summary>
    public static Q8DepthwiseConvWeights Pack(int channels, int kernelHeight, int kernelWidth, ReadOnlySpan<byte> weights, bool signed,
        ReadOnlySpan<int> zeroPoints, ReadOnlySpan<int> bias, int inputZeroPoint)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelWidth, 1);
        int taps = kernelHeight * kernelWidth;
        if (weights.Length < channels * taps) throw new ArgumentException($"{weights.Length} weights for {channels}×{kernelHeight}×{kernelWidth}", nameof(weights));
        if (zeroPoints.Length != 1 && zeroPoints.Length != channels) throw new ArgumentException($"{zeroPoints.Length} zero points for {channels} channels", nameof(zeroPoints));
        if (!bias.IsEmpty && bias.Length < channels) throw new ArgumentException($"{bias.Length} biases for {channels} channels", nameof(bias));
        var p = new Q8DepthwiseConvWeights(channels, kernelHeight, kernelWidth, inputZeroPoint);
        var dst = p._buffer.AsSpan(p._offset);
        int biasRow = taps * p.RowStride, foldedRow = biasRow + p.RowStride;
        for (int c = 0; c < channels; c++)
        {
            int zw = zeroPoints[zeroPoints.Length == 1 ? 0 : c];
            int sum = 0;
            for (int t = 0; t < taps; t++)
            {
                int raw = signed ? (sbyte)weights[c * taps + t] : weights[c * taps + t];
                dst[t * p.RowStride + c] = raw - zw;
                sum += raw - zw;
            }
            int b = bias.IsEmpty ? 0 : bias[c];
            dst[biasRow + c] = b;
            dst[foldedRow + c] = unchecked(b - inputZeroPoint * sum);
            int pairSum = 0;
            for (int pr = 0; pr < taps / 2; pr++)
            {
                int lo = dst[2 * pr * p.RowStride + c], hi = dst[(2 * pr + 1) * p.RowStride + c];
                dst[(taps + 3 + pr) * p.RowStride + c] = (ushort)(short)lo | (hi << 16);
                pairSum += lo + hi;
            }
            dst[foldedRow + p.RowStride + c] = unchecked(b - inputZeroPoint * sum - 128 * pairSum);
        }
        return p;
    }
}
