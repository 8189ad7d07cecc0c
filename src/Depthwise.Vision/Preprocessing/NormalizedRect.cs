namespace Depthwise.Vision.Preprocessing;

/// <summary>
/// A rotated rectangle in coordinates normalized by the image size, as MediaPipe's <c>NormalizedRect</c>: the centre
/// (<see cref="XCenter"/>, <see cref="YCenter"/>) and size (<see cref="Width"/>, <see cref="Height"/>) are fractions
/// of the image width and height (values outside [0, 1] reach past the image), and <see cref="Rotation"/> turns the
/// rectangle about its centre, in radians, clockwise on screen (y points down).
/// </summary>
/// <param name="XCenter">Centre x as a fraction of the image width.</param>
/// <param name="YCenter">Centre y as a fraction of the image height.</param>
/// <param name="Width">Width as a fraction of the image width.</param>
/// <param name="Height">Height as a fraction of the image height.</param>
/// <param name="Rotation">Rotation in radians, clockwise on screen.</param>
public readonly record struct NormalizedRect(float XCenter, float YCenter, float Width, float Height, float Rotation = 0f)
{
    /// <summary>The whole image, unrotated: centre (0.5, 0.5), size 1 × 1 (MediaPipe's default when no ROI is given).</summary>
    public static NormalizedRect Full => new(0.5f, 0.5f, 1f, 1f);

    /// <summary>A rectangle whose rotation is given in degrees (clockwise on screen).</summary>
    public static NormalizedRect FromDegrees(float xCenter, float yCenter, float width, float height, float rotationDegrees)
        => new(xCenter, yCenter, width, height, (float)(rotationDegrees * Math.PI / 180.0));

    /// <summary>
    /// The normalized form of an axis-aligned pixel rectangle (left, top, width, height) of an image of the given size;
    /// this is how the TFLite Task Library's region of interest (a <c>BoundingBox</c> in pixels) is expressed.
    /// </summary>
    public static NormalizedRect FromPixels(float left, float top, float width, float height, int imageWidth, int imageHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageHeight);
        return new((left + width * 0.5f) / imageWidth, (top + height * 0.5f) / imageHeight, width / imageWidth, height / imageHeight);
    }
}
