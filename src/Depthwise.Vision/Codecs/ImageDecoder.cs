using System.Text;

namespace Depthwise.Vision.Codecs;

/// <summary>
/// Decodes an image file of any supported format, chosen by its first bytes (not its name): PNG, JPEG, BMP ("BM")
/// and Netpbm ("P1".."P6").
/// </summary>
public static class ImageDecoder
{
    /// <summary>Files larger than this (512 MiB) are refused before they are read.</summary>
    public const long MaxFileBytes = 512L * 1024 * 1024;

    /// <summary>The format <paramref name="data"/> is in, judged by its magic bytes.</summary>
    public static ImageFileFormat Detect(ReadOnlySpan<byte> data)
    {
        if (PngDecoder.IsPng(data))
            return ImageFileFormat.Png;
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
            return ImageFileFormat.Jpeg;
        if (BmpDecoder.IsBmp(data))
            return ImageFileFormat.Bmp;
        if (PnmDecoder.IsPnm(data))
            return ImageFileFormat.Pnm;
        return ImageFileFormat.Unknown;
    }

    /// <summary>Reads and decodes the image file at <paramref name="path"/>.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="options">Limits and orientation handling; <see cref="ImageDecodeOptions.Default"/> when null.</param>
    /// <returns>The decoded image (Gray8, Rgb24 or Rgba32, as the format's decoder documents).</returns>
    /// <exception cref="ImageFormatException">The file is larger than <see cref="MaxFileBytes"/>, not a supported
    /// image, or malformed.</exception>
    /// <exception cref="IOException">The file cannot be read (<see cref="FileNotFoundException"/> when it does not exist).</exception>
    public static Image Decode(string path, ImageDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        long length = new FileInfo(path).Length; // throws FileNotFoundException for a missing file
        if (length > MaxFileBytes)
            throw new ImageFormatException($"the file is {length} bytes, above the {MaxFileBytes}-byte limit for images", path);
        return Decode(File.ReadAllBytes(path), options, path);
    }

    /// <summary>Decodes an image file held in memory.</summary>
    /// <param name="data">The file's bytes.</param>
    /// <param name="options">Limits and orientation handling; <see cref="ImageDecodeOptions.Default"/> when null.</param>
    /// <param name="file">The file name, used only in error messages.</param>
    /// <returns>The decoded image.</returns>
    /// <exception cref="ImageFormatException">The data is not a supported image or is malformed.</exception>
    public static Image Decode(ReadOnlySpan<byte> data, ImageDecodeOptions? options = null, string? file = null) => Detect(data) switch
    {
        ImageFileFormat.Png => PngDecoder.Decode(data, options, file),
        ImageFileFormat.Jpeg => JpegDecoder.Decode(data, options, file),
        ImageFileFormat.Bmp => BmpDecoder.Decode(data, options, file),
        ImageFileFormat.Pnm => PnmDecoder.Decode(data, options, file),
        _ => throw new ImageFormatException($"not a PNG, JPEG, BMP or PNM image: {Describe(data)}", file, 0),
    };

    /// <summary>Says what unrecognized data looks like: a known unsupported format by name, else its first bytes.</summary>
    internal static string Describe(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            return "the file is empty";
        string? known = data switch
        {
            _ when data.StartsWith("GIF8"u8) => "GIF",
            _ when data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8) => "WebP",
            _ when data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8) => "TIFF",
            _ when data.Length >= 12 && data[4..8].SequenceEqual("ftyp"u8) => "HEIF/AVIF or another ISO media",
            _ when data.StartsWith((ReadOnlySpan<byte>)[0, 0, 1, 0]) => "Windows icon (ICO)",
            _ when data.StartsWith("qoif"u8) => "QOI",
            _ => null,
        };
        var head = data[..Math.Min(16, data.Length)];
        var text = new StringBuilder(head.Length);
        foreach (byte b in head)
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        string bytes = $"first bytes {Convert.ToHexString(head)} \"{text}\"";
        return known is null ? bytes : $"it looks like {known}, which is not supported ({bytes})";
    }
}
