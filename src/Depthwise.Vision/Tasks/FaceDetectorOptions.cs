namespace Depthwise.Vision.Tasks;

/// <summary>Options of <see cref="FaceDetector"/>; the defaults are MediaPipe's face_detection graphs'.</summary>
public sealed record FaceDetectorOptions : VisionTaskOptions
{
    /// <summary>The model variant; null picks it from the model's input size (128: short range, 192: full range) or anchor count.</summary>
    public BlazeFaceVariant? Variant { get; init; }

    /// <summary>Drop faces scoring below this; null: the variant's (0.5 short range, 0.6 full range).</summary>
    public float? MinScore { get; init; }

    /// <summary>Overlapping detections (IoU above this) are merged by weighted NMS (default 0.3).</summary>
    public float SuppressionThreshold { get; init; } = 0.3f;

    /// <summary>Report at most this many faces, best first (−1: all).</summary>
    public int MaxFaces { get; init; } = -1;
}
