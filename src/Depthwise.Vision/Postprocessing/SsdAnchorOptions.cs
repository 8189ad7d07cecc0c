namespace Depthwise.Vision.Postprocessing;

/// <summary>
/// Options of <see cref="SsdAnchorGenerator"/>, named after MediaPipe's <c>SsdAnchorsCalculatorOptions</c>, with its
/// defaults. Either <see cref="Strides"/> or <see cref="FeatureMapWidths"/>/<see cref="FeatureMapHeights"/> give the
/// grid of each layer.
/// </summary>
public sealed record SsdAnchorOptions
{
    /// <summary>Model input width in pixels (<c>input_size_width</c>).</summary>
    public int InputWidth { get; init; }

    /// <summary>Model input height in pixels (<c>input_size_height</c>).</summary>
    public int InputHeight { get; init; }

    /// <summary>Smallest anchor scale, of the first layer (<c>min_scale</c>).</summary>
    public float MinScale { get; init; }

    /// <summary>Largest anchor scale, of the last layer (<c>max_scale</c>).</summary>
    public float MaxScale { get; init; }

    /// <summary>Number of output layers (<c>num_layers</c>); for multiscale generation, max_level − min_level + 1.</summary>
    public int NumLayers { get; init; }

    /// <summary>Anchor centre offset within a grid cell, in cells (<c>anchor_offset_x</c>, default 0.5).</summary>
    public float AnchorOffsetX { get; init; } = 0.5f;

    /// <summary>Anchor centre offset within a grid cell, in cells (<c>anchor_offset_y</c>, default 0.5).</summary>
    public float AnchorOffsetY { get; init; } = 0.5f;

    /// <summary>Explicit feature map widths per layer (<c>feature_map_width</c>); when set, strides are ignored.</summary>
    public IReadOnlyList<int> FeatureMapWidths { get; init; } = [];

    /// <summary>Explicit feature map heights per layer (<c>feature_map_height</c>).</summary>
    public IReadOnlyList<int> FeatureMapHeights { get; init; } = [];

    /// <summary>Stride of each layer in input pixels (<c>strides</c>): its grid is ceil(input / stride). Consecutive equal strides share one grid.</summary>
    public IReadOnlyList<int> Strides { get; init; } = [];

    /// <summary>Aspect ratios (width / height) of the anchors at each grid cell (<c>aspect_ratios</c>).</summary>
    public IReadOnlyList<float> AspectRatios { get; init; } = [];

    /// <summary>The first layer uses three fixed anchors (scale 0.1 at ratio 1, then ratios 2 and 0.5) instead (<c>reduce_boxes_in_lowest_layer</c>).</summary>
    public bool ReduceBoxesInLowestLayer { get; init; }

    /// <summary>
    /// Aspect ratio of one extra anchor per layer whose scale is the geometric mean of this layer's and the next
    /// (1 after the last); 0 adds none (<c>interpolated_scale_aspect_ratio</c>, default 1).
    /// </summary>
    public float InterpolatedScaleAspectRatio { get; init; } = 1f;

    /// <summary>Every anchor is 1 × 1 (the model predicts sizes in input pixels) (<c>fixed_anchor_size</c>).</summary>
    public bool FixedAnchorSize { get; init; }

    /// <summary>RetinaNet-style feature pyramid anchors (<c>multiscale_anchor_generation</c>).</summary>
    public bool MultiscaleAnchorGeneration { get; init; }

    /// <summary>Lowest pyramid level, stride 2^level (<c>min_level</c>, default 3; multiscale only).</summary>
    public int MinLevel { get; init; } = 3;

    /// <summary>Highest pyramid level (<c>max_level</c>, default 7; multiscale only).</summary>
    public int MaxLevel { get; init; } = 7;

    /// <summary>Anchor size in strides (<c>anchor_scale</c>, default 4; multiscale only).</summary>
    public float AnchorScale { get; init; } = 4f;

    /// <summary>Intermediate scales per octave, 2^(i / n) (<c>scales_per_octave</c>, default 2; multiscale only).</summary>
    public int ScalesPerOctave { get; init; } = 2;

    /// <summary>Divide multiscale anchors by the input size (<c>normalize_coordinates</c>, default true; multiscale only).</summary>
    public bool NormalizeCoordinates { get; init; } = true;

    /// <summary>
    /// BlazeFace short range (MediaPipe face_detection_short_range.pbtxt): 128 × 128 input, 4 layers, strides
    /// 8, 16, 16, 16, scales 0.1484375..0.75, fixed-size anchors: 896 anchors.
    /// </summary>
    public static SsdAnchorOptions BlazeFaceShortRange { get; } = new()
    {
        InputWidth = 128, InputHeight = 128, NumLayers = 4, MinScale = 0.1484375f, MaxScale = 0.75f,
        Strides = [8, 16, 16, 16], AspectRatios = [1f], InterpolatedScaleAspectRatio = 1f, FixedAnchorSize = true,
    };

    /// <summary>
    /// BlazeFace full range (MediaPipe face_detection_full_range.pbtxt): 192 × 192 input, one layer of stride 4,
    /// no interpolated anchor, fixed-size anchors: 2304 anchors.
    /// </summary>
    public static SsdAnchorOptions BlazeFaceFullRange { get; } = new()
    {
        InputWidth = 192, InputHeight = 192, NumLayers = 1, MinScale = 0.1484375f, MaxScale = 0.75f,
        Strides = [4], AspectRatios = [1f], InterpolatedScaleAspectRatio = 0f, FixedAnchorSize = true,
    };

    /// <summary>
    /// MobileNet SSD at 300 × 300 (the example in MediaPipe's ssd_anchors_calculator.cc and its golden file 1): 6 layers,
    /// strides 16..512, scales 0.2..0.95, ratios 1, 2, 0.5, 3, 0.3333, reduced lowest layer: 1917 anchors.
    /// </summary>
    public static SsdAnchorOptions MobileSsd300 { get; } = new()
    {
        InputWidth = 300, InputHeight = 300, NumLayers = 6, MinScale = 0.2f, MaxScale = 0.95f,
        Strides = [16, 32, 64, 128, 256, 512], AspectRatios = [1f, 2f, 0.5f, 3f, 0.3333f], ReduceBoxesInLowestLayer = true,
    };
}
