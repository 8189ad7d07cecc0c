using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Depthwise.Vision.Codecs;

/// <summary>
/// Decodes Netpbm images: P1 (plain bitmap), P2 (plain graymap), P3 (plain pixmap), P4 (raw bitmap), P5 (raw
/// graymap), P6 (raw pixmap), with '#' comments in the header (and between plain samples), any maxval from 1 to 65535
/// (two-byte big-endian samples above 255). Only the first image of a multi-image file is read.
/// </summary>
/// <remarks>
/// Output: <see cref="PixelFormat.Gray8"/> for P1, P2, P4, P5 (bitmap 1 = black → 0, 0 = white → 255) and
/// <see cref="PixelFormat.Rgb24"/> for P3, P6. Samples scale to 8 bits as round(v · 255 / maxval); a sample above
/// maxval is an error. The pixel limit and the least number of bytes the raster needs are checked before the image
/// is allocated.
/// </remarks>
public static class PnmDecoder
{
    /// <summary>True when <paramref name="data"/> starts with a Netpbm magic "P1".."P6" followed by whitespace or a comment.</summary>
    public static bool IsPnm(ReadOnlySpan<byte> data) =>
        data.Length >= 3 && data[0] == 'P' && data[1] is >= (byte)'1' and <= (byte)'6' && (IsSpace(data[2]) || data[2] == '#');

    /// <summary>Decodes a whole PBM/PGM/PPM file held in memory.</summary>
    /// <param name="data">The file's bytes.</param>
    /// <param name="options">Limits; <see cref="ImageDecodeOptions.Default"/> when null.</param>
    /// <param name="file">The file name, used only in error messages.</param>
    /// <returns>A Gray8 (P1, P2, P4, P5) or Rgb24 (P3, P6) image.</returns>
    /// <exception cref="ImageFormatException">The data is not a valid Netpbm image, is truncated, or exceeds the limits.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the raster loops run once per process, often: skip tier 0
    public static Image Decode(ReadOnlySpan<byte> data, ImageDecodeOptions? options = null, string? file = null)
    {
        options ??= ImageDecodeOptions.Default;
        if (!IsPnm(data))
            throw new ImageFormatException("not a Netpbm file: expected \"P1\"..\"P6\" followed by whitespace", file, 0);
        int kind = data[1] - '0';
        bool bitmap = kind is 1 or 4, plain = kind <= 3;
        int channels = kind is 3 or 6 ? 3 : 1;
        int pos = 2;
        int width = ReadNumber(data, ref pos, "width", file);
        int height = ReadNumber(data, ref pos, "height", file);
        int maxval = bitmap ? 1 : ReadNumber(data, ref pos, "maxval", file);
        if (width <= 0 || height <= 0)
            throw new ImageFormatException($"invalid Netpbm size {width}x{height}", file, 2);
        if (maxval is < 1 or > 65535)
            throw new ImageFormatException($"maxval {maxval} is outside 1..65535", file, pos);
        var format = channels == 3 ? PixelFormat.Rgb24 : PixelFormat.Gray8;
        try
        {
            Image.CheckSize(width, height, format, options.MaxPixels);
        }
        catch (ImageFormatException e)
        {
            throw new ImageFormatException(e.Message, file, 2, e);
        }

        long samples = (long)width * height * channels;
        if (!plain)
        {
            // Exactly one whitespace byte separates the header from the raster.
            if (pos >= data.Length)
                throw new ImageFormatException("the file ends before the raster (truncated)", file, pos);
            if (!IsSpace(data[pos]))
                throw new ImageFormatException("expected one whitespace byte before the raster", file, pos);
            pos++;
        }
        long remaining = data.Length - pos;
        long needed = kind switch
        {
            4 => (width + 7L) / 8 * height,
            5 or 6 => samples * (maxval > 255 ? 2 : 1),
            1 => samples,              // digits may touch in P1
            _ => 2 * samples - 1,      // a digit and a separator per sample
        };
        if (needed > remaining)
            throw new ImageFormatException($"the raster needs {(plain ? "at least " : "")}{needed} bytes but only {remaining} remain (truncated)", file, pos);

        var image = new Image(width, height, format, options.MaxPixels);
        var px = image.Pixels;
        if (kind == 4)
        {
            int rowBytes = (width + 7) / 8;
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    px[(long)y * width + x] = ((data[pos + y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1) != 0 ? (byte)0 : (byte)255;
            return image;
        }
        var scale = ScaleTable(maxval);
        if (!plain)
        {
            var raster = data.Slice(pos, (int)needed);
            for (long i = 0; i < samples; i++)
            {
                int v = maxval > 255 ? BinaryPrimitives.ReadUInt16BigEndian(raster[(int)(2 * i)..]) : raster[(int)i];
                if (v > maxval)
                    throw new ImageFormatException($"sample {v} exceeds maxval {maxval}", file, pos + (maxval > 255 ? 2 * i : i));
                px[i] = scale[v];
            }
            return image;
        }
        for (long i = 0; i < samples; i++)
        {
            int v;
            if (kind == 1)
            {
                SkipSpaceAndComments(data, ref pos);
                if (pos >= data.Length)
                    throw new ImageFormatException($"the raster ends after {i} of {samples} pixels (truncated)", file, pos);
                v = data[pos] switch
                {
                    (byte)'0' => 0,
                    (byte)'1' => 1,
                    _ => throw new ImageFormatException($"expected '0' or '1' in a P1 raster, found byte 0x{data[pos]:X2}", file, pos),
                };
                pos++;
                px[i] = v == 1 ? (byte)0 : (byte)255;
                continue;
            }
            int at = pos;
            v = ReadNumber(data, ref pos, "sample", file);
            if (v > maxval)
                throw new ImageFormatException($"sample {v} exceeds maxval {maxval}", file, at);
            px[i] = scale[v];
        }
        return image;
    }

    private static byte[] ScaleTable(int maxval)
    {
        var table = new byte[maxval + 1];
        for (int v = 0; v <= maxval; v++)
            table[v] = (byte)(((long)v * 255 + maxval / 2) / maxval);
        return table;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    private static void SkipSpaceAndComments(ReadOnlySpan<byte> data, ref int pos)
    {
        while (pos < data.Length)
        {
            if (IsSpace(data[pos]))
            {
                pos++;
            }
            else if (data[pos] == '#')
            {
                while (pos < data.Length && data[pos] is not ((byte)'\n' or (byte)'\r'))
                    pos++;
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>Reads one decimal number after optional whitespace and comments; it must be followed by whitespace, a comment or the end.</summary>
    private static int ReadNumber(ReadOnlySpan<byte> data, ref int pos, string what, string? file)
    {
        SkipSpaceAndComments(data, ref pos);
        if (pos >= data.Length)
            throw new ImageFormatException($"the file ends before the {what} (truncated)", file, pos);
        int start = pos;
        long value = 0;
        while (pos < data.Length && data[pos] is >= (byte)'0' and <= (byte)'9')
        {
            value = value * 10 + (data[pos] - '0');
            if (value > int.MaxValue)
                throw new ImageFormatException($"the {what} is too large", file, start);
            pos++;
        }
        if (pos == start)
            throw new ImageFormatException($"expected a decimal {what}, found byte 0x{data[pos]:X2}", file, pos);
        if (pos < data.Length && !IsSpace(data[pos]) && data[pos] != '#')
            throw new ImageFormatException($"unexpected byte 0x{data[pos]:X2} after the {what}", file, pos);
        return (int)value;
    }
}
