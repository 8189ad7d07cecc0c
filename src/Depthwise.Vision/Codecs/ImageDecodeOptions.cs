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

    /// <summary>
    /// Which decoder's pixels a JPEG decodes to: libjpeg-turbo's (the default) or stb_image's
    /// (<see cref="Codecs.JpegCompatibility.StbImage"/>, to reproduce pipelines that load images with <c>stbi_load</c>,
    /// such as the TFLite Task Library's). Other formats are lossless and ignore it.
    /// </summary>
    public JpegCompatibility JpegCompatibility { get; init; } = JpegCompatibility.LibJpegTurbo;
}
