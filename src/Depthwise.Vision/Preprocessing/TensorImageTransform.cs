using System.Numerics;

namespace Depthwise.Vision.Preprocessing;

/// <summary>
/// The geometry of one image-to-tensor conversion: which (possibly rotated, letterboxed) region of the image the tensor
/// shows, and the affine map between the two. Tensor points are normalized, (0, 0) the tensor's top-left corner and
/// (1, 1) its bottom-right, which is how detection models report boxes and keypoints; image points are pixels
/// (0 … width) or normalized by the image size. <see cref="ToImageNormalized"/> is MediaPipe's
/// <c>GetRotatedSubRectToRectTransformMatrix</c> (the <c>MATRIX</c> output consumed by <c>DetectionProjectionCalculator</c>).
/// </summary>
public readonly struct TensorImageTransform
{
    // Tensor-normalized (u, v) → image pixels: x = _a·u + _b·v + _c, y = _d·u + _e·v + _f.
    private readonly double _a, _b, _c, _d, _e, _f;

    /// <summary>Builds the transform of a region <paramref name="roi"/> (already padded, if letterboxed) of an image.</summary>
    /// <param name="roi">The region in image pixels that the whole tensor shows.</param>
    /// <param name="imageWidth">Image width in pixels.</param>
    /// <param name="imageHeight">Image height in pixels.</param>
    /// <param name="tensorWidth">Tensor width in pixels.</param>
    /// <param name="tensorHeight">Tensor height in pixels.</param>
    /// <param name="letterbox">The padding included in <paramref name="roi"/>.</param>
    /// <param name="flipHorizontally">Whether the tensor mirrors the region left to right.</param>
    public TensorImageTransform(RotatedRect roi, int imageWidth, int imageHeight, int tensorWidth, int tensorHeight,
        LetterboxPadding letterbox = default, bool flipHorizontally = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tensorWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tensorHeight);
        Roi = roi;
        ImageWidth = imageWidth;
        ImageHeight = imageHeight;
        TensorWidth = tensorWidth;
        TensorHeight = tensorHeight;
        Letterbox = letterbox;
        FlipHorizontally = flipHorizontally;
        // Tensor point (u, v) is ((u − ½)·w·flip, (v − ½)·h) in the region's own frame; rotate by the region's angle
        // (clockwise on screen, y down) and move to its centre.
        double cos = Math.Cos(roi.Rotation), sin = Math.Sin(roi.Rotation);
        double w = roi.Width * (flipHorizontally ? -1.0 : 1.0), h = roi.Height;
        _a = cos * w;
        _b = -sin * h;
        _c = roi.CenterX - 0.5 * cos * w + 0.5 * sin * h;
        _d = sin * w;
        _e = cos * h;
        _f = roi.CenterY - 0.5 * sin * w - 0.5 * cos * h;
    }

    /// <summary>The image region (pixels) that the whole tensor shows, including any letterbox padding.</summary>
    public RotatedRect Roi { get; }

    /// <summary>Width of the source image in pixels.</summary>
    public int ImageWidth { get; }

    /// <summary>Height of the source image in pixels.</summary>
    public int ImageHeight { get; }

    /// <summary>Width of the tensor in pixels.</summary>
    public int TensorWidth { get; }

    /// <summary>Height of the tensor in pixels.</summary>
    public int TensorHeight { get; }

    /// <summary>The letterbox bands inside the tensor (zero unless aspect ratio was kept).</summary>
    public LetterboxPadding Letterbox { get; }

    /// <summary>Whether the tensor mirrors the region left to right.</summary>
    public bool FlipHorizontally { get; }

    /// <summary>A tensor point (normalized, 0..1) in image pixels.</summary>
    public Vector2 ToImagePixels(Vector2 tensorPoint) => ToImagePixels(tensorPoint.X, tensorPoint.Y);

    /// <summary>A tensor point (normalized, 0..1) in image pixels.</summary>
    public Vector2 ToImagePixels(float u, float v)
        => new((float)(_a * u + _b * v + _c), (float)(_d * u + _e * v + _f));

    /// <summary>A tensor point (normalized) in image coordinates normalized by the image size (MediaPipe's projection).</summary>
    public Vector2 ToImageNormalized(float u, float v)
        => new((float)((_a * u + _b * v + _c) / ImageWidth), (float)((_d * u + _e * v + _f) / ImageHeight));

    /// <summary>An image point in pixels as a normalized tensor point (the inverse of <see cref="ToImagePixels(float, float)"/>).</summary>
    public Vector2 ToTensorNormalized(float x, float y)
    {
        double det = _a * _e - _b * _d;
        double dx = x - _c, dy = y - _f;
        return new((float)((_e * dx - _b * dy) / det), (float)((_a * dy - _d * dx) / det));
    }

    /// <summary>
    /// MediaPipe's 4 × 4 row-major matrix mapping normalized tensor points to normalized image points (the
    /// <c>MATRIX</c> output of <c>ImageToTensorCalculator</c>; z is scaled like x).
    /// </summary>
    public float[] ToMediaPipeMatrix()
    {
        double g = 1.0 / ImageWidth, h = 1.0 / ImageHeight;
        return
        [
            (float)(_a * g), (float)(_b * g), 0f, (float)(_c * g),
            (float)(_d * h), (float)(_e * h), 0f, (float)(_f * h),
            0f, 0f, (float)(Math.Abs(Roi.Width) * g), 0f,
            0f, 0f, 0f, 1f,
        ];
    }

    /// <summary>The affine coefficients (a, b, c, d, e, f) of x = a·u + b·v + c, y = d·u + e·v + f, tensor-normalized to image pixels.</summary>
    public (double A, double B, double C, double D, double E, double F) Coefficients => (_a, _b, _c, _d, _e, _f);
}
