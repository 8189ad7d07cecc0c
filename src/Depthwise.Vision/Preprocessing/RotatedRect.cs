namespace Depthwise.Vision.Preprocessing;

/// <summary>
/// A rotated rectangle in image pixel units (MediaPipe's <c>RotatedRect</c>): centre, size and a clockwise rotation in
/// radians. Pixel coordinates put the image's left edge at x = 0 and its right edge at x = width.
/// </summary>
/// <param name="CenterX">Centre x in pixels.</param>
/// <param name="CenterY">Centre y in pixels.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Rotation">Rotation in radians, clockwise on screen.</param>
public readonly record struct RotatedRect(float CenterX, float CenterY, float Width, float Height, float Rotation);
