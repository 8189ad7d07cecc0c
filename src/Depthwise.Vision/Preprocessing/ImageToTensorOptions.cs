using Depthwise.Tensors;

namespace Depthwise.Vision.Preprocessing;

/// <summary>
/// Options of <see cref="ImageToTensorConverter"/>, named after MediaPipe's <c>ImageToTensorCalculatorOptions</c>; the
/// defaults are MediaPipe's where it has one.
/// </summary>
public sealed record ImageToTensorOptions
{
    /// <summary>Tensor width in pixels; 0 (the default) uses the input image's width, as MediaPipe does when unset.</summary>
    public int OutputWidth { get; init; }

    /// <summary>Tensor height in pixels; 0 (the default) uses the input image's height.</summary>
    public int OutputHeight { get; init; }

    /// <summary>
    /// Letterbox: grow the region of interest about its centre to the tensor's aspect ratio before sampling, so the
    /// content is not stretched (MediaPipe <c>keep_aspect_ratio</c>, default false). The padding it adds is reported in
    /// <see cref="TensorImageTransform.Letterbox"/>.
    /// </summary>
    public bool KeepAspectRatio { get; init; }

    /// <summary>What samples outside the image read (MediaPipe <c>border_mode</c>, default <see cref="BorderMode.Replicate"/>).</summary>
    public BorderMode BorderMode { get; init; } = BorderMode.Replicate;

    /// <summary>Sampling filter (default <see cref="InterpolationMode.Bilinear"/>, MediaPipe's <c>INTER_LINEAR</c>).</summary>
    public InterpolationMode Interpolation { get; init; } = InterpolationMode.Bilinear;

    /// <summary>Where tensor pixels sample the ROI (default <see cref="PixelSampling.Corners"/>, MediaPipe's).</summary>
    public PixelSampling Sampling { get; init; } = PixelSampling.Corners;

    /// <summary>
    /// Mirror the tensor left to right: tensor pixel i holds what pixel W − 1 − i would hold unflipped, and the
    /// reported transform maps tensor x to 1 − x (the <c>flip_horizontally</c> of MediaPipe's transform matrix).
    /// </summary>
    public bool FlipHorizontally { get; init; }

    /// <summary>
    /// Value mapping from [0, 255]. Null (the default) picks by <see cref="OutputType"/>: [0, 1] for float32,
    /// <see cref="TensorNormalization.Identity"/> for uint8, [−128, 127] for int8.
    /// </summary>
    public TensorNormalization? Normalization { get; init; }

    /// <summary>Tensor element type: <see cref="DataType.Float32"/> (default), <see cref="DataType.UInt8"/> or <see cref="DataType.Int8"/>.</summary>
    public DataType OutputType { get; init; } = DataType.Float32;

    /// <summary>Axis order (default <see cref="TensorLayout.Nhwc"/>).</summary>
    public TensorLayout Layout { get; init; } = TensorLayout.Nhwc;

    /// <summary>Colour order of three-channel tensors (default <see cref="ChannelOrder.Rgb"/>).</summary>
    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;

    /// <summary>
    /// Tensor channels: 0 (default) follows MediaPipe, 1 for a <see cref="PixelFormat.Gray8"/> image and 3 otherwise
    /// (alpha dropped); 3 expands gray to three equal channels; 1 turns colour into luminance with OpenCV's
    /// <c>RGB2GRAY</c> weights (0.299, 0.587, 0.114).
    /// </summary>
    public int OutputChannels { get; init; }

    /// <summary>
    /// The TFLite Task Library's image preprocessing: the region of interest (a pixel rectangle, see
    /// <see cref="NormalizedRect.FromPixels"/>) is cropped and resized bilinearly to the model size with pixel-centre
    /// sampling, without letterboxing; then normalized as the model metadata says (e.g.
    /// <see cref="TensorNormalization.MeanStd(float, float)"/>), or left as bytes for quantized models.
    /// </summary>
    public static ImageToTensorOptions TaskLibrary(int width, int height, TensorNormalization? normalization = null, DataType outputType = DataType.Float32) => new()
    {
        OutputWidth = width,
        OutputHeight = height,
        Sampling = PixelSampling.HalfPixelCenters,
        Interpolation = InterpolationMode.Bilinear,
        BorderMode = BorderMode.Replicate,
        Normalization = normalization,
        OutputType = outputType,
    };

    /// <summary>The normalization in effect: <see cref="Normalization"/> or the default for <see cref="OutputType"/>.</summary>
    public TensorNormalization EffectiveNormalization => Normalization ?? OutputType switch
    {
        DataType.UInt8 => TensorNormalization.Identity,
        DataType.Int8 => Int8Range,
        _ => UnitRange,
    };

    private static readonly TensorNormalization UnitRange = TensorNormalization.Range(0f, 1f);
    private static readonly TensorNormalization Int8Range = TensorNormalization.Range(-128f, 127f);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (OutputWidth < 0 || OutputHeight < 0)
            throw new ArgumentException($"output size must not be negative, got {OutputWidth}x{OutputHeight}");
        if ((OutputWidth == 0) != (OutputHeight == 0))
            throw new ArgumentException($"set both output width and height or neither, got {OutputWidth}x{OutputHeight}");
        if (OutputType is not (DataType.Float32 or DataType.UInt8 or DataType.Int8))
            throw new ArgumentException($"output type {DataTypes.Name(OutputType)} is not supported (float32, uint8, int8)");
        if (OutputChannels is not (0 or 1 or 3))
            throw new ArgumentException($"output channels must be 0 (automatic), 1 or 3, got {OutputChannels}");
        if (!Enum.IsDefined(BorderMode) || !Enum.IsDefined(Interpolation) || !Enum.IsDefined(Sampling)
            || !Enum.IsDefined(Layout) || !Enum.IsDefined(ChannelOrder))
            throw new ArgumentException("an enum option has an undefined value");
    }
}
