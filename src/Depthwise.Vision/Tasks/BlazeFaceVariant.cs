namespace Depthwise.Vision.Tasks;

/// <summary>Which BlazeFace model a <see cref="FaceDetector"/> runs (MediaPipe's face_detection modules).</summary>
public enum BlazeFaceVariant
{
    /// <summary>Short range (faces within ~2 m, selfies): 128 × 128 input, 896 anchors, minimum score 0.5.</summary>
    ShortRange,

    /// <summary>Full range (faces within ~5 m): 192 × 192 input, 2304 anchors, minimum score 0.6.</summary>
    FullRange,
}
