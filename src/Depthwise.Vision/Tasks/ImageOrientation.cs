namespace Depthwise.Vision.Tasks;

/// <summary>
/// How an image's stored pixels relate to its upright appearance: the eight EXIF orientations (values 1..8), named as
/// EXIF and the TFLite Task Library name them — where the stored image's first row and first column appear when the
/// image is shown upright. <see cref="ImageOrientationTransform"/> converts between the two frames.
/// </summary>
public enum ImageOrientation
{
    /// <summary>EXIF 1: stored upright.</summary>
    TopLeft = 1,

    /// <summary>EXIF 2: stored mirrored left to right.</summary>
    TopRight = 2,

    /// <summary>EXIF 3: stored rotated by 180°.</summary>
    BottomRight = 3,

    /// <summary>EXIF 4: stored mirrored top to bottom.</summary>
    BottomLeft = 4,

    /// <summary>EXIF 5: stored transposed (mirrored about the main diagonal).</summary>
    LeftTop = 5,

    /// <summary>EXIF 6: shown upright after a 90° clockwise turn.</summary>
    RightTop = 6,

    /// <summary>EXIF 7: stored transposed about the anti-diagonal (a 90° turn plus a mirror).</summary>
    RightBottom = 7,

    /// <summary>EXIF 8: shown upright after a 90° counter-clockwise turn.</summary>
    LeftBottom = 8,
}
