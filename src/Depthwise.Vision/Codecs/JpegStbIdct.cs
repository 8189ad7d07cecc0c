using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Depthwise.Vision.Codecs;

/// <summary>
/// stb_image's inverse DCT (<see cref="JpegCompatibility.StbImage"/>), written from its arithmetic: the same
/// Loeffler–Ligtenberg–Moschytz factorization as libjpeg's islow, but with constants of 12 fraction bits
/// (round-toward-zero of x·4096 + 0.5: 2217, −7567, 3135, 4816, 1223, 8410, 12586, 6149, −3685, −10497, −8034, −1597),
/// columns first keeping 2 extra bits ((v + 512) &gt;&gt; 10), then rows ((v + 2^16 + 128·2^17) &gt;&gt; 17, clamped).
/// Coefficients are dequantized into 16 bits first (stb stores <c>(short)(coefficient · q)</c>). The data flow is
/// that of stb's SSE2 version, which is what runs on x86-64: the sums s0 ± s4, s1 + s7, s3 + s5 wrap at 16 bits and
/// the column results saturate to 16 bits — identical to stb's plain C version on every coefficient a real 8-bit
/// JPEG can hold.
/// </summary>
internal static class JpegStbIdct
{
    private const int C0541 = 2217, C1847 = -7567, C0765 = 3135, C1175 = 4816, C0298 = 1223, C2053 = 8410;
    private const int C3072 = 12586, C1501 = 6149, C0899 = -3685, C2562 = -10497, C1961 = -8034, C0390 = -1597;
    private const int ColumnBias = 512, ColumnShift = 10;
    private const int RowBias = 65536 + (128 << 17), RowShift = 17;

    /// <summary>
    /// Dequantizes <paramref name="coef"/> (64, natural order) with <paramref name="quant"/> (64, natural order) into
    /// 16 bits, transforms, and writes the 8×8 samples at <paramref name="dst"/> with row pitch <paramref name="stride"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transform(ReadOnlySpan<short> coef, ReadOnlySpan<int> quant, Span<byte> dst, int stride)
    {
        if (coef.Length < 64 || quant.Length < 64 || dst.Length < 7 * stride + 8)
            throw new ArgumentException("IDCT block, table or destination too small");
        Span<int> ws = stackalloc int[64];
        Span<int> o = stackalloc int[8];
        for (int c = 0; c < 8; c++)
        {
            Pass(
                (short)(coef[c] * quant[c]), (short)(coef[8 + c] * quant[8 + c]),
                (short)(coef[16 + c] * quant[16 + c]), (short)(coef[24 + c] * quant[24 + c]),
                (short)(coef[32 + c] * quant[32 + c]), (short)(coef[40 + c] * quant[40 + c]),
                (short)(coef[48 + c] * quant[48 + c]), (short)(coef[56 + c] * quant[56 + c]),
                ColumnBias, ColumnShift, o);
            for (int r = 0; r < 8; r++) ws[r * 8 + c] = Saturate16(o[r]);
        }
        for (int r = 0; r < 8; r++)
        {
            var w = ws.Slice(r * 8, 8);
            Pass((short)w[0], (short)w[1], (short)w[2], (short)w[3], (short)w[4], (short)w[5], (short)w[6], (short)w[7], RowBias, RowShift, o);
            var d = dst.Slice(r * stride, 8);
            for (int c = 0; c < 8; c++) d[c] = Clamp(o[c]);
        }
    }

    /// <summary>A block whose only nonzero coefficient is DC: the full transform's arithmetic for that case, one value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransformDcOnly(int dc, int q, Span<byte> dst, int stride)
    {
        if (dst.Length < 7 * stride + 8) throw new ArgumentException("destination too small", nameof(dst));
        int column = Saturate16(((short)(dc * q) * 4096 + ColumnBias) >> ColumnShift);
        ulong fill = 0x0101010101010101UL * Clamp((column * 4096 + RowBias) >> RowShift);
        ref byte d = ref MemoryMarshal.GetReference(dst);
        for (int r = 0; r < 8; r++)
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, r * stride), fill);
    }

    /// <summary>One 8-point pass on 16-bit inputs; writes (result + bias) &gt;&gt; shift (before saturation) to o[0..7].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pass(short s0, short s1, short s2, short s3, short s4, short s5, short s6, short s7, int bias, int shift, Span<int> o)
    {
        // Even part: the rotation of (s2, s6) as two dot products, and (s0 ± s4) · 4096 from 16-bit sums.
        int t2 = s2 * C0541 + s6 * (C0541 + C1847);
        int t3 = s2 * (C0541 + C0765) + s6 * C0541;
        int t0 = (short)(s0 + s4) * 4096;
        int t1 = (short)(s0 - s4) * 4096;
        int x0 = t0 + t3 + bias, x3 = t0 - t3 + bias, x1 = t1 + t2 + bias, x2 = t1 - t2 + bias;

        // Odd part: p5 = (s1 + s7 + s3 + s5) · 1.1759 distributed over the two 16-bit sums.
        short sum17 = (short)(s1 + s7), sum35 = (short)(s3 + s5);
        int y0 = s7 * (C1961 + C0298) + s3 * C1961;
        int y2 = s7 * C1961 + s3 * (C1961 + C3072);
        int y1 = s5 * (C0390 + C2053) + s1 * C0390;
        int y3 = s5 * C0390 + s1 * (C0390 + C1501);
        int y4 = sum17 * (C1175 + C0899) + sum35 * C1175;
        int y5 = sum17 * C1175 + sum35 * (C1175 + C2562);
        int x4 = y0 + y4, x5 = y1 + y5, x6 = y2 + y5, x7 = y3 + y4;

        o[0] = (x0 + x7) >> shift;
        o[7] = (x0 - x7) >> shift;
        o[1] = (x1 + x6) >> shift;
        o[6] = (x1 - x6) >> shift;
        o[2] = (x2 + x5) >> shift;
        o[5] = (x2 - x5) >> shift;
        o[3] = (x3 + x4) >> shift;
        o[4] = (x3 - x4) >> shift;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Saturate16(int v) => v < short.MinValue ? short.MinValue : v > short.MaxValue ? short.MaxValue : v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Clamp(int v) => (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
}
