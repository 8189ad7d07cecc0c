using Depthwise.Ops;
using Depthwise.Vision.Postprocessing;
using Depthwise.Vision.Preprocessing;

namespace Depthwise.Vision.Tasks;

/// <summary>
/// Finds objects with an SSD-style detection model, as the TFLite Task Library's <c>ObjectDetector</c>: the image (or a
/// region) is resized to the model input without letterboxing (bilinear, pixel centres), normalized as
/// <see cref="VisionModel.ChooseNormalization"/> says (float models without metadata: [−1, 1] for NHWC, ImageNet
/// mean/std for NCHW). Two kinds of output are read:
/// <list type="bullet">
/// <item>models ending in <c>TFLite_Detection_PostProcess</c> (boxes ymin, xmin, ymax, xmax normalized, classes,
/// scores, count — told apart by the operator's output slots): decoded and suppressed inside the model;</item>
/// <item>raw SSD outputs, boxes [1, N, 4 + 2k] and scores [1, N, C]: decoded against anchors with
/// <see cref="TensorsToDetections"/> and suppressed with <see cref="NonMaxSuppression"/> here.</item>
/// </list>
/// Boxes are reported in image pixels. Labels come from the options, else the metadata (the classes output's value
/// labels). Thread-safe.
/// </summary>
public sealed class ObjectDetector
{
    private readonly ImageToTensorConverter _converter;
    private readonly int[] _postProcessed = [];
    private readonly TensorsToDetections? _decoder;
    private readonly NonMaxSuppressionOptions? _nms;
    private readonly int _boxesOutput = -1, _scoresOutput = -1;
    private readonly HashSet<int>? _allowed;
    private readonly HashSet<int> _denied = [];

    /// <summary>Loads a detection model.</summary>
    /// <exception cref="UnsupportedModelException">The model's input is not an image, or its outputs are neither kind.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent (labels not found, anchors that do not fit).</exception>
    public ObjectDetector(string modelPath, ObjectDetectorOptions? options = null)
        : this(VisionModel.Load(modelPath, options?.Session), options) { }

    /// <summary>Detects with an already loaded model.</summary>
    /// <exception cref="UnsupportedModelException">The model's outputs are neither kind.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent.</exception>
    public ObjectDetector(VisionModel model, ObjectDetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Options = options ?? new ObjectDetectorOptions();
        if (Options.MaxResults == 0) throw new ArgumentException("max results 0 would report nothing; use -1 for all");
        if (FindPostProcessOutputs(model) is { } slots)
        {
            _postProcessed = slots;
            IsPostProcessed = true;
            var meta = model.OutputMetadata(slots[1]);
            Labels = Options.Labels ?? meta?.ValueLabels ?? meta?.Labels ?? [];
            ScoreThreshold = Options.ScoreThreshold ?? model.OutputMetadata(slots[2])?.ScoreThreshold;
        }
        else
        {
            (_boxesOutput, _scoresOutput) = FindRawOutputs(model);
            var boxShape = model.OutputShapes[_boxesOutput];
            int numBoxes = boxShape[1], numCoords = boxShape[2], numClasses = model.OutputShapes[_scoresOutput][2];
            var (anchors, decoding, nms) = RawSsdDefaults(model, numBoxes, numCoords, numClasses);
            var meta = model.OutputMetadata(_scoresOutput);
            Labels = Options.Labels ?? meta?.Labels ?? meta?.ValueLabels ?? [];
            ScoreThreshold = Options.ScoreThreshold ?? meta?.ScoreThreshold ?? decoding.MinScoreThresh ?? 0.5f;
            decoding = decoding with { MinScoreThresh = ScoreThreshold };
            var generated = SsdAnchorGenerator.Generate(anchors);
            if (generated.Length != numBoxes)
                throw new ArgumentException($"the anchor options give {generated.Length} anchors, but the model outputs {numBoxes} boxes");
            _decoder = new TensorsToDetections(decoding, generated);
            _nms = nms;
        }
        if (Options.AllowLabels.Count > 0 && Options.DenyLabels.Count > 0)
            throw new ArgumentException("give allowed labels or denied labels, not both");
        if (Options.AllowLabels.Count > 0) _allowed = IndicesOf(Options.AllowLabels);
        if (Options.DenyLabels.Count > 0) _denied = IndicesOf(Options.DenyLabels);
        var baseOptions = ImageToTensorOptions.TaskLibrary(model.Input.Width, model.Input.Height);
        _converter = new ImageToTensorConverter(model.CreatePreprocessing(baseOptions, Options, model.FamilyDefault(DefaultFloatNormalization)));
    }

    /// <summary>The float normalization of NHWC models without metadata: [−1, 1] (TensorFlow's SSD MobileNets).</summary>
    public static TensorNormalization DefaultFloatNormalization { get; } = TensorNormalization.Range(-1f, 1f);

    /// <summary>The model.</summary>
    public VisionModel Model { get; }

    /// <summary>The options.</summary>
    public ObjectDetectorOptions Options { get; }

    /// <summary>Whether the model decodes and suppresses boxes itself (TFLite_Detection_PostProcess).</summary>
    public bool IsPostProcessed { get; }

    /// <summary>The class names by class index (empty when there are none).</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The score threshold in effect, or null.</summary>
    public float? ScoreThreshold { get; }

    /// <summary>The pre-processing in effect.</summary>
    public ImageToTensorOptions Preprocessing => _converter.Options;

    private static int[]? FindPostProcessOutputs(VisionModel model)
    {
        // Output slots of TFLite_Detection_PostProcess: 0 boxes, 1 classes, 2 scores, 3 count.
        var slots = new[] { -1, -1, -1, -1 };
        for (int i = 0; i < model.Outputs.Count; i++)
        {
            if (model.OutputProducer(i) is { } p && p.Node.Op is DetectionPostProcessOp && p.Slot is >= 0 and < 4 && slots[p.Slot] < 0)
                slots[p.Slot] = i;
        }
        return Array.IndexOf(slots, -1) < 0 ? slots : null;
    }

    private static (int Boxes, int Scores) FindRawOutputs(VisionModel model)
    {
        int boxes = -1, scores = -1;
        for (int i = 0; i < model.OutputShapes.Count && (boxes < 0 || scores < 0); i++)
        {
            var s = model.OutputShapes[i];
            if (s.Rank != 3 || s[0] != 1) continue;
            bool boxLike = s[2] >= 4 && s[2] % 2 == 0;
            if (boxes < 0 && boxLike && (scores < 0 || model.OutputShapes[scores][1] == s[1])) boxes = i;
            else if (scores < 0 && (boxes < 0 || model.OutputShapes[boxes][1] == s[1])) scores = i;
        }
        if (boxes < 0 || scores < 0)
            throw new UnsupportedModelException(
                "not a detection model: it needs TFLite_Detection_PostProcess outputs, or raw SSD outputs [1,N,4+2k] (boxes) and [1,N,C] (scores); " +
                $"this one has {model.DescribeOutputs()}", model.Source);
        return (boxes, scores);
    }

    private (SsdAnchorOptions Anchors, TensorsToDetectionsOptions Decoding, NonMaxSuppressionOptions Nms) RawSsdDefaults(
        VisionModel model, int numBoxes, int numCoords, int numClasses)
    {
        var o = Options;
        if (o.Anchors is null && numBoxes is 896 or 2304)
        {
            bool shortRange = numBoxes == 896;
            var face = shortRange ? TensorsToDetectionsOptions.BlazeFaceShortRange : TensorsToDetectionsOptions.BlazeFaceFullRange;
            return (shortRange ? SsdAnchorOptions.BlazeFaceShortRange : SsdAnchorOptions.BlazeFaceFullRange,
                o.Decoding ?? face, o.Suppression ?? NonMaxSuppressionOptions.BlazeFace);
        }
        var anchors = o.Anchors ?? (numBoxes == 1917 ? SsdAnchorOptions.MobileSsd300 with { InputWidth = model.Input.Width, InputHeight = model.Input.Height } : null)
            ?? throw new UnsupportedModelException(
                $"raw SSD outputs with {numBoxes} boxes: give the anchor options (presets exist for 896, 2304 and 1917 boxes)", model.Source);
        var decoding = o.Decoding ?? TensorsToDetectionsOptions.TfSsd(numClasses, numBoxes) with { NumCoords = numCoords, MinScoreThresh = null };
        var nms = o.Suppression ?? new NonMaxSuppressionOptions { MinSuppressionThreshold = 0.5f, OverlapType = OverlapType.IntersectionOverUnion };
        return (anchors, decoding, nms);
    }

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

    /// <summary>Finds the objects in the whole image, best first, in image pixels.</summary>
    public IReadOnlyList<DetectedObject> Detect(Image image) => Detect(image, null);

    /// <summary>Finds the objects in region <paramref name="roi"/> of the image (the whole image when null), in image pixels.</summary>
    public IReadOnlyList<DetectedObject> Detect(Image image, NormalizedRect? roi)
    {
        ArgumentNullException.ThrowIfNull(image);
        var input = _converter.Convert(image, roi);
        var outputs = Model.Run(input.Tensor);
        List<Detection> detections;
        if (IsPostProcessed)
        {
            var counts = VisionModel.ToFloats(outputs[_postProcessed[3]]);
            var scores = VisionModel.ToFloats(outputs[_postProcessed[2]]);
            int count = counts.Length > 0 && float.IsFinite(counts[0]) ? Math.Clamp((int)counts[0], 0, scores.Length) : 0;
            detections = TensorsToDetections.FromPostProcessed(VisionModel.ToFloats(outputs[_postProcessed[0]]),
                VisionModel.ToFloats(outputs[_postProcessed[1]]), scores, count, new TensorsToDetectionsOptions { MinScoreThresh = ScoreThreshold });
        }
        else
        {
            var raw = _decoder!.Decode(VisionModel.ToFloats(outputs[_boxesOutput]), VisionModel.ToFloats(outputs[_scoresOutput]));
            detections = NonMaxSuppression.Apply(raw, _nms!);
        }
        var result = new List<DetectedObject>();
        foreach (var d in DetectionProjection.ToImagePixels(detections, input.Transform))
        {
            if (_allowed is not null && !_allowed.Contains(d.ClassId)) continue;
            if (_denied.Contains(d.ClassId)) continue;
            string? label = d.ClassId >= 0 && d.ClassId < Labels.Count ? Labels[d.ClassId] : null;
            result.Add(new DetectedObject(d.ClassId, label, d.Score, d.Box, d.Keypoints));
        }
        // Best first; equal scores keep the model's order (both sources are sorted already, this only guarantees it).
        var sorted = result.OrderByDescending(r => r.Score).ToList();
        if (Options.MaxResults > 0 && sorted.Count > Options.MaxResults) sorted.RemoveRange(Options.MaxResults, sorted.Count - Options.MaxResults);
        return sorted;
    }
}
