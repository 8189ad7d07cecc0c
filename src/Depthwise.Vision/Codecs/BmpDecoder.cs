using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Depthwise.Vision.Codecs;

/// <summary>
/// Decodes Windows BMP files: BITMAPCOREHEADER (OS/2 1.x), BITMAPINFOHEADER and its V2–V5 extensions; 1/4/8-bit
/// palette images (uncompressed, RLE8, RLE4), 16-bit (5-5-5 or bit fields such as 5-6-5), 24-bit and 32-bit
/// (BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS); bottom-up and top-down row order.
/// </summary>
/// <remarks>
/// <para>Output: <see cref="PixelFormat.Rgba32"/> when bit fields define an alpha mask, else
/// <see cref="PixelFormat.Rgb24"/> (also for palette and gray-palette images). The fourth byte of 32-bit BI_RGB
/// pixels is reserved and ignored, as Windows and PIL do. Bit-field channels of n bits scale to 8 bits as
/// round(v · 255 / (2^n − 1)) (PIL truncates instead, so 16-bit images may differ from PIL's by one).</para>
/// <para>RLE: pixels that the run codes skip (end of line, delta, early end of bitmap) take palette colour 0, as in
/// PIL; runs past the end of a row are clipped; data that ends without an end-of-bitmap code ends the image.
/// Embedded JPEG/PNG (BI_JPEG, BI_PNG), OS/2 2.x headers and 64-bit pixels are refused with an error.</para>
/// <para>The pixel limit and, for uncompressed data, the presence of every row in the file are checked before the
/// image is allocated.</para>
/// </remarks>
public static class BmpDecoder
{
    private const int FileHeaderSize = 14;
    private const uint BiRgb = 0, BiRle8 = 1, BiRle4 = 2, BiBitfields = 3, BiJpeg = 4, BiPng = 5, BiAlphaBitfields = 6;

    /// <summary>True when <paramref name="data"/> starts with the BMP magic "BM".</summary>
    public static bool IsBmp(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 'B' && data[1] == 'M';

    /// <summary>Decodes a whole BMP file held in memory.</summary>
    /// <param name="data">The file's bytes.</param>
    /// <param name="options">Limits; <see cref="ImageDecodeOptions.Default"/> when null.</param>
    /// <param name="file">The file name, used only in error messages.</param>
    /// <returns>An Rgb24 image, or Rgba32 when the file has an alpha bit mask.</returns>
    /// <exception cref="ImageFormatException">The data is not a supported BMP, is truncated, or exceeds the limits.</exception>
    public static Image Decode(ReadOnlySpan<byte> data, ImageDecodeOptions? options = null, string? file = null)
    {
        options ??= ImageDecodeOptions.Default;
        if (!IsBmp(data))
            throw new ImageFormatException("not a BMP file: the \"BM\" magic is missing", file, 0);
        if (data.Length < FileHeaderSize + 12)
            throw new ImageFormatException($"a {data.Length}-byte file is too short for the BMP headers (truncated)", file, 0);
        uint pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(data[FileHeaderSize..]);
        if (headerSize == 64)
            throw new ImageFormatException("OS/2 2.x BMP headers are not supported", file, FileHeaderSize);
        if (headerSize is not (12 or 40 or 52 or 56 or 108 or 124))
            throw new ImageFormatException($"unknown BMP header size {headerSize} (expected 12, 40, 52, 56, 108 or 124)", file, FileHeaderSize);
        if (FileHeaderSize + headerSize > data.Length)
            throw new ImageFormatException($"the file ends inside the {headerSize}-byte BMP header (truncated)", file, FileHeaderSize);
        var h = data.Slice(FileHeaderSize, (int)headerSize);

        bool core = headerSize == 12;
        long width, height;
        int bitCount;
        uint compression = BiRgb, colorsUsed = 0;
        if (core)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(h[4..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(h[6..]);
            bitCount = BinaryPrimitives.ReadUInt16LittleEndian(h[10..]);
        }
        else
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(h[4..]);
            height = BinaryPrimitives.ReadInt32LittleEndian(h[8..]);
            bitCount = BinaryPrimitives.ReadUInt16LittleEndian(h[14..]);
            compression = BinaryPrimitives.ReadUInt32LittleEndian(h[16..]);
            colorsUsed = BinaryPrimitives.ReadUInt32LittleEndian(h[32..]);
        }
        bool topDown = height < 0;
        height = Math.Abs(height);
        if (width <= 0 || height <= 0 || width > int.MaxValue || height > int.MaxValue)
            throw new ImageFormatException($"invalid BMP size {width}x{(topDown ? -height : height)}", file, FileHeaderSize + 4);

        switch (compression)
        {
            case BiJpeg or BiPng:
                throw new ImageFormatException($"BMP files with embedded {(compression == BiJpeg ? "JPEG" : "PNG")} data are not supported", file, FileHeaderSize + 16);
            case BiRgb when bitCount is 1 or 4 or 8 or 24 || (!core && bitCount is 16 or 32):
            case BiRle8 when bitCount == 8:
            case BiRle4 when bitCount == 4:
            case BiBitfields or BiAlphaBitfields when bitCount is 16 or 32:
                break;
            case BiRgb or BiRle8 or BiRle4 or BiBitfields or BiAlphaBitfields:
                throw new ImageFormatException($"{bitCount} bits per pixel is not supported with BMP compression {compression}", file, FileHeaderSize + 14);
            default:
                throw new ImageFormatException($"unknown BMP compression {compression}", file, FileHeaderSize + 16);
        }
        if ((compression is BiRle8 or BiRle4) && topDown)
            throw new ImageFormatException("an RLE-compressed BMP cannot be top-down", file, FileHeaderSize + 8);

        // Bit masks: in the header from V2 (52 bytes) on, else right after a 40-byte header.
        int paletteStart = FileHeaderSize + (int)headerSize;
        var masks = new Masks();
        if (compression is BiBitfields or BiAlphaBitfields)
        {
            ReadOnlySpan<byte> m;
            if (headerSize >= 52)
            {
                m = h[40..];
            }
            else
            {
                int count = compression == BiAlphaBitfields ? 16 : 12;
                if (paletteStart + count > data.Length)
                    throw new ImageFormatException("the file ends inside the BMP bit masks (truncated)", file, paletteStart);
                m = data.Slice(paletteStart, count);
                paletteStart += count;
            }
            masks = new Masks(BinaryPrimitives.ReadUInt32LittleEndian(m), BinaryPrimitives.ReadUInt32LittleEndian(m[4..]),
                BinaryPrimitives.ReadUInt32LittleEndian(m[8..]), m.Length >= 16 ? BinaryPrimitives.ReadUInt32LittleEndian(m[12..]) : 0);
            ValidateMasks(masks, bitCount, file);
        }
        else if (bitCount == 16)
        {
            masks = new Masks(0x7C00, 0x03E0, 0x001F, 0); // BI_RGB 16-bit is X1R5G5B5
        }

        var format = masks.A != 0 ? PixelFormat.Rgba32 : PixelFormat.Rgb24;
        try
        {
            Image.CheckSize((int)width, (int)height, format, options.MaxPixels);
        }
        catch (ImageFormatException e)
        {
            throw new ImageFormatException(e.Message, file, FileHeaderSize + 4, e);
        }

        byte[]? palette = bitCount <= 8 ? ReadPalette(data, paletteStart, core ? 3 : 4, bitCount, colorsUsed, file) : null;
        if (pixelOffset >= data.Length)
            throw new ImageFormatException($"the pixel data offset {pixelOffset} is beyond the end of the {data.Length}-byte file (truncated)", file, 10);
        var pixels = data[(int)pixelOffset..];
        int w = (int)width, ht = (int)height;

        if (compression is BiRle8 or BiRle4)
        {
            var rle = new Image(w, ht, format, options.MaxPixels);
            DecodeRle(pixels, compression == BiRle4, palette!, rle, file, pixelOffset);
            return rle;
        }

        long stride = ((long)bitCount * w + 31) / 32 * 4;
        long rowBytes = ((long)bitCount * w + 7) / 8;
        long needed = stride * (ht - 1) + rowBytes;
        if (needed > pixels.Length)
            throw new ImageFormatException($"the pixel data needs {needed} bytes but only {pixels.Length} follow offset {pixelOffset} (truncated)", file, pixelOffset);

        var image = new Image(w, ht, format, options.MaxPixels);
        for (int r = 0; r < ht; r++)
        {
            var src = pixels.Slice((int)(r * stride), (int)rowBytes);
            var dst = image.Row(topDown ? r : ht - 1 - r);
            if (palette is not null)
                PaletteRow(src, dst, bitCount, palette, w);
            else if (bitCount == 24 || (bitCount == 32 && compression == BiRgb))
                BgrRow(src, dst, bitCount / 8, w);
            else
                MaskedRow(src, dst, bitCount, masks, w);
        }
        return image;
    }

    private readonly record struct Masks(uint R, uint G, uint B, uint A);

    private static void ValidateMasks(Masks m, int bitCount, string? file)
    {
        foreach (uint mask in new[] { m.R, m.G, m.B, m.A })
        {
            if (bitCount == 16 && mask > 0xFFFF)
                throw new ImageFormatException($"bit mask 0x{mask:X8} does not fit 16-bit pixels", file, FileHeaderSize + 40);
            if (mask != 0 && !IsContiguous(mask))
                throw new ImageFormatException($"bit mask 0x{mask:X8} is not one contiguous run of bits", file, FileHeaderSize + 40);
        }
    }

    private static bool IsContiguous(uint mask)
    {
        uint shifted = mask >> BitOperations.TrailingZeroCount(mask);
        return (shifted & (shifted + 1)) == 0;
    }

    /// <summary>256 RGB entries (unused ones black, so any index is safe) from the file's BGR or BGRX palette.</summary>
    private static byte[] ReadPalette(ReadOnlySpan<byte> data, int start, int entrySize, int bitCount, uint colorsUsed, string? file)
    {
        long colors = colorsUsed == 0 ? 1L << bitCount : Math.Min(colorsUsed, 1L << bitCount);
        if (start + colors * entrySize > data.Length)
            throw new ImageFormatException($"the file ends inside the {colors}-colour BMP palette (truncated)", file, start);
        var palette = new byte[256 * 3];
        for (int i = 0; i < colors; i++)
        {
            var e = data.Slice(start + i * entrySize, 3);
            palette[3 * i] = e[2];
            palette[3 * i + 1] = e[1];
            palette[3 * i + 2] = e[0];
        }
        return palette;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // decoded once per process, often: skip tier 0
    private static void PaletteRow(ReadOnlySpan<byte> src, Span<byte> dst, int bitCount, byte[] palette, int width)
    {
        int mask = (1 << bitCount) - 1;
        for (int x = 0; x < width; x++)
        {
            int bit = x * bitCount;
            int index = (src[bit >> 3] >> (8 - bitCount - (bit & 7))) & mask;
            palette.AsSpan(3 * index, 3).CopyTo(dst.Slice(3 * x, 3));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // decoded once per process, often: skip tier 0
    private static void BgrRow(ReadOnlySpan<byte> src, Span<byte> dst, int bytesPerPixel, int width)
    {
        for (int x = 0; x < width; x++)
        {
            int s = x * bytesPerPixel, d = 3 * x;
            dst[d] = src[s + 2];
            dst[d + 1] = src[s + 1];
            dst[d + 2] = src[s];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // decoded once per process, often: skip tier 0
    private static void MaskedRow(ReadOnlySpan<byte> src, Span<byte> dst, int bitCount, Masks m, int width)
    {
        var r = new Channel(m.R);
        var g = new Channel(m.G);
        var b = new Channel(m.B);
        var a = new Channel(m.A);
        int channels = m.A != 0 ? 4 : 3;
        for (int x = 0; x < width; x++)
        {
            uint v = bitCount == 16 ? BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * x)..]) : BinaryPrimitives.ReadUInt32LittleEndian(src[(4 * x)..]);
            int d = channels * x;
            dst[d] = r.Extract(v);
            dst[d + 1] = g.Extract(v);
            dst[d + 2] = b.Extract(v);
            if (channels == 4)
                dst[d + 3] = a.Extract(v);
        }
    }

    /// <summary>One bit-field channel: its field shifted down and scaled from n bits to 8 with rounding.</summary>
    private readonly struct Channel
    {
        private readonly uint _mask;
        private readonly int _shift;
        private readonly ulong _max;

        public Channel(uint mask)
        {
            _mask = mask;
            _shift = mask == 0 ? 0 : BitOperations.TrailingZeroCount(mask);
            _max = mask == 0 ? 1 : (mask >> _shift);
        }

        public byte Extract(uint v) => (byte)((((v & _mask) >> _shift) * 255UL + _max / 2) / _max);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // decoded once per process, often: skip tier 0
    private static void DecodeRle(ReadOnlySpan<byte> src, bool rle4, byte[] palette, Image image, string? file, long offset)
    {
        int w = image.Width, ht = image.Height;
        // Skipped pixels take colour 0.
        for (int y = 0; y < ht; y++)
        {
            var row = image.Row(y);
            for (int x = 0; x < w; x++)
                palette.AsSpan(0, 3).CopyTo(row.Slice(3 * x, 3));
        }
        int pos = 0, px = 0, line = 0; // line counts rows from the bottom
        while (line < ht && pos + 1 < src.Length)
        {
            int count = src[pos], value = src[pos + 1];
            pos += 2;
            if (count > 0)
            {
                var row = image.Row(ht - 1 - line);
                for (int i = 0; i < count && px < w; i++, px++)
                {
                    int index = rle4 ? (i % 2 == 0 ? value >> 4 : value & 15) : value;
                    palette.AsSpan(3 * index, 3).CopyTo(row.Slice(3 * px, 3));
                }
                continue;
            }
            switch (value)
            {
                case 0: // end of line
                    line++;
                    px = 0;
                    break;
                case 1: // end of bitmap
                    return;
                case 2: // delta: move right and up
                    if (pos + 2 > src.Length)
                        throw new ImageFormatException("the RLE data ends inside a delta code (truncated)", file, offset + pos);
                    px += src[pos];
                    line += src[pos + 1];
                    pos += 2;
                    break;
                default: // absolute run of `value` pixels, padded to a 16-bit boundary
                {
                    int bytes = rle4 ? (value + 1) / 2 : value;
                    if (pos + bytes > src.Length)
                        throw new ImageFormatException("the RLE data ends inside an absolute run (truncated)", file, offset + pos);
                    var row = image.Row(ht - 1 - line);
                    for (int i = 0; i < value && px < w; i++, px++)
                    {
                        int index = rle4 ? (i % 2 == 0 ? src[pos + i / 2] >> 4 : src[pos + i / 2] & 15) : src[pos + i];
                        palette.AsSpan(3 * index, 3).CopyTo(row.Slice(3 * px, 3));
                    }
                    pos += (bytes + 1) & ~1;
                    break;
                }
            }
        }
    }
}
