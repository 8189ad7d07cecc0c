namespace Depthwise.Vision.Postprocessing;

/// <summary>
/// Options of <see cref="TensorsToDetections"/>, named after MediaPipe's <c>TensorsToDetectionsCalculatorOptions</c>,
/// with its defaults (except the four scales, which MediaPipe leaves at an unusable 0 and every graph sets).
/// </summary>
public sealed record TensorsToDetectionsOptions
{
    /// <summary>Scores per box (<c>num_classes</c>).</summary>
    public int NumClasses { get; init; } = 1;

    /// <summary>Boxes the model emits, one per anchor (<c>num_boxes</c>).</summary>
    public int NumBoxes { get; init; }

    /// <summary>Values per box in the raw box tensor: 4 box values plus keypoints (<c>num_coords</c>).</summary>
    public int NumCoords { get; init; } = 4;

    /// <summary>Index of the first box value within a box's values (<c>box_coord_offset</c>, default 0).</summary>
    public int BoxCoordOffset { get; init; }

    /// <summary>Index of the first keypoint value within a box's values (<c>keypoint_coord_offset</c>).</summary>
    public int KeypointCoordOffset { get; init; }

    /// <summary>Keypoints per box (<c>num_keypoints</c>, default 0).</summary>
    public int NumKeypoints { get; init; }

    /// <summary>Values per keypoint, of which the first two are x and y (<c>num_values_per_keypoint</c>, default 2).</summary>
    public int NumValuesPerKeypoint { get; init; } = 2;

    /// <summary>Divisor of the x centre (and keypoint x) offsets (<c>x_scale</c>): the input width for BlazeFace, 10 for TF SSD.</summary>
    public float XScale { get; init; } = 1f;

    /// <summary>Divisor of the y centre (and keypoint y) offsets (<c>y_scale</c>).</summary>
    public float YScale { get; init; } = 1f;

    /// <summary>Divisor of the width value (<c>w_scale</c>): the input width for BlazeFace, 5 for TF SSD.</summary>
    public float WScale { get; init; } = 1f;

    /// <summary>Divisor of the height value (<c>h_scale</c>).</summary>
    public float HScale { get; init; } = 1f;

    /// <summary>Sizes are exp(value / scale) · anchor size (TF SSD) rather than value / scale · anchor size (<c>apply_exponential_on_box_size</c>).</summary>
    public bool ApplyExponentialOnBoxSize { get; init; }

    /// <summary>Box values are x, y, w, h (and keypoints x, y) rather than y, x, h, w (<c>reverse_output_order</c>).</summary>
    public bool ReverseOutputOrder { get; init; }

    /// <summary>Class indices never reported (<c>ignore_classes</c>); exclusive with <see cref="AllowClasses"/>.</summary>
    public IReadOnlyList<int> IgnoreClasses { get; init; } = [];

    /// <summary>When not empty, the only class indices reported (<c>allow_classes</c>).</summary>
    public IReadOnlyList<int> AllowClasses { get; init; } = [];

    /// <summary>Raw scores are logits: apply a sigmoid (<c>sigmoid_score</c>).</summary>
    public bool SigmoidScore { get; init; }

    /// <summary>Clamp logits to ±this before the sigmoid (<c>score_clipping_thresh</c>; null: no clamp).</summary>
    public float? ScoreClippingThresh { get; init; }

    /// <summary>Mirror results vertically, y → 1 − y (<c>flip_vertically</c>, for GPU-origin inputs).</summary>
    public bool FlipVertically { get; init; }

    /// <summary>Drop boxes whose best score is below this (<c>min_score_thresh</c>; null: keep all).</summary>
    public float? MinScoreThresh { get; init; }

    /// <summary>Stop after this many detections, in box order, before any NMS (<c>max_results</c>; −1: no limit).</summary>
    public int MaxResults { get; init; } = -1;

    /// <summary>
    /// BlazeFace short range (MediaPipe face_detection_short_range.pbtxt and face_detection.pbtxt): 896 boxes of 16
    /// values (x, y, w, h, then 6 keypoints), scales 128, sigmoid clipped at ±100, minimum score 0.5.
    /// </summary>
    public static TensorsToDetectionsOptions BlazeFaceShortRange { get; } = BlazeFace(896, 128f, 0.5f);

    /// <summary>BlazeFace full range (face_detection_full_range.pbtxt): 2304 boxes, scales 192, minimum score 0.6.</summary>
    public static TensorsToDetectionsOptions BlazeFaceFullRange { get; } = BlazeFace(2304, 192f, 0.6f);

    private static TensorsToDetectionsOptions BlazeFace(int boxes, float scale, float minScore) => new()
    {
        NumClasses = 1, NumBoxes = boxes, NumCoords = 16, BoxCoordOffset = 0, KeypointCoordOffset = 4, NumKeypoints = 6,
        NumValuesPerKeypoint = 2, XScale = scale, YScale = scale, WScale = scale, HScale = scale, SigmoidScore = true,
        ScoreClippingThresh = 100f, ReverseOutputOrder = true, MinScoreThresh = minScore,
    };

    /// <summary>
    /// TensorFlow object-detection SSD without the post-processing op (MediaPipe object_detection_mobile_ssd): boxes
    /// y, x, h, w with scales 10, 10, 5, 5 and exponential sizes, sigmoid scores, class 0 (background) ignored.
    /// </summary>
    public static TensorsToDetectionsOptions TfSsd(int numClasses, int numBoxes, float minScore = 0.6f) => new()
    {
        NumClasses = numClasses, NumBoxes = numBoxes, NumCoords = 4, IgnoreClasses = [0], SigmoidScore = true,
        ApplyExponentialOnBoxSize = true, XScale = 10f, YScale = 10f, HScale = 5f, WScale = 5f, MinScoreThresh = minScore,
    };
}
