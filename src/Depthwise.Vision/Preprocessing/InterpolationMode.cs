namespace Depthwise.Vision.Preprocessing;

/// <summary>How a tensor pixel is sampled from the image.</summary>
public enum InterpolationMode
{
    /// <summary>
    /// Bilinear over the 2 × 2 neighbourhood, with OpenCV's fixed-point arithmetic (positions quantized to 1/32 pixel,
    /// 15-bit weights, rounded to 8 bits): what MediaPipe's CPU path (<c>warpPerspective</c>, <c>INTER_LINEAR</c>) computes.
    /// </summary>
    Bilinear,

    /// <summary>The nearest pixel (position rounded half to even, as OpenCV <c>INTER_NEAREST</c> in a warp).</summary>
    Nearest,

    /// <summary>
    /// The mean of the image over the tensor pixel's footprint, weighted by overlap (OpenCV <c>INTER_AREA</c>): the
    /// right choice for shrinking. Only for unrotated regions; with a rotation it falls back to <see cref="Bilinear"/>.
    /// </summary>
    Area,

    /// <summary>Bicubic over the 4 × 4 neighbourhood with OpenCV's kernel (a = −0.75, <c>INTER_CUBIC</c>).</summary>
    Bicubic,

    /// <summary>
    /// libyuv's <c>ARGBScale</c> with <c>kFilterBilinear</c>, exactly as it computes on x86-64: how the TFLite Task
    /// Library resizes RGB images. libyuv picks its own sample positions (pixel centres when shrinking, corners when
    /// enlarging, 2 × 2 box averages for even integer factors, point sampling for odd ones), so
    /// <see cref="PixelSampling"/> does not apply. The region of interest is cropped to whole pixels (as the Task
    /// Library's integer crop box) and must not be rotated or letterboxed; <see cref="BorderMode"/> is irrelevant
    /// (nothing is sampled outside the crop). Gray images are scaled with the same arithmetic (libyuv's planar
    /// scaler, which the Task Library uses for gray frames, rounds differently).
    /// </summary>
    Libyuv,
}
