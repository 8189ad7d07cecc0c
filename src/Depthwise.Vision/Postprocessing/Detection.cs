namespace Depthwise.Vision.Postprocessing;

/// <summary>
/// One detected object: its best class and score, its box and keypoints (MediaPipe's <c>Detection</c> with a
/// <c>RELATIVE_BOUNDING_BOX</c> location). Coordinates are normalized to the model input as decoded, to the image after
/// <see cref="DetectionProjection.ToImageNormalized(Detection, in Preprocessing.TensorImageTransform)"/>, or pixels after <see cref="DetectionProjection.ToImagePixels(Detection, in Preprocessing.TensorImageTransform)"/>.
/// </summary>
public sealed record Detection
{
    /// <summary>Creates a detection.</summary>
    public Detection(float score, int classId, BoundingBox box, IReadOnlyList<Keypoint>? keypoints = null)
    {
        Score = score;
        ClassId = classId;
        Box = box;
        Keypoints = keypoints ?? [];
    }

    /// <summary>Confidence (a probability when the decoder applied a sigmoid).</summary>
    public float Score { get; init; }

    /// <summary>Index of the best class in the model's score vector.</summary>
    public int ClassId { get; init; }

    /// <summary>The box.</summary>
    public BoundingBox Box { get; init; }

    /// <summary>Keypoints in model order (e.g. BlazeFace: right eye, left eye, nose tip, mouth, right ear tragion, left ear tragion).</summary>
    public IReadOnlyList<Keypoint> Keypoints { get; init; }
}
