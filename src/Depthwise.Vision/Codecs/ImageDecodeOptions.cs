namespace Depthwise.Vision.Codecs;

/// <summary>Options shared by every image decoder.</summary>
public sealed record ImageDecodeOptions
{
    /// <summary>The default options: 100-megapixel limit, EXIF orientation applied.</summary>
    public static ImageDecodeOptions Default { get; } = new();

    /// <summary>Refuse (before allocating) images whose width · height exceeds this; protects against decompression bombs.</summary>
    public long MaxPixels { get; init; } = Image.DefaultMaxPixels;

    /// <summary>Rotate/flip the decoded pixels as the file's EXIF orientation tag says (JPEG), so that the image is upright.</summary>
    public bool ApplyExifOrientation { get; init; } = true;
}
