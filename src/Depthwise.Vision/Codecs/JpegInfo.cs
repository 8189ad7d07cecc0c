namespace Depthwise.Vision.Codecs;

/// <summary>What a JPEG header says, read by <see cref="JpegDecoder.Identify"/> without decoding the pixels.</summary>
/// <param name="Width">Width in pixels as stored (before any EXIF rotation).</param>
/// <param name="Height">Height in pixels as stored.</param>
/// <param name="ComponentCount">1 (gray), 3 (YCbCr or RGB) or 4 (CMYK or YCCK).</param>
/// <param name="IsProgressive">True for a progressive (SOF2) file.</param>
/// <param name="ExifOrientation">The EXIF orientation 1..8 (1 = upright, also when absent).</param>
public sealed record JpegInfo(int Width, int Height, int ComponentCount, bool IsProgressive, int ExifOrientation);
