using Depthwise.Vision.Preprocessing;

namespace Depthwise.Vision.Tasks;

/// <summary>
/// Classifies an image (or a region of it) with a classification model, as the TFLite Task Library's
/// <c>ImageClassifier</c>: the region is cropped and resized bilinearly to the model input (pixel-centre sampling, no
/// letterbox), normalized as <see cref="VisionModel.ChooseNormalization"/> says (float models without metadata:
/// [−1, 1] for NHWC, ImageNet mean/std for NCHW), the first output ([1, N] or any shape with N scores) is
/// dequantized, calibrated when the metadata says so, and ranked. Labels come from the options, else the metadata.
/// Thread-safe.
/// </summary>
public sealed class ImageClassifier
{
    private readonly ImageToTensorConverter _converter;
    private readonly ScoreCalibrator? _calibrator;
    private readonly HashSet<int>? _allowed;
    private readonly HashSet<int> _denied = [];

    /// <summary>Loads a classification model.</summary>
    /// <exception cref="UnsupportedModelException">The model's input is not an image or its first output is not a score vector.</exception>
    /// <exception cref="ArgumentException">An allowed or denied label is not among the labels, or both lists are given.</exception>
    public ImageClassifier(string modelPath, ImageClassifierOptions? options = null)
        : this(VisionModel.Load(modelPath, options?.Session), options) { }

    /// <summary>Classifies with an already loaded model.</summary>
    /// <exception cref="UnsupportedModelException">The model's first output is not a score vector.</exception>
    /// <exception cref="ArgumentException">An allowed or denied label is not among the labels, or both lists are given.</exception>
    public ImageClassifier(VisionModel model, ImageClassifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Options = options ?? new ImageClassifierOptions();
        if (model.Outputs.Count == 0 || model.VectorLength(0) < 1)
            throw new UnsupportedModelException(
                $"not a classifier: it needs a score vector output [1,N] (or [1,1,1,N]); this one has {(model.Outputs.Count == 0 ? "none" : model.DescribeOutputs())}", model.Source);
        var outputMetadata = model.OutputMetadata(0);
        Labels = Options.Labels ?? outputMetadata?.Labels ?? [];
        if (Options.ApplyScoreCalibration && outputMetadata?.ScoreCalibration is { } calibration) _calibrator = new ScoreCalibrator(calibration);
        ScoreThreshold = Options.ScoreThreshold ?? outputMetadata?.ScoreThreshold;
        if (Options.AllowLabels.Count > 0 && Options.DenyLabels.Count > 0)
            throw new ArgumentException("give allowed labels or denied labels, not both");
        if (Options.AllowLabels.Count > 0) _allowed = IndicesOf(Options.AllowLabels);
        if (Options.DenyLabels.Count > 0) _denied = IndicesOf(Options.DenyLabels);
        if (Options.MaxResults == 0) throw new ArgumentException("max results 0 would report nothing; use -1 for all");
        var preprocessing = model.CreatePreprocessing(ImageToTensorOptions.TaskLibrary(model.Input.Width, model.Input.Height), Options, model.FamilyDefault(DefaultFloatNormalization));
        _converter = new ImageToTensorConverter(preprocessing);
    }

    /// <summary>The float normalization of NHWC models without metadata: [−1, 1] (MobileNet, EfficientNet-Lite, Inception in TFLite).</summary>
    public static TensorNormalization DefaultFloatNormalization { get; } = TensorNormalization.Range(-1f, 1f);

    /// <summary>The model.</summary>
    public VisionModel Model { get; }

    /// <summary>The options.</summary>
    public ImageClassifierOptions Options { get; }

    /// <summary>The class names by score index (empty when there are none).</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The score threshold in effect (options, else metadata), or null.</summary>
    public float? ScoreThreshold { get; }

    /// <summary>The pre-processing in effect.</summary>
    public ImageToTensorOptions Preprocessing => _converter.Options;

    private HashSet<int> IndicesOf(IReadOnlyList<string> names)
    {
        var set = new HashSet<int>();
        foreach (var name in names)
        {
            int found = 0;
            for (int i = 0; i < Labels.Count; i++)
            {
                if (!string.Equals(Labels[i], name, StringComparison.Ordinal)) continue;
                set.Add(i);
                found++;
            }
            if (found == 0)
                throw new ArgumentException(Labels.Count == 0
                    ? $"label '{name}' cannot be matched: the model has no labels (give a label file)"
                    : $"label '{name}' is not among the model's {Labels.Count} labels");
        }
        return set;
    }

    /// <summary>Classifies the whole image.</summary>
    public IReadOnlyList<Classification> Classify(Image image) => Classify(image, null);

    /// <summary>
    /// Classifies region <paramref name="roi"/> of the image (normalized; <see cref="NormalizedRect.FromPixels"/> turns
    /// a pixel rectangle into one, as the Task Library's bounding-box ROI); the whole image when null.
    /// </summary>
    public IReadOnlyList<Classification> Classify(Image image, NormalizedRect? roi)
    {
        ArgumentNullException.ThrowIfNull(image);
        var input = _converter.Convert(image, roi);
        var outputs = Model.Run(input.Tensor);
        return Rank(VisionModel.ToFloats(outputs[0]));
    }

    /// <summary>Turns one raw score vector (dequantized, index = class) into the ranked result the options ask for.</summary>
    public IReadOnlyList<Classification> Rank(float[] scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        _calibrator?.CalibrateAll(scores);
        Activate(scores, Options.Activation);
        var list = new List<Classification>();
        for (int i = 0; i < scores.Length; i++)
        {
            if (_allowed is not null && !_allowed.Contains(i)) continue;
            if (_denied.Contains(i)) continue;
            if (ScoreThreshold is float t && scores[i] < t) continue;
            if (float.IsNaN(scores[i])) continue;
            list.Add(new Classification(i, i < Labels.Count ? Labels[i] : null, scores[i]));
        }
        // Best first; equal scores keep index order.
        list.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Index.CompareTo(b.Index));
        if (Options.MaxResults > 0 && list.Count > Options.MaxResults) list.RemoveRange(Options.MaxResults, list.Count - Options.MaxResults);
        return list;
    }

    private static void Activate(Span<float> scores, ScoreActivation activation)
    {
        switch (activation)
        {
            case ScoreActivation.Softmax:
                {
                    float max = float.NegativeInfinity;
                    foreach (float s in scores) max = Math.Max(max, s);
                    double sum = 0;
                    for (int i = 0; i < scores.Length; i++)
                    {
                        scores[i] = MathF.Exp(scores[i] - max);
                        sum += scores[i];
                    }
                    for (int i = 0; i < scores.Length; i++) scores[i] = (float)(scores[i] / sum);
                    break;
                }
            case ScoreActivation.Sigmoid:
                for (int i = 0; i < scores.Length; i++) scores[i] = 1f / (1f + MathF.Exp(-scores[i]));
                break;
        }
    }
}
