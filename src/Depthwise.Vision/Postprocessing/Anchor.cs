namespace Depthwise.Vision.Postprocessing;

/// <summary>
/// One SSD anchor (MediaPipe's <c>Anchor</c>): a box centre and size, normally in coordinates normalized by the model
/// input size. Raw box regressions are offsets relative to their anchor.
/// </summary>
/// <param name="XCenter">Centre x.</param>
/// <param name="YCenter">Centre y.</param>
/// <param name="Width">Width (1 for fixed-size anchors).</param>
/// <param name="Height">Height (1 for fixed-size anchors).</param>
public readonly record struct Anchor(float XCenter, float YCenter, float Width, float Height);
