namespace Depthwise.Vision.Codecs;

/// <summary>
/// Which JPEG decoder's pixels <see cref="JpegDecoder"/> reproduces. JPEG leaves the inverse DCT, chroma upsampling
/// and colour conversion to the decoder, so two correct decoders differ by a few levels; a model's golden output is
/// only reproducible with the decoder its pipeline used. See docs/codecs.md.
/// </summary>
public enum JpegCompatibility
{
    /// <summary>
    /// libjpeg-turbo's default decoding (djpeg, Pillow, OpenCV, TensorFlow's <c>decode_jpeg</c>): the accurate
    /// integer IDCT, "fancy" upsampling, 16-bit fixed-point colour conversion. The default.
    /// </summary>
    LibJpegTurbo,

    /// <summary>
    /// stb_image's <c>stbi_load</c> (what the TFLite Task Library and MediaPipe's test utilities decode with): its
    /// 12-bit-constant integer IDCT, its upsampling filters and its 12-bit colour conversion, and its choice of colour
    /// space. <c>stbi_load</c> ignores the EXIF orientation, so set <see cref="ImageDecodeOptions.ApplyExifOrientation"/>
    /// to false as well to get its pixels.
    /// </summary>
    StbImage,
}
