using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Vision.Codecs;

/// <summary>
/// Color conversion of full-resolution component rows to interleaved RGB, with libjpeg's arithmetic (jdcolor): JFIF
/// YCbCr→RGB in 16-bit fixed point through per-value tables (R = Y + 1.402·Cr', G = Y − 0.34414·Cb' − 0.71414·Cr',
/// B = Y + 1.772·Cb', each product rounded as jdcolor rounds it), CMYK→RGB as djpeg's PPM writer does it
/// (R = C·K/255 rounded, which is right for Adobe's inverted CMYK), and YCCK as YCbCr→RGB, inverted, then CMYK.
/// </summary>
internal static class JpegColorConverter
{
    private const int ScaleBits = 16;
    private const int Half = 1 << (ScaleBits - 1);

    private static readonly int[] CrToR = new int[256];
    private static readonly int[] CbToB = new int[256];
    private static readonly int[] CrToG = new int[256];
    private static readonly int[] CbToG = new int[256];

    static JpegColorConverter()
    {
        // FIX(x) = round(x · 2^16): FIX(1.40200) = 91881, FIX(1.77200) = 116130, FIX(0.71414) = 46802, FIX(0.34414) = 22554.
        for (int i = 0; i < 256; i++)
        {
            int x = i - 128;
            CrToR[i] = (91881 * x + Half) >> ScaleBits;
            CbToB[i] = (116130 * x + Half) >> ScaleBits;
            CrToG[i] = -46802 * x;
            CbToG[i] = -22554 * x + Half;
        }
    }

    private static byte Clamp(int v) => (byte)(v < 0 ? 0 : v > 255 ? 255 : v);

    /// <summary>YCbCr → RGB for <paramref name="width"/> pixels (AVX2 when available: the same integer arithmetic, eight pixels at a time).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void YCbCrToRgb(ReadOnlySpan<byte> y, ReadOnlySpan<byte> cb, ReadOnlySpan<byte> cr, Span<byte> rgb, int width)
    {
        if (y.Length < width || cb.Length < width || cr.Length < width || rgb.Length < 3 * width)
            throw new ArgumentException("rows shorter than the width");
        int x = Avx2.IsSupported ? YCbCrToRgbAvx2(y, cb, cr, rgb, width) : 0;
        YCbCrToRgbScalar(y.Slice(x), cb.Slice(x), cr.Slice(x), rgb.Slice(3 * x), width - x);
    }

    /// <summary>
    /// Eight pixels per step: R = Y + ((91881·Cr' + 2^15) &gt;&gt; 16), B = Y + ((116130·Cb' + 2^15) &gt;&gt; 16),
    /// G = Y + ((−22554·Cb' − 46802·Cr' + 2^15) &gt;&gt; 16) in 32-bit lanes (exactly the table arithmetic), packed with
    /// saturation (the clamp) and shuffled to R G B order. Each step stores 16 bytes per 4 pixels, the last 4 of them
    /// junk that the next store overwrites, so it stops 2 pixels early. Returns the pixels done.
    /// </summary>
    private static int YCbCrToRgbAvx2(ReadOnlySpan<byte> y, ReadOnlySpan<byte> cb, ReadOnlySpan<byte> cr, Span<byte> rgb, int width)
    {
        ref byte py = ref MemoryMarshal.GetReference(y);
        ref byte pb = ref MemoryMarshal.GetReference(cb);
        ref byte pr = ref MemoryMarshal.GetReference(cr);
        ref byte d = ref MemoryMarshal.GetReference(rgb);
        var center = Vector256.Create(128);
        var half = Vector256.Create(Half);
        var order = Vector256.Create((byte)0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11, 0x80, 0x80, 0x80, 0x80,
                                     0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11, 0x80, 0x80, 0x80, 0x80);
        int x = 0;
        for (; x + 10 <= width; x += 8)
        {
            var vy = Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref py, x))).AsByte());
            var u = Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref pb, x))).AsByte()) - center;
            var v = Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref pr, x))).AsByte()) - center;
            var r = vy + Vector256.ShiftRightArithmetic(v * 91881 + half, ScaleBits);
            var b = vy + Vector256.ShiftRightArithmetic(u * 116130 + half, ScaleBits);
            var g = vy + Vector256.ShiftRightArithmetic(u * -22554 + v * -46802 + half, ScaleBits);
            var rg = Avx2.PackSignedSaturate(r, g);          // r0..3 g0..3 | r4..7 g4..7
            var bb = Avx2.PackSignedSaturate(b, b);          // b0..3 b0..3 | b4..7 b4..7
            var bytes = Avx2.Shuffle(Avx2.PackUnsignedSaturate(rg, bb), order);
            ref byte o = ref Unsafe.Add(ref d, 3 * x);
            bytes.GetLower().StoreUnsafe(ref o);
            bytes.GetUpper().StoreUnsafe(ref Unsafe.Add(ref o, 12));
        }
        return x;
    }

    /// <summary>The scalar reference: the per-value tables of jdcolor.</summary>
    internal static void YCbCrToRgbScalar(ReadOnlySpan<byte> y, ReadOnlySpan<byte> cb, ReadOnlySpan<byte> cr, Span<byte> rgb, int width)
    {
        y = y.Slice(0, width);
        cb = cb.Slice(0, width);
        cr = cr.Slice(0, width);
        rgb = rgb.Slice(0, width * 3);
        var crR = CrToR;
        var cbB = CbToB;
        var crG = CrToG;
        var cbG = CbToG;
        for (int x = 0, o = 0; x < y.Length; x++, o += 3)
        {
            int yy = y[x], u = cb[x], v = cr[x];
            rgb[o] = Clamp(yy + crR[v]);
            rgb[o + 1] = Clamp(yy + ((cbG[u] + crG[v]) >> ScaleBits));
            rgb[o + 2] = Clamp(yy + cbB[u]);
        }
    }

    /// <summary>Three planes stored as RGB (Adobe transform 0): interleave only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Interleave(ReadOnlySpan<byte> r, ReadOnlySpan<byte> g, ReadOnlySpan<byte> b, Span<byte> rgb, int width)
    {
        r = r.Slice(0, width);
        g = g.Slice(0, width);
        b = b.Slice(0, width);
        rgb = rgb.Slice(0, width * 3);
        for (int x = 0, o = 0; x < r.Length; x++, o += 3)
        {
            rgb[o] = r[x];
            rgb[o + 1] = g[x];
            rgb[o + 2] = b[x];
        }
    }

    /// <summary>CMYK → RGB as libjpeg-turbo's djpeg writes CMYK to PPM: each of C, M, Y times K / 255, rounded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CmykToRgb(ReadOnlySpan<byte> c, ReadOnlySpan<byte> m, ReadOnlySpan<byte> yel, ReadOnlySpan<byte> k, Span<byte> rgb, int width)
    {
        c = c.Slice(0, width);
        m = m.Slice(0, width);
        yel = yel.Slice(0, width);
        k = k.Slice(0, width);
        rgb = rgb.Slice(0, width * 3);
        for (int x = 0, o = 0; x < c.Length; x++, o += 3)
        {
            int kk = k[x];
            rgb[o] = MulDiv255(c[x], kk);
            rgb[o + 1] = MulDiv255(m[x], kk);
            rgb[o + 2] = MulDiv255(yel[x], kk);
        }
    }

    /// <summary>YCCK → CMYK (C = 255 − R of the YCbCr conversion, likewise M, Y; K as is) → RGB as <see cref="CmykToRgb"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void YcckToRgb(ReadOnlySpan<byte> y, ReadOnlySpan<byte> cb, ReadOnlySpan<byte> cr, ReadOnlySpan<byte> k, Span<byte> rgb, int width)
    {
        y = y.Slice(0, width);
        cb = cb.Slice(0, width);
        cr = cr.Slice(0, width);
        k = k.Slice(0, width);
        rgb = rgb.Slice(0, width * 3);
        for (int x = 0, o = 0; x < y.Length; x++, o += 3)
        {
            int yy = y[x], u = cb[x], v = cr[x], kk = k[x];
            rgb[o] = MulDiv255(255 - Clamp(yy + CrToR[v]), kk);
            rgb[o + 1] = MulDiv255(255 - Clamp(yy + ((CbToG[u] + CrToG[v]) >> ScaleBits)), kk);
            rgb[o + 2] = MulDiv255(255 - Clamp(yy + CbToB[u]), kk);
        }
    }

    /// <summary>round(a·b/255) for a, b in 0..255 (the exact quotient is never halfway, 255 being odd).</summary>
    private static byte MulDiv255(int a, int b) => (byte)((2 * a * b + 255) / 510);
}
