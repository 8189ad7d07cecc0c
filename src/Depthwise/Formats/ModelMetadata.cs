namespace Depthwise;

/// <summary>
/// What a model file says about how to use it, beyond the graph: its name and description, and per input and output
/// tensor the preprocessing (normalization, image properties) and postprocessing (labels, score calibration) its authors
/// intended. Read from TFLite metadata (the "TFLITE_METADATA" buffer and the files zipped onto the model); attached
/// to the graph as <c>Graph.ModelInfo</c>. Every part is optional: a model without metadata has none of this.
/// </summary>
public sealed record ModelMetadata
{
    /// <summary>The model's name.</summary>
    public string? Name { get; init; }

    /// <summary>What the model does.</summary>
    public string? Description { get; init; }

    /// <summary>The model's version, as its authors wrote it.</summary>
    public string? Version { get; init; }

    /// <summary>Who made the model.</summary>
    public string? Author { get; init; }

    /// <summary>The licence(s) that apply to the model.</summary>
    public string? License { get; init; }

    /// <summary>One entry per graph input, in model order (entries are empty when the metadata says nothing about an input).</summary>
    public IReadOnlyList<TensorMetadata> Inputs { get; init; } = [];

    /// <summary>One entry per graph output, in model order.</summary>
    public IReadOnlyList<TensorMetadata> Outputs { get; init; } = [];

    /// <summary>Files that belong to the model as a whole (e.g. a readme), with their contents when the model packs them.</summary>
    public IReadOnlyList<AssociatedFile> AssociatedFiles { get; init; } = [];
}

/// <summary>Metadata of one input or output tensor.</summary>
public sealed record TensorMetadata
{
    /// <summary>The tensor's name in the metadata (may differ from the graph's value name).</summary>
    public string? Name { get; init; }

    /// <summary>A description of the tensor.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// Per-channel means of the normalization (x − mean) / std the model expects on this input (one value applies to
    /// every channel); null when none is given.
    /// </summary>
    public IReadOnlyList<float>? Mean { get; init; }

    /// <summary>Per-channel standard deviations of the normalization (one value applies to every channel); null when none is given.</summary>
    public IReadOnlyList<float>? Std { get; init; }

    /// <summary>True when the tensor is an image (its content is image properties).</summary>
    public bool IsImage { get; init; }

    /// <summary>The image's color space, when the tensor is an image.</summary>
    public ImageColorSpace ColorSpace { get; init; }

    /// <summary>Default image width for tensors with dynamic shapes, when given.</summary>
    public int? DefaultWidth { get; init; }

    /// <summary>Default image height for tensors with dynamic shapes, when given.</summary>
    public int? DefaultHeight { get; init; }

    /// <summary>Per-channel minimum of the tensor's values (statistics), when given.</summary>
    public IReadOnlyList<float>? Min { get; init; }

    /// <summary>Per-channel maximum of the tensor's values (statistics), when given.</summary>
    public IReadOnlyList<float>? Max { get; init; }

    /// <summary>
    /// The labels of the tensor's last axis (the first TENSOR_AXIS_LABELS file, one label per line), e.g. class names
    /// of a classifier's scores: <c>Labels[i]</c> names score <c>i</c>. Null when the model packs none.
    /// </summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>
    /// The labels the tensor's values index (the first TENSOR_VALUE_LABELS file), e.g. a detector's class ids. Null
    /// when the model packs none.
    /// </summary>
    public IReadOnlyList<string>? ValueLabels { get; init; }

    /// <summary>Sigmoid score calibration of this output, when the model specifies it.</summary>
    public ScoreCalibration? ScoreCalibration { get; init; }

    /// <summary>The recommended score threshold below which results should be dropped, when given.</summary>
    public float? ScoreThreshold { get; init; }

    /// <summary>Files attached to this tensor (labels, calibration...), with their contents when the model packs them.</summary>
    public IReadOnlyList<AssociatedFile> AssociatedFiles { get; init; } = [];
}

/// <summary>The color space of an image tensor.</summary>
public enum ImageColorSpace
{
    /// <summary>Not specified.</summary>
    Unknown,
    /// <summary>Red, green, blue channels.</summary>
    Rgb,
    /// <summary>One luminance channel.</summary>
    Grayscale,
}

/// <summary>What an associated file holds (TFLite metadata <c>AssociatedFileType</c>).</summary>
public enum AssociatedFileKind
{
    /// <summary>Not specified.</summary>
    Unknown,
    /// <summary>Descriptions, e.g. a readme.</summary>
    Descriptions,
    /// <summary>Labels of the tensor's last axis, one per line.</summary>
    TensorAxisLabels,
    /// <summary>Labels the tensor's values index, one per line.</summary>
    TensorValueLabels,
    /// <summary>Sigmoid score-calibration parameters, one CSV line per score.</summary>
    TensorAxisScoreCalibration,
    /// <summary>A vocabulary, one token per line.</summary>
    Vocabulary,
}

/// <summary>A file that belongs to a model or tensor.</summary>
/// <param name="Name">The file's name (the entry name in the archive packed with the model).</param>
/// <param name="Kind">What the file holds.</param>
/// <param name="Description">A description, when given.</param>
/// <param name="Locale">The language of the file (e.g. "en"), when given.</param>
/// <param name="Contents">The file's bytes, or null when the model does not pack them.</param>
public sealed record AssociatedFile(string Name, AssociatedFileKind Kind, string? Description, string? Locale, ReadOnlyMemory<byte>? Contents);

/// <summary>How uncalibrated scores are transformed before the calibration sigmoid.</summary>
public enum ScoreTransformation
{
    /// <summary>g(x) = x.</summary>
    Identity,
    /// <summary>g(x) = log(x).</summary>
    Log,
    /// <summary>g(x) = log(x) − log(1 − x).</summary>
    InverseLogistic,
}

/// <summary>
/// Sigmoid score calibration: for score index i with parameters (scale, slope, offset, minScore),
/// f(x) = scale / (1 + e^−(slope·g(x) + offset)) when x &gt; minScore (or no minScore is given), else
/// <see cref="DefaultScore"/>; indices without parameters also get <see cref="DefaultScore"/>.
/// </summary>
/// <param name="Transformation">The transform g.</param>
/// <param name="DefaultScore">The score given below min_score or without parameters.</param>
/// <param name="Parameters">Per score index its parameters, or null for an index without (an empty line); null when the model packs no parameter file.</param>
public sealed record ScoreCalibration(ScoreTransformation Transformation, float DefaultScore, IReadOnlyList<ScoreCalibrationParameters?>? Parameters);

/// <summary>The sigmoid parameters of one score index.</summary>
/// <param name="Scale">Scale of the sigmoid.</param>
/// <param name="Slope">Slope applied to g(x).</param>
/// <param name="Offset">Offset added to slope·g(x).</param>
/// <param name="MinScore">Scores at or below this get the default score; null when not given.</param>
public sealed record ScoreCalibrationParameters(float Scale, float Slope, float Offset, float? MinScore);
