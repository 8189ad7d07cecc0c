namespace Depthwise.Vision.Postprocessing;

/// <summary>A detection keypoint (MediaPipe's <c>RelativeKeypoint</c>), in the same units as the detection's box.</summary>
/// <param name="X">Horizontal position.</param>
/// <param name="Y">Vertical position.</param>
public readonly record struct Keypoint(float X, float Y);
