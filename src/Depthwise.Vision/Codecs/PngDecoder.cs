using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Text;

namespace Depthwise.Vision.Codecs;

/// <summary>
/// Decodes PNG files (ISO/IEC 15948): every colour type (gray, RGB, palette, gray+alpha, RGBA) at every bit depth the
/// standard allows (1, 2, 4, 8, 16), PLTE + tRNS transparency, Adam7 interlacing, all five row filters, any number of
/// IDAT chunks. Every chunk CRC is verified; ancillary chunks are skipped, unknown critical chunks are an error.
/// </summary>
/// <remarks>
/// <para>Output: <see cref="PixelFormat.Gray8"/> for gray without transparency, <see cref="PixelFormat.Rgb24"/> for RGB
/// and palette images without transparency, <see cref="PixelFormat.Rgba32"/> for anything with an alpha channel or a
/// tRNS chunk (gray+alpha becomes R = G = B = gray). Samples of 1, 2 and 4 bits are scaled exactly to 0..255
/// (v · 255 / (2^bits − 1)); 16-bit samples are rounded to nearest, v8 = round(v16 / 257) = (v16 + 128) / 257
/// (ties cannot occur since 257 is odd), not truncated to the high byte as libpng's strip_16 and PIL do, so the two
/// may differ by one. A tRNS colour key is compared with the full-precision sample. Palette indices beyond the
/// palette decode as opaque black (libpng behaves the same).</para>
/// <para>Decompression bombs: width · height is checked against <see cref="ImageDecodeOptions.MaxPixels"/>, and the
/// byte count the image needs is compared with the most the IDAT data could inflate to (deflate's ratio cannot exceed
/// 1032:1), both before the image is allocated; inflation stops at exactly the bytes the image needs, and an early
/// end of the compressed data is an error.</para>
/// </remarks>
public static class PngDecoder
{
    /// <summary>The eight bytes every PNG file starts with.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Deflate cannot expand input by more than this factor (258-byte matches coded in two bits).</summary>
    internal const int MaxInflateRatio = 1032;

    // Adam7: first column, first row, column step, row step of passes 1..7.
    private static ReadOnlySpan<byte> Adam7X0 => [0, 4, 0, 2, 0, 1, 0];
    private static ReadOnlySpan<byte> Adam7Y0 => [0, 0, 4, 0, 2, 0, 1];
    private static ReadOnlySpan<byte> Adam7Dx => [8, 8, 4, 4, 2, 2, 1];
    private static ReadOnlySpan<byte> Adam7Dy => [8, 8, 8, 4, 4, 2, 2];

    /// <summary>True when <paramref name="data"/> starts with the PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> data) => data.StartsWith(Signature);

    /// <summary>Decodes a whole PNG file held in memory.</summary>
    /// <param name="data">The file's bytes.</param>
    /// <param name="options">Limits; <see cref="ImageDecodeOptions.Default"/> when null.</param>
    /// <param name="file">The file name, used only in error messages.</param>
    /// <returns>A Gray8, Rgb24 or Rgba32 image (see the type's remarks for which).</returns>
    /// <exception cref="ImageFormatException">The data is not a valid PNG, is truncated or corrupt (CRC, zlib), uses
    /// an unknown critical chunk, or the image exceeds the limits.</exception>
    public static Image Decode(ReadOnlySpan<byte> data, ImageDecodeOptions? options = null, string? file = null)
    {
        options ??= ImageDecodeOptions.Default;
        var png = ReadChunks(data, file);
        var h = png.Header;
        var format = png.OutputFormat;
        try
        {
            Image.CheckSize(h.Width, h.Height, format, options.MaxPixels);
        }
        catch (ImageFormatException e)
        {
            throw new ImageFormatException(e.Message, file, 16, e);
        }

        long needed = RawByteCount(h);
        if (needed > (long)png.IdatLength * MaxInflateRatio + 64)
            throw new ImageFormatException(
                $"the image data is too short: {png.IdatLength} compressed bytes cannot inflate to the {needed} bytes a {h.Width}x{h.Height} image needs (truncated file or forged size)",
                file, png.FirstIdatOffset);

        var compressed = new byte[png.IdatLength];
        int at = 0;
        foreach (var (offset, length) in png.Idat)
        {
            data.Slice(offset, length).CopyTo(compressed.AsSpan(at));
            at += length;
        }

        var image = new Image(h.Width, h.Height, format, options.MaxPixels);
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress);
            Inflate(zlib, png, image, needed, file);
        }
        catch (InvalidDataException e)
        {
            throw new ImageFormatException($"corrupt zlib data in IDAT: {e.Message}", file, png.FirstIdatOffset, e);
        }
        return image;
    }

    private readonly record struct Header(int Width, int Height, int BitDepth, int ColorType, bool Interlaced)
    {
        public int SamplesPerPixel => ColorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        public int BitsPerPixel => SamplesPerPixel * BitDepth;
    }

    private sealed class PngFile
    {
        public Header Header;
        public byte[]? Palette;           // RGB triples
        public byte[]? PaletteAlpha;      // tRNS for colour type 3, at most one entry per palette colour
        public int[]? ColorKey;           // tRNS for colour types 0 (one value) and 2 (three values), full precision
        public List<(int Offset, int Length)> Idat { get; } = [];
        public int IdatLength;
        public int FirstIdatOffset;

        public PixelFormat OutputFormat => Header.ColorType switch
        {
            0 => ColorKey is null ? PixelFormat.Gray8 : PixelFormat.Rgba32,
            2 => ColorKey is null ? PixelFormat.Rgb24 : PixelFormat.Rgba32,
            3 => PaletteAlpha is null ? PixelFormat.Rgb24 : PixelFormat.Rgba32,
            _ => PixelFormat.Rgba32,
        };
    }

    private static PngFile ReadChunks(ReadOnlySpan<byte> data, string? file)
    {
        if (!IsPng(data))
            throw new ImageFormatException("not a PNG file: the 8-byte PNG signature is missing", file, 0);
        var png = new PngFile();
        bool haveHeader = false, idatDone = false, haveTrns = false;
        int pos = Signature.Length;
        while (true)
        {
            if (data.Length == pos && png.Idat.Count > 0)
                break; // a file that stops cleanly after its image data lacks only IEND; PIL accepts it too
            if (data.Length - pos < 12)
                throw new ImageFormatException("the file ends before the IEND chunk (truncated)", file, pos);
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            var typeBytes = data.Slice(pos + 4, 4);
            foreach (byte b in typeBytes)
                if (!char.IsAsciiLetter((char)b))
                    throw new ImageFormatException($"invalid chunk type bytes {Convert.ToHexString(typeBytes)} (a chunk type is four ASCII letters)", file, pos);
            string type = Encoding.ASCII.GetString(typeBytes);
            if (length > int.MaxValue || length > data.Length - pos - 12)
                throw new ImageFormatException($"the {type} chunk declares {length} data bytes but only {data.Length - pos - 12} remain (truncated or corrupt)", file, pos);
            var body = data.Slice(pos + 8, (int)length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 8 + (int)length)..]);
            uint actual = PngCrc32.Compute(data.Slice(pos + 4, (int)length + 4));
            if (stored != actual)
                throw new ImageFormatException($"CRC mismatch in the {type} chunk (stored 0x{stored:X8}, computed 0x{actual:X8}): the file is corrupt", file, pos);
            if (!haveHeader && type != "IHDR")
                throw new ImageFormatException($"the first chunk must be IHDR, found {type}", file, pos);
            if (png.Idat.Count > 0 && type != "IDAT")
                idatDone = true;

            switch (type)
            {
                case "IHDR":
                    if (haveHeader)
                        throw new ImageFormatException("a second IHDR chunk", file, pos);
                    png.Header = ParseHeader(body, file, pos);
                    haveHeader = true;
                    break;
                case "PLTE":
                    ParsePalette(png, body, file, pos);
                    break;
                case "tRNS":
                    // Ancillary: a misplaced or malformed one is ignored, except tRNS before PLTE in a palette
                    // image, which libpng rejects too.
                    if (png.Idat.Count > 0 || haveTrns)
                        break;
                    if (png.Header.ColorType == 3 && png.Palette is null)
                        throw new ImageFormatException("tRNS chunk before PLTE", file, pos);
                    haveTrns = true;
                    ParseTransparency(png, body);
                    break;
                case "IDAT":
                    if (idatDone)
                        throw new ImageFormatException("IDAT chunks must be consecutive", file, pos);
                    if (png.Idat.Count == 0)
                        png.FirstIdatOffset = pos;
                    if (length > int.MaxValue - png.IdatLength)
                        throw new ImageFormatException("more than 2 GiB of IDAT data", file, pos);
                    png.Idat.Add((pos + 8, (int)length));
                    png.IdatLength += (int)length;
                    break;
                case "IEND":
                    if (png.Idat.Count == 0)
                        throw new ImageFormatException("no IDAT chunk before IEND", file, pos);
                    return Validated(png, file, pos);
                default:
                    // Bit 5 of the first letter: lowercase = ancillary (safe to skip), uppercase = critical.
                    if ((typeBytes[0] & 0x20) == 0)
                        throw new ImageFormatException($"unknown critical chunk {type}", file, pos);
                    break;
            }
            pos += 12 + (int)length;
        }
        return Validated(png, file, pos);
    }

    private static PngFile Validated(PngFile png, string? file, int pos) =>
        png.Header.ColorType == 3 && png.Palette is null
            ? throw new ImageFormatException("a palette image (colour type 3) without a PLTE chunk", file, pos)
            : png;

    private static Header ParseHeader(ReadOnlySpan<byte> body, string? file, int pos)
    {
        if (body.Length != 13)
            throw new ImageFormatException($"IHDR must hold 13 bytes, not {body.Length}", file, pos);
        uint width = BinaryPrimitives.ReadUInt32BigEndian(body);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
        int depth = body[8], colorType = body[9];
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
            throw new ImageFormatException($"invalid image size {width}x{height} (each side must be 1..2^31-1)", file, pos);
        bool depthOk = colorType switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => throw new ImageFormatException($"invalid colour type {colorType} (expected 0, 2, 3, 4 or 6)", file, pos),
        };
        if (!depthOk)
            throw new ImageFormatException($"bit depth {depth} is not allowed with colour type {colorType}", file, pos);
        if (body[10] != 0)
            throw new ImageFormatException($"unknown compression method {body[10]} (only 0, deflate, exists)", file, pos);
        if (body[11] != 0)
            throw new ImageFormatException($"unknown filter method {body[11]} (only 0 exists)", file, pos);
        if (body[12] > 1)
            throw new ImageFormatException($"unknown interlace method {body[12]} (expected 0 or 1, Adam7)", file, pos);
        return new Header((int)width, (int)height, depth, colorType, body[12] == 1);
    }

    private static void ParsePalette(PngFile png, ReadOnlySpan<byte> body, string? file, int pos)
    {
        int colorType = png.Header.ColorType;
        if (png.Palette is not null)
            throw new ImageFormatException("a second PLTE chunk", file, pos);
        if (png.Idat.Count > 0)
            throw new ImageFormatException("PLTE chunk after IDAT", file, pos);
        if (colorType is 0 or 4)
            throw new ImageFormatException("a PLTE chunk in a grayscale image", file, pos);
        if (body.Length == 0 || body.Length % 3 != 0 || body.Length > 256 * 3)
            throw new ImageFormatException($"PLTE length {body.Length} is not 3 · (1..256)", file, pos);
        if (colorType == 3) // for RGB images PLTE is only a quantization hint
            png.Palette = body.ToArray();
    }

    private static void ParseTransparency(PngFile png, ReadOnlySpan<byte> body)
    {
        switch (png.Header.ColorType)
        {
            case 3:
                png.PaletteAlpha = body[..Math.Min(body.Length, png.Palette!.Length / 3)].ToArray();
                break;
            case 0 when body.Length == 2:
                png.ColorKey = [BinaryPrimitives.ReadUInt16BigEndian(body)];
                break;
            case 2 when body.Length == 6:
                png.ColorKey = [BinaryPrimitives.ReadUInt16BigEndian(body), BinaryPrimitives.ReadUInt16BigEndian(body[2..]), BinaryPrimitives.ReadUInt16BigEndian(body[4..])];
                break;
            default:
                break; // tRNS is not allowed with an alpha channel; one of the wrong length is ignored
        }
    }

    private static (int Width, int Height) PassSize(Header h, int pass) => !h.Interlaced
        ? (h.Width, h.Height)
        : ((h.Width - Adam7X0[pass] + Adam7Dx[pass] - 1) / Adam7Dx[pass], (h.Height - Adam7Y0[pass] + Adam7Dy[pass] - 1) / Adam7Dy[pass]);

    private static long RowBytes(Header h, int width) => ((long)width * h.BitsPerPixel + 7) / 8;

    /// <summary>Filtered bytes the image needs: per pass, per row, one filter byte plus the packed samples.</summary>
    private static long RawByteCount(Header h)
    {
        long total = 0;
        for (int pass = 0; pass < (h.Interlaced ? 7 : 1); pass++)
        {
            var (w, rows) = PassSize(h, pass);
            if (w > 0 && rows > 0)
                total += rows * (1 + RowBytes(h, w));
        }
        return total;
    }

    private static void Inflate(ZLibStream zlib, PngFile png, Image image, long needed, string? file)
    {
        var h = png.Header;
        long maxRow = RowBytes(h, h.Width);
        if (maxRow + 1 > Array.MaxLength)
            throw new ImageFormatException($"a row of {maxRow} bytes is too long", file, 16);
        var cur = new byte[maxRow + 1];
        var prev = new byte[maxRow + 1];
        int channels = image.Channels;
        byte[]? passRow = h.Interlaced ? new byte[(long)h.Width * channels] : null; // pass 7 is full width
        int filterBpp = Math.Max(1, h.BitsPerPixel / 8);
        long done = 0;
        for (int pass = 0; pass < (h.Interlaced ? 7 : 1); pass++)
        {
            var (w, rows) = PassSize(h, pass);
            if (w == 0 || rows == 0)
                continue;
            int rowBytes = (int)RowBytes(h, w);
            Array.Clear(prev, 0, rowBytes + 1);
            for (int r = 0; r < rows; r++)
            {
                var line = cur.AsSpan(0, rowBytes + 1);
                int got = 0;
                while (got < line.Length)
                {
                    int n = zlib.Read(line[got..]);
                    if (n == 0)
                        throw new ImageFormatException($"the compressed image data ends after {done + got} of the {needed} bytes the image needs (truncated or corrupt)", file, png.FirstIdatOffset);
                    got += n;
                }
                done += got;
                Unfilter(cur[0], cur.AsSpan(1, rowBytes), prev.AsSpan(1, rowBytes), filterBpp, file, png.FirstIdatOffset);
                if (!h.Interlaced)
                {
                    ConvertRow(png, cur.AsSpan(1, rowBytes), image.Row(r), w);
                }
                else
                {
                    var pixels = passRow.AsSpan(0, w * channels);
                    ConvertRow(png, cur.AsSpan(1, rowBytes), pixels, w);
                    var dst = image.Row(Adam7Y0[pass] + r * Adam7Dy[pass]);
                    int x0 = Adam7X0[pass], dx = Adam7Dx[pass];
                    for (int i = 0; i < w; i++)
                        pixels.Slice(i * channels, channels).CopyTo(dst[((x0 + i * dx) * channels)..]);
                }
                (cur, prev) = (prev, cur);
            }
        }
    }

    /// <summary>Undoes one row's filter in place; <paramref name="prev"/> is the unfiltered row above (zeros for the first).</summary>
    // The row loops are jitted fully optimized at first call: an image is often decoded once per process, and
    // tier-0 code would make that decode several times slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> prev, int bpp, string? file = null, long offset = 0)
    {
        int n = row.Length, head = Math.Min(bpp, n);
        if (prev.Length < n)
            throw new ArgumentException("the previous row is shorter than the row", nameof(prev));
        // Bounds are checked once above; the loops index through refs.
        ref byte r = ref MemoryMarshal.GetReference(row);
        ref byte p = ref MemoryMarshal.GetReference(prev);
        switch (filter)
        {
            case 0:
                break;
            case 1: // Sub
                for (int i = bpp; i < n; i++)
                    Unsafe.Add(ref r, i) += Unsafe.Add(ref r, i - bpp);
                break;
            case 2: // Up
            {
                int i = 0;
                for (; i <= n - Vector<byte>.Count; i += Vector<byte>.Count)
                    (new Vector<byte>(row[i..]) + new Vector<byte>(prev[i..])).CopyTo(row[i..]);
                for (; i < n; i++)
                    Unsafe.Add(ref r, i) += Unsafe.Add(ref p, i);
                break;
            }
            case 3: // Average
                for (int i = 0; i < head; i++)
                    Unsafe.Add(ref r, i) += (byte)(Unsafe.Add(ref p, i) >> 1);
                for (int i = bpp; i < n; i++)
                    Unsafe.Add(ref r, i) += (byte)((Unsafe.Add(ref r, i - bpp) + Unsafe.Add(ref p, i)) >> 1);
                break;
            case 4: // Paeth; with no left neighbour the predictor is the byte above
                for (int i = 0; i < head; i++)
                    Unsafe.Add(ref r, i) += Unsafe.Add(ref p, i);
                for (int i = bpp; i < n; i++)
                    Unsafe.Add(ref r, i) += Paeth(Unsafe.Add(ref r, i - bpp), Unsafe.Add(ref p, i), Unsafe.Add(ref p, i - bpp));
                break;
            default:
                throw new ImageFormatException($"unknown row filter type {filter} (expected 0..4)", file, offset);
        }
    }

    /// <summary>
    /// The Paeth predictor: whichever of left (a), above (b), upper-left (c) is closest to a + b − c, ties in that
    /// order. Computed with masks instead of branches, which mispredict on photographic rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static byte Paeth(int a, int b, int c)
    {
        int pa = Math.Abs(b - c), pb = Math.Abs(a - c), pc = Math.Abs(a + b - 2 * c);
        int notA = ((pb - pa) | (pc - pa)) >> 31;  // -1 unless pa <= pb and pa <= pc
        int notB = (pc - pb) >> 31;                // -1 when pc < pb
        int bc = b ^ ((b ^ c) & notB);
        return (byte)(a ^ ((a ^ bc) & notA));
    }

    private static int Sample(ReadOnlySpan<byte> row, int index, int depth)
    {
        if (depth == 8)
            return row[index];
        if (depth == 16)
            return (row[2 * index] << 8) | row[2 * index + 1];
        int bit = index * depth;
        return (row[bit >> 3] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
    }

    private static byte To8(int v16) => (byte)((v16 + 128) / 257);

    /// <summary>Unpacks one unfiltered row of <paramref name="count"/> pixels into the output pixel format.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvertRow(PngFile png, ReadOnlySpan<byte> raw, Span<byte> dst, int count)
    {
        var h = png.Header;
        int depth = h.BitDepth;
        switch (h.ColorType)
        {
            case 0:
            {
                int key = png.ColorKey is { } k ? k[0] : -1;
                int scale = depth switch { 1 => 255, 2 => 85, 4 => 17, _ => 1 };
                for (int i = 0; i < count; i++)
                {
                    int s = Sample(raw, i, depth);
                    byte g = depth == 16 ? To8(s) : (byte)(s * scale);
                    if (key < 0)
                    {
                        dst[i] = g;
                    }
                    else
                    {
                        dst[4 * i] = dst[4 * i + 1] = dst[4 * i + 2] = g;
                        dst[4 * i + 3] = s == key ? (byte)0 : (byte)255;
                    }
                }
                break;
            }
            case 2:
            {
                var key = png.ColorKey;
                if (key is null && depth == 8)
                {
                    raw[..(3 * count)].CopyTo(dst);
                    break;
                }
                for (int i = 0; i < count; i++)
                {
                    int r = Sample(raw, 3 * i, depth), g = Sample(raw, 3 * i + 1, depth), b = Sample(raw, 3 * i + 2, depth);
                    int o = key is null ? 3 * i : 4 * i;
                    dst[o] = depth == 16 ? To8(r) : (byte)r;
                    dst[o + 1] = depth == 16 ? To8(g) : (byte)g;
                    dst[o + 2] = depth == 16 ? To8(b) : (byte)b;
                    if (key is not null)
                        dst[o + 3] = r == key[0] && g == key[1] && b == key[2] ? (byte)0 : (byte)255;
                }
                break;
            }
            case 3:
            {
                var palette = png.Palette!;
                var alpha = png.PaletteAlpha;
                int colors = palette.Length / 3;
                for (int i = 0; i < count; i++)
                {
                    int index = Sample(raw, i, depth);
                    int o = alpha is null ? 3 * i : 4 * i;
                    if (index < colors)
                    {
                        dst[o] = palette[3 * index];
                        dst[o + 1] = palette[3 * index + 1];
                        dst[o + 2] = palette[3 * index + 2];
                    }
                    else
                    {
                        dst[o] = dst[o + 1] = dst[o + 2] = 0;
                    }
                    if (alpha is not null)
                        dst[o + 3] = index < alpha.Length ? alpha[index] : (byte)255;
                }
                break;
            }
            case 4:
                for (int i = 0; i < count; i++)
                {
                    int g = Sample(raw, 2 * i, depth), a = Sample(raw, 2 * i + 1, depth);
                    dst[4 * i] = dst[4 * i + 1] = dst[4 * i + 2] = depth == 16 ? To8(g) : (byte)g;
                    dst[4 * i + 3] = depth == 16 ? To8(a) : (byte)a;
                }
                break;
            default:
                if (depth == 8)
                {
                    raw[..(4 * count)].CopyTo(dst);
                    break;
                }
                for (int i = 0; i < 4 * count; i++)
                    dst[i] = To8((raw[2 * i] << 8) | raw[2 * i + 1]);
                break;
        }
    }
}
