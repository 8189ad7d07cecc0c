using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Ops;

/// <summary>
/// NCHW→NHWC for a few channels (at most <see cref="MaxChannels"/>, the RGB/gray network inputs) of 1- or 4-byte
/// elements: dst[b, p, c] = src[b, c, p]. The tiled transpose would work on matrices only C rows high, and the
/// strided copy moves one element per step; here, with SSSE3, each step loads one 16-byte vector from every channel
/// plane and builds C output vectors, each the OR of C <c>pshufb</c>s (byte tables made once: a byte from the
/// channel it names, zero from the others). The remaining pixels, and machines without SSSE3, take a plain loop.
/// Elements are moved as bytes, so the result is bit-exact for any type.
/// </summary>
public sealed unsafe class ChannelInterleaveKernel : Kernel
{
    /// <summary>The most channels this kernel takes.</summary>
    public const int MaxChannels = 4;

    private readonly int _batch, _channels, _plane, _elementSize;
    private readonly byte[] _tables; // [output vector k][input channel c][16 bytes]

    /// <summary>Creates the kernel for <paramref name="batch"/> images of <paramref name="channels"/> planes of <paramref name="plane"/> elements.</summary>
    public ChannelInterleaveKernel(int batch, int channels, int plane, int elementSize)
    {
        if (channels < 1 || channels > MaxChannels) throw new ArgumentOutOfRangeException(nameof(channels), channels, $"1..{MaxChannels} channels");
        if (elementSize != 1 && elementSize != 4) throw new ArgumentOutOfRangeException(nameof(elementSize), elementSize, "1- or 4-byte elements");
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(plane);
        _batch = batch;
        _channels = channels;
        _plane = plane;
        _elementSize = elementSize;
        _tables = new byte[channels * channels * 16];
        int group = channels * elementSize; // bytes of one output pixel
        for (int k = 0; k < channels; k++)
            for (int c = 0; c < channels; c++)
                for (int j = 0; j < 16; j++)
                {
                    int o = 16 * k + j, pixel = o / group, ch = o % group / elementSize, b = o % elementSize;
                    _tables[(k * channels + c) * 16 + j] = ch == c ? (byte)(pixel * elementSize + b) : (byte)0x80;
                }
    }

    /// <summary>True when the vector path runs on this machine.</summary>
    public static bool IsVectorized => Ssse3.IsSupported;

    /// <inheritdoc />
    public override void Run(in KernelContext ctx) => Interleave(ctx.InputBytes(0), ctx.OutputBytes(0));

    /// <summary>The kernel's work on spans (tests): <paramref name="dst"/>[b, p, c] = <paramref name="src"/>[b, c, p].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Interleave(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        long total = (long)_batch * _channels * _plane * _elementSize;
        if (src.Length < total || dst.Length < total) throw new ArgumentException("spans are shorter than the tensors");
        int e = _elementSize, cs = _channels, planeBytes = _plane * e;
        int perStep = 16 / e; // pixels per step: one vector from each plane
        fixed (byte* ps = src, pd = dst, pt = _tables)
        {
            for (int n = 0; n < _batch; n++)
            {
                byte* s = ps + (long)n * cs * planeBytes;
                byte* d = pd + (long)n * cs * planeBytes;
                int p = 0;
                if (Ssse3.IsSupported)
                {
                    switch (cs)
                    {
                        case 1: Buffer.MemoryCopy(s, d, planeBytes, planeBytes); p = _plane; break;
                        case 2: p = Steps2(s, d, planeBytes, pt) * perStep; break;
                        case 3: p = Steps3(s, d, planeBytes, pt) * perStep; break;
                        default: p = Steps4(s, d, planeBytes, pt) * perStep; break;
                    }
                }
                if (e == 1)
                    for (; p < _plane; p++)
                        for (int c = 0; c < cs; c++) d[p * cs + c] = s[c * planeBytes + p];
                else
                    for (; p < _plane; p++)
                        for (int c = 0; c < cs; c++) ((int*)d)[p * cs + c] = ((int*)(s + c * planeBytes))[p];
            }
        }
    }

    private static int Steps2(byte* s, byte* d, int planeBytes, byte* t)
    {
        Vector128<byte> t00 = Vector128.Load(t), t01 = Vector128.Load(t + 16), t10 = Vector128.Load(t + 32), t11 = Vector128.Load(t + 48);
        int steps = planeBytes / 16;
        byte* s1 = s + planeBytes;
        for (int i = 0; i < steps; i++, d += 32)
        {
            var a = Vector128.Load(s + 16 * i);
            var b = Vector128.Load(s1 + 16 * i);
            (Ssse3.Shuffle(a, t00) | Ssse3.Shuffle(b, t01)).Store(d);
            (Ssse3.Shuffle(a, t10) | Ssse3.Shuffle(b, t11)).Store(d + 16);
        }
        return steps;
    }

    private static int Steps3(byte* s, byte* d, int planeBytes, byte* t)
    {
        Vector128<byte> t00 = Vector128.Load(t), t01 = Vector128.Load(t + 16), t02 = Vector128.Load(t + 32);
        Vector128<byte> t10 = Vector128.Load(t + 48), t11 = Vector128.Load(t + 64), t12 = Vector128.Load(t + 80);
        Vector128<byte> t20 = Vector128.Load(t + 96), t21 = Vector128.Load(t + 112), t22 = Vector128.Load(t + 128);
        int steps = planeBytes / 16;
        byte* s1 = s + planeBytes, s2 = s1 + planeBytes;
        for (int i = 0; i < steps; i++, d += 48)
        {
            var a = Vector128.Load(s + 16 * i);
            var b = Vector128.Load(s1 + 16 * i);
            var c = Vector128.Load(s2 + 16 * i);
            (Ssse3.Shuffle(a, t00) | Ssse3.Shuffle(b, t01) | Ssse3.Shuffle(c, t02)).Store(d);
            (Ssse3.Shuffle(a, t10) | Ssse3.Shuffle(b, t11) | Ssse3.Shuffle(c, t12)).Store(d + 16);
            (Ssse3.Shuffle(a, t20) | Ssse3.Shuffle(b, t21) | Ssse3.Shuffle(c, t22)).Store(d + 32);
        }
        return steps;
    }

    private static int Steps4(byte* s, byte* d, int planeBytes, byte* t)
    {
        int steps = planeBytes / 16;
        byte* s1 = s + planeBytes, s2 = s1 + planeBytes, s3 = s2 + planeBytes;
        for (int i = 0; i < steps; i++, d += 64)
        {
            var a = Vector128.Load(s + 16 * i);
            var b = Vector128.Load(s1 + 16 * i);
            var c = Vector128.Load(s2 + 16 * i);
            var e = Vector128.Load(s3 + 16 * i);
            for (int k = 0; k < 4; k++)
            {
                byte* tk = t + 64 * k;
                (Ssse3.Shuffle(a, Vector128.Load(tk)) | Ssse3.Shuffle(b, Vector128.Load(tk + 16)) |
                 Ssse3.Shuffle(c, Vector128.Load(tk + 32)) | Ssse3.Shuffle(e, Vector128.Load(tk + 48))).Store(d + 16 * k);
            }
        }
        return steps;
    }
}
