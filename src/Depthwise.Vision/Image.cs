namespace Depthwise.Vision;

/// <summary>
/// An 8-bit image in memory: rows top to bottom, pixels left to right, channels interleaved
/// (<see cref="PixelFormat"/>), no padding between rows (stride = <see cref="Width"/> · <see cref="Channels"/>).
/// </summary>
public sealed class Image
{
    /// <summary>The default limit on width · height: 100 megapixels.</summary>
    public const long DefaultMaxPixels = 100_000_000;

    /// <summary>Creates a black (zero) image, checking the size before allocating.</summary>
    /// <param name="width">Width in pixels, ≥ 1.</param>
    /// <param name="height">Height in pixels, ≥ 1.</param>
    /// <param name="format">Pixel layout.</param>
    /// <param name="maxPixels">Refuse images with more pixels than this.</param>
    /// <exception cref="ImageFormatException">A dimension is not positive or the image is larger than the limit.</exception>
    public Image(int width, int height, PixelFormat format, long maxPixels = DefaultMaxPixels)
    {
        CheckSize(width, height, format, maxPixels);
        Width = width;
        Height = height;
        Format = format;
        Pixels = new byte[(long)width * height * (int)format];
    }

    /// <summary>Wraps existing pixel bytes (not copied); their length must be width · height · channels.</summary>
    /// <exception cref="ImageFormatException">The sizes do not agree.</exception>
    public Image(int width, int height, PixelFormat format, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        CheckSize(width, height, format, long.MaxValue);
        if (pixels.LongLength != (long)width * height * (int)format)
            throw new ImageFormatException($"{pixels.LongLength} bytes given for a {width}x{height} {format} image (expected {(long)width * height * (int)format})");
        Width = width;
        Height = height;
        Format = format;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Pixel layout.</summary>
    public PixelFormat Format { get; }

    /// <summary>Bytes per pixel (1, 3 or 4).</summary>
    public int Channels => (int)Format;

    /// <summary>Bytes per row.</summary>
    public int Stride => Width * Channels;

    /// <summary>All pixel bytes, row after row.</summary>
    public byte[] Pixels { get; }

    /// <summary>The bytes of row <paramref name="y"/>.</summary>
    public Span<byte> Row(int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        return Pixels.AsSpan(y * Stride, Stride);
    }

    /// <summary>Throws <see cref="ImageFormatException"/> unless a width × height image of this format fits the limits.</summary>
    public static void CheckSize(int width, int height, PixelFormat format, long maxPixels)
    {
        if (width <= 0 || height <= 0)
            throw new ImageFormatException($"image dimensions must be positive, got {width}x{height}");
        if (format is not (PixelFormat.Gray8 or PixelFormat.Rgb24 or PixelFormat.Rgba32))
            throw new ImageFormatException($"unknown pixel format {(int)format}");
        long pixels = (long)width * height;
        if (pixels > maxPixels)
            throw new ImageFormatException($"a {width}x{height} image has {pixels} pixels, above the limit of {maxPixels}");
        if (pixels * (int)format > Array.MaxLength)
            throw new ImageFormatException($"a {width}x{height} {format} image does not fit in one array");
    }
}
