using System.Buffers.Binary;

namespace Depthwise.Vision.Codecs;

/// <summary>
/// The EXIF orientation tag (TIFF tag 0x0112 in IFD0 of the APP1 "Exif" segment) and the pixel transform that makes an
/// image upright. Values: 1 upright, 2 mirrored left–right, 3 rotated 180°, 4 mirrored top–bottom, 5 transposed
/// (mirrored across the main diagonal), 6 needs a 90° clockwise turn, 7 transversed (mirrored across the other
/// diagonal), 8 needs a 90° counter-clockwise turn — the transforms Pillow's ImageOps.exif_transpose applies.
/// </summary>
internal static class JpegExifOrientation
{
    /// <summary>
    /// Reads the orientation from the payload of an APP1 segment (starting with "Exif\0\0"). Returns 1 when the
    /// segment is not EXIF, has no orientation tag, or any offset in it points outside the segment.
    /// </summary>
    public static int Parse(ReadOnlySpan<byte> app1)
    {
        if (app1.Length < 6 || !app1.StartsWith("Exif\0\0"u8)) return 1;
        var tiff = app1.Slice(6);
        if (tiff.Length < 8) return 1;
        bool little;
        if (tiff[0] == (byte)'I' && tiff[1] == (byte)'I') little = true;
        else if (tiff[0] == (byte)'M' && tiff[1] == (byte)'M') little = false;
        else return 1;
        if (U16(tiff, 2, little) != 42) return 1;
        uint ifd = U32(tiff, 4, little);
        if (ifd > (uint)tiff.Length - 2 || ifd < 8) return 1;
        int count = U16(tiff, (int)ifd, little);
        long entries = (long)ifd + 2;
        for (int i = 0; i < count; i++)
        {
            long e = entries + 12L * i;
            if (e + 12 > tiff.Length) return 1;
            int p = (int)e;
            if (U16(tiff, p, little) != 0x0112) continue;
            int type = U16(tiff, p + 2, little);
            uint n = U32(tiff, p + 4, little);
            // SHORT (3) with count 1: the value sits in the first two bytes of the value field. Accept LONG (4) too.
            int value = type switch
            {
                3 when n >= 1 => U16(tiff, p + 8, little),
                4 when n >= 1 => (int)Math.Min(U32(tiff, p + 8, little), int.MaxValue),
                _ => 1,
            };
            return value is >= 1 and <= 8 ? value : 1;
        }
        return 1;
    }

    private static int U16(ReadOnlySpan<byte> s, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(at, 2)) : BinaryPrimitives.ReadUInt16BigEndian(s.Slice(at, 2));

    private static uint U32(ReadOnlySpan<byte> s, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(at, 4)) : BinaryPrimitives.ReadUInt32BigEndian(s.Slice(at, 4));

    /// <summary>Returns <paramref name="image"/> transformed so that it is upright (the same object for orientation 1 or an unknown value).</summary>
    public static Image Apply(Image image, int orientation)
    {
        if (orientation is < 2 or > 8) return image;
        int w = image.Width, h = image.Height, ch = image.Channels;
        bool swap = orientation >= 5;
        int ow = swap ? h : w, oh = swap ? w : h;
        var dst = new byte[image.Pixels.Length];
        var src = image.Pixels;
        // For each output pixel (x, y), the source pixel (sx, sy) = (ax·x + bx·y + cx, ay·x + by·y + cy).
        (int ax, int bx, int cx, int ay, int by, int cy) = orientation switch
        {
            2 => (-1, 0, w - 1, 0, 1, 0),
            3 => (-1, 0, w - 1, 0, -1, h - 1),
            4 => (1, 0, 0, 0, -1, h - 1),
            5 => (0, 1, 0, 1, 0, 0),
            6 => (0, 1, 0, -1, 0, h - 1),
            7 => (0, -1, w - 1, -1, 0, h - 1),
            _ => (0, -1, w - 1, 1, 0, 0),
        };
        int step = (ax + ay * w) * ch; // source step per output x
        for (int y = 0; y < oh; y++)
        {
            int sx = bx * y + cx, sy = by * y + cy;
            int s = (sy * w + sx) * ch;
            int d = y * ow * ch;
            if (ch == 1)
            {
                for (int x = 0; x < ow; x++, s += step) dst[d + x] = src[s];
            }
            else
            {
                for (int x = 0; x < ow; x++, s += step, d += ch)
                    for (int k = 0; k < ch; k++) dst[d + k] = src[s + k];
            }
        }
        return new Image(ow, oh, image.Format, dst);
    }
}
