namespace Depthwise.Vision.Preprocessing;

/// <summary>Where, inside the region of interest, each tensor pixel is sampled.</summary>
public enum PixelSampling
{
    /// <summary>
    /// MediaPipe's convention (OpenCV <c>warpPerspective</c> mapping the ROI corners onto the tensor corners): tensor
    /// pixel i samples the image at roi_left + i · roi_width / tensor_width in pixel-index coordinates, where image
    /// pixel k sits at k. The whole image mapped onto a tensor of its own size is the identity.
    /// </summary>
    Corners,

    /// <summary>
    /// Pixel centres (TensorFlow's <c>half_pixel_centers</c>, OpenCV <c>resize</c>, libyuv as used by the TFLite Task
    /// Library): the centre of tensor pixel i, roi_left + (i + ½) · roi_width / tensor_width, is sampled with image
    /// pixel k covering [k, k + 1).
    /// </summary>
    HalfPixelCenters,
}
