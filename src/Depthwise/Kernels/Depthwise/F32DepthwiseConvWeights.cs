using System.Runtime.CompilerServices;

namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// Depthwise filters and bias packed once, at plan compile, for every fp32 depthwise variant:
/// <c>[bias][tap 0][tap 1]…[tap KH·KW−1]</c>, each row <see cref="ChannelStride"/> floats long (C rounded up to
/// <see cref="ChannelAlignment"/>, zero padded), taps in (ky, kx) row-major order. A row is channel-contiguous so
/// one vector load fetches a tap's weight for 16/8/4 adjacent channels, the same lanes the NHWC input vector holds;
/// the rows start on 64-byte boundaries (the buffer is pinned and aligned), so a 16-channel load never splits a
/// cache line. One layout serves every ISA, so the variant may be chosen after packing.
/// </summary>
public sealed unsafe class F32DepthwiseConvWeights
{
    /// <summary>Channel rows are padded to a multiple of this many floats (the widest vector, 64 bytes).</summary>
    public const int ChannelAlignment = 16;

    private readonly float[] _storage;
    private readonly int _offset;

    private F32DepthwiseConvWeights(int channels, int kernelHeight, int kernelWidth)
    {
        Channels = channels;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        ChannelStride = (channels + ChannelAlignment - 1) / ChannelAlignment * ChannelAlignment;
        Length = (1 + kernelHeight * kernelWidth) * ChannelStride;
        // Pinned (never moves) so Pointer stays valid; 15 spare floats let the data start on a 64-byte boundary.
        _storage = GC.AllocateArray<float>(Length + ChannelAlignment - 1, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref _storage[0]);
        _offset = (int)((64 - (address & 63)) & 63) / sizeof(float);
        Pointer = (float*)address + _offset;
    }

    /// <summary>Channels C.</summary>
    public int Channels { get; }

    /// <summary>Kernel height KH.</summary>
    public int KernelHeight { get; }

    /// <summary>Kernel width KW.</summary>
    public int KernelWidth { get; }

    /// <summary>Floats per packed row: C rounded up to <see cref="ChannelAlignment"/>.</summary>
    public int ChannelStride { get; }

    /// <summary>Floats in <see cref="Packed"/>: (1 + KH·KW) · <see cref="ChannelStride"/>.</summary>
    public int Length { get; }

    /// <summary>The packed rows: bias, then one row per tap (ky, kx) in row-major order.</summary>
    public ReadOnlySpan<float> Packed => _storage.AsSpan(_offset, Length);

    internal float* Pointer { get; }

    /// <summary>
    /// Packs filters given by strides: the weight of channel c at tap (ky, kx) is
    /// <c>weights[c·strideC + ky·strideKy + kx·strideKx]</c>. <paramref name="bias"/> is C values or empty (zeros).
    /// </summary>
    public static F32DepthwiseConvWeights Pack(int channels, int kernelHeight, int kernelWidth, ReadOnlySpan<float> weights,
        int strideC, int strideKy, int strideKx, ReadOnlySpan<float> bias)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelWidth, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(strideC);
        ArgumentOutOfRangeException.ThrowIfNegative(strideKy);
        ArgumentOutOfRangeException.ThrowIfNegative(strideKx);
        if ((long)kernelHeight * kernelWidth * (channels + ChannelAlignment) > int.MaxValue / 2)
            throw new ArgumentException("filter too large");
        long last = (long)(channels - 1) * strideC + (long)(kernelHeight - 1) * strideKy + (long)(kernelWidth - 1) * strideKx;
        if (last >= weights.Length)
            throw new ArgumentException($"weights hold {weights.Length} floats, the strides reach index {last}", nameof(weights));
        if (!bias.IsEmpty && bias.Length != channels)
            throw new ArgumentException($"bias has {bias.Length} values, expected {channels} or none", nameof(bias));

        var packed = new F32DepthwiseConvWeights(channels, kernelHeight, kernelWidth);
        Span<float> dst = packed._storage.AsSpan(packed._offset, packed.Length);
        int cs = packed.ChannelStride;
        if (!bias.IsEmpty) bias.CopyTo(dst);
        for (int ky = 0; ky < kernelHeight; ky++)
            for (int kx = 0; kx < kernelWidth; kx++)
            {
                Span<float> row = dst.Slice((1 + ky * kernelWidth + kx) * cs, channels);
                int src = ky * strideKy + kx * strideKx;
                for (int c = 0; c < channels; c++) row[c] = weights[src + c * strideC];
            }
        return packed;
    }

    /// <summary>Packs ONNX depthwise filters, [C, 1, KH, KW] (Conv with group = C).</summary>
    public static F32DepthwiseConvWeights PackChannelFirst(int channels, int kernelHeight, int kernelWidth,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) =>
        Pack(channels, kernelHeight, kernelWidth, weights, kernelHeight * kernelWidth, kernelWidth, 1, bias);

    /// <summary>Packs TFLite depthwise filters, [1, KH, KW, C] (or [KH, KW, C]).</summary>
    public static F32DepthwiseConvWeights PackChannelLast(int channels, int kernelHeight, int kernelWidth,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias) =>
        Pack(channels, kernelHeight, kernelWidth, weights, 1, kernelWidth * channels, channels, bias);
}
