namespace Depthwise.Vision;

/// <summary>How the bytes of one pixel of an <see cref="Image"/> are laid out. The value is the number of channels.</summary>
public enum PixelFormat
{
    /// <summary>One byte per pixel: luminance.</summary>
    Gray8 = 1,
    /// <summary>Three bytes per pixel: red, green, blue.</summary>
    Rgb24 = 3,
    /// <summary>Four bytes per pixel: red, green, blue, alpha (straight, not premultiplied).</summary>
    Rgba32 = 4,
}
