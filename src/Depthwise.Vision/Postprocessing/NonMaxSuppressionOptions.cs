namespace Depthwise.Vision.Postprocessing;

/// <summary>Options of <see cref="NonMaxSuppression"/>, named after MediaPipe's <c>NonMaxSuppressionCalculatorOptions</c>, with its defaults.</summary>
public sealed record NonMaxSuppressionOptions
{
    /// <summary>A detection is suppressed when its overlap with a kept one exceeds this (<c>min_suppression_threshold</c>, default 1: nothing suppressed).</summary>
    public float MinSuppressionThreshold { get; init; } = 1f;

    /// <summary>The overlap measure (<c>overlap_type</c>, default <see cref="OverlapType.Jaccard"/>).</summary>
    public OverlapType OverlapType { get; init; } = OverlapType.Jaccard;

    /// <summary>Hard or weighted (<c>algorithm</c>, default <see cref="NmsAlgorithm.Default"/>).</summary>
    public NmsAlgorithm Algorithm { get; init; } = NmsAlgorithm.Default;

    /// <summary>
    /// Keep at most this many (<c>max_num_detections</c>; −1, the default, means no limit). MediaPipe's weighted
    /// algorithm ignores it; here both algorithms stop when it is reached.
    /// </summary>
    public int MaxNumDetections { get; init; } = -1;

    /// <summary>Stop at the first detection scoring below this when positive (<c>min_score_threshold</c>, default −1: off).</summary>
    public float MinScoreThreshold { get; init; } = -1f;

    /// <summary>BlazeFace (MediaPipe face_detection.pbtxt): weighted, IoU above 0.3.</summary>
    public static NonMaxSuppressionOptions BlazeFace { get; } = new()
    {
        MinSuppressionThreshold = 0.3f, OverlapType = OverlapType.IntersectionOverUnion, Algorithm = NmsAlgorithm.Weighted,
    };
}
