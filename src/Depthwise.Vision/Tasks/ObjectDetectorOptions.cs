using Depthwise.Vision.Postprocessing;

namespace Depthwise.Vision.Tasks;

/// <summary>Options of <see cref="ObjectDetector"/>, named after the TFLite Task Library's <c>ObjectDetectorOptions</c>.</summary>
public sealed record ObjectDetectorOptions : VisionTaskOptions
{
    /// <summary>Report at most this many objects, best first (−1: all the model gives).</summary>
    public int MaxResults { get; init; } = -1;

    /// <summary>
    /// Drop objects scoring below this; null: the metadata's score threshold, else none for models with the
    /// post-processing op and 0.5 for raw SSD outputs.
    /// </summary>
    public float? ScoreThreshold { get; init; }

    /// <summary>Class names by class index, replacing the model's metadata labels.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>When not empty, only these class names are reported (exclusive with <see cref="DenyLabels"/>).</summary>
    public IReadOnlyList<string> AllowLabels { get; init; } = [];

    /// <summary>Class names never reported.</summary>
    public IReadOnlyList<string> DenyLabels { get; init; } = [];

    /// <summary>
    /// Raw SSD outputs only: the anchors. Null picks a preset by the number of boxes (896: BlazeFace short range,
    /// 2304: BlazeFace full range, 1917: MobileNet SSD 300 × 300); other models need them given.
    /// </summary>
    public SsdAnchorOptions? Anchors { get; init; }

    /// <summary>
    /// Raw SSD outputs only: the box decoding. Null uses the anchor preset's model (BlazeFace) or TensorFlow's SSD
    /// (scales 10, 10, 5, 5, exponential sizes, sigmoid scores, class 0 background ignored).
    /// </summary>
    public TensorsToDetectionsOptions? Decoding { get; init; }

    /// <summary>Raw SSD outputs only: the suppression. Null: hard NMS above IoU 0.5 (weighted 0.3 for BlazeFace).</summary>
    public NonMaxSuppressionOptions? Suppression { get; init; }
}
