namespace Depthwise.Vision.Postprocessing;

/// <summary>
/// An axis-aligned box by its top-left corner and size (MediaPipe's <c>RelativeBoundingBox</c>), in whatever units the
/// detection uses: normalized [0, 1] coordinates of the model input or image, or pixels after projection.
/// </summary>
/// <param name="XMin">Left edge.</param>
/// <param name="YMin">Top edge.</param>
/// <param name="Width">Width (non-negative for a valid box).</param>
/// <param name="Height">Height (non-negative for a valid box).</param>
public readonly record struct BoundingBox(float XMin, float YMin, float Width, float Height)
{
    /// <summary>The box spanning two corners.</summary>
    public static BoundingBox FromCorners(float xMin, float yMin, float xMax, float yMax) => new(xMin, yMin, xMax - xMin, yMax - yMin);

    /// <summary>Right edge.</summary>
    public float XMax => XMin + Width;

    /// <summary>Bottom edge.</summary>
    public float YMax => YMin + Height;

    /// <summary>Width · height.</summary>
    public float Area => Width * Height;

    /// <summary>True when the box is inverted (a negative width or height).</summary>
    public bool IsEmpty => XMin > XMax || YMin > YMax;

    /// <summary>Whether the two boxes touch or overlap (MediaPipe's <c>Rectangle::Intersects</c>: shared edges count).</summary>
    public bool Intersects(BoundingBox other)
        => !(IsEmpty || other.IsEmpty || other.XMax < XMin || XMax < other.XMin || other.YMax < YMin || YMax < other.YMin);

    /// <summary>The overlap of the two boxes (zero-sized when they only touch; inverted when apart).</summary>
    public BoundingBox Intersection(BoundingBox other)
        => FromCorners(Math.Max(XMin, other.XMin), Math.Max(YMin, other.YMin), Math.Min(XMax, other.XMax), Math.Min(YMax, other.YMax));

    /// <summary>The smallest box containing both.</summary>
    public BoundingBox Enclosing(BoundingBox other)
        => FromCorners(Math.Min(XMin, other.XMin), Math.Min(YMin, other.YMin), Math.Max(XMax, other.XMax), Math.Max(YMax, other.YMax));
}
