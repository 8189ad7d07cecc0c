using System.Runtime.CompilerServices;

namespace Depthwise.Vision.Codecs;

/// <summary>
/// stb_image's colour conversion (<see cref="JpegCompatibility.StbImage"/>), written from its arithmetic. YCbCr → RGB
/// in 20-bit fixed point with 12-bit constants (1.402 → 5743, 0.71414 → 2925, 0.34414 → 1410, 1.772 → 7258, each
/// shifted left by 8): R = (Y·2^20 + 2^19 + 5743·2^8·Cr') &gt;&gt; 20, B likewise with 7258·2^8·Cb', and
/// G = (Y·2^20 + 2^19 − 2925·2^8·Cr' + ((−1410·2^8·Cb') with its low 16 bits cleared)) &gt;&gt; 20, clamped to 0..255.
/// CMYK (Adobe transform 0): each of C, M, Y times K with stb's rounded 8×8-bit product ((t + (t &gt;&gt; 8)) &gt;&gt; 8,
/// t = a·b + 128); YCCK (transform 2): the YCbCr conversion, inverted, then that product with K.
/// </summary>
internal static class JpegStbColorConverter
{
    private const int CrR = 5743 << 8, CrG = -(2925 << 8), CbG = -(1410 << 8), CbB = 7258 << 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Clamp(int v) => (byte)(v < 0 ? 0 : v > 255 ? 255 : v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pixel(int y, int cb, int cr, out byte r, out byte g, out byte b)
    {
        int yFixed = (y << 20) + (1 << 19);
        cr -= 128;
        cb -= 128;
        r = Clamp((yFixed + cr * CrR) >> 20);
        g = Clamp((yFixed + cr * CrG + (int)((uint)(cb * CbG) & 0xFFFF0000u)) >> 20);
        b = Clamp((yFixed + cb * CbB) >> 20);
    }

    /// <summary>YCbCr → RGB for <paramref name="width"/> pixels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void YCbCrToRgb(ReadOnlySpan<byte> y, ReadOnlySpan<byte> cb, ReadOnlySpan<byte> cr, Span<byte> rgb, int width)
    {
        y = y.Slice(0, width);
        cb = cb.Slice(0, width);
        cr = cr.Slice(0, width);
        rgb = rgb.Slice(0, width * 3);
        for (int x = 0, o = 0; x < y.Length; x++, o += 3)
        {
            Pixel(y[x], cb[x], cr[x], out rgb[o], out rgb[o + 1], out rgb[o + 2]);
        }
    }

    /// <summary>stb's rounded a·b/255 for 8-bit a, b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static byte Blinn(int a, int b)
    {
        uint t = (uint)(a * b + 128);
        return (byte)((t + (t >> 8)) >> 8);
    }

    /// <summary>CMYK (Adobe transform 0) → RGB: each of C, M, Y times K.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CmykToRgb(ReadOnlySpan<byte> c, ReadOnlySpan<byte> m, ReadOnlySpan<byte> yel, ReadOnlySpan<byte> k, Span<byte> rgb, int width)
    {
        for (int x = 0, o = 0; x < width; x++, o += 3)
        {
            int kk = k[x];
            rgb[o] = Blinn(c[x], kk);
            rgb[o + 1] = Blinn(m[x], kk);
            rgb[o + 2] = Blinn(yel[x], kk);
        }
    }

    /// <summary>YCCK (Adobe transform 2) → RGB: YCbCr → RGB, then each of 255 − R, G, B times K.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void YcckToRgb(ReadOnlySpan<byte> y, ReadOnlySpan<byte> cb, ReadOnlySpan<byte> cr, ReadOnlySpan<byte> k, Span<byte> rgb, int width)
    {
        for (int x = 0, o = 0; x < width; x++, o += 3)
        {
            Pixel(y[x], cb[x], cr[x], out byte r, out byte g, out byte b);
            int kk = k[x];
            rgb[o] = Blinn(255 - r, kk);
            rgb[o + 1] = Blinn(255 - g, kk);
            rgb[o + 2] = Blinn(255 - b, kk);
        }
    }
}
