namespace Depthwise.Vision.Codecs;

/// <summary>The image file formats <see cref="ImageDecoder"/> recognizes by their first bytes.</summary>
public enum ImageFileFormat
{
    /// <summary>Not a format we recognize.</summary>
    Unknown,
    /// <summary>PNG (signature 89 50 4E 47 0D 0A 1A 0A).</summary>
    Png,
    /// <summary>JPEG: JFIF, EXIF or bare (FF D8 FF).</summary>
    Jpeg,
    /// <summary>Windows BMP ("BM").</summary>
    Bmp,
    /// <summary>Netpbm PBM/PGM/PPM ("P1".."P6").</summary>
    Pnm,
}
