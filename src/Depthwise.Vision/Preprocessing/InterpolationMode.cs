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
}
