using Depthwise.Vision.Postprocessing;
using Depthwise.Vision.Preprocessing;

namespace Depthwise.Vision.Tasks;

/// <summary>
/// Finds faces with MediaPipe's BlazeFace models (face_detection_short_range / _full_range.tflite), as MediaPipe's
/// face_detection graphs do: the image (or a region) is letterboxed to the model input with zero borders and mapped to
/// [−1, 1]; the raw regressors and scores are decoded against the variant's SSD anchors (sigmoid scores, six
/// keypoints), merged by weighted non-maximum suppression (IoU 0.3) and projected back to image pixels. Thread-safe.
/// </summary>
public sealed class FaceDetector
{
    private readonly ImageToTensorConverter _converter;
    private readonly TensorsToDetections _decoder;
    private readonly NonMaxSuppressionOptions _nms;
    private readonly int _boxesOutput;
    private readonly int _scoresOutput;

    /// <summary>Loads a BlazeFace model.</summary>
    /// <exception cref="UnsupportedModelException">The model is not a BlazeFace model (input, outputs or anchors differ).</exception>
    public FaceDetector(string modelPath, FaceDetectorOptions? options = null)
        : this(VisionModel.Load(modelPath, options?.Session), options) { }

    /// <summary>Detects with an already loaded BlazeFace model.</summary>
    /// <exception cref="UnsupportedModelException">The model is not a BlazeFace model.</exception>
    public FaceDetector(VisionModel model, FaceDetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Options = options ?? new FaceDetectorOptions();
        (_boxesOutput, _scoresOutput, int boxes) = FindOutputs(model);
        Variant = Options.Variant ?? Recognize(model, boxes);
        var (anchorOptions, decoding) = Variant == BlazeFaceVariant.ShortRange
            ? (SsdAnchorOptions.BlazeFaceShortRange, TensorsToDetectionsOptions.BlazeFaceShortRange)
            : (SsdAnchorOptions.BlazeFaceFullRange, TensorsToDetectionsOptions.BlazeFaceFullRange);
        if (decoding.NumBoxes != boxes)
            throw new UnsupportedModelException($"the {Variant} BlazeFace variant has {decoding.NumBoxes} anchors, but the model outputs {boxes} boxes", model.Source);
        if (Options.MinScore is float min) decoding = decoding with { MinScoreThresh = min };
        MinScore = decoding.MinScoreThresh ?? 0f;
        _decoder = new TensorsToDetections(decoding, SsdAnchorGenerator.Generate(anchorOptions));
        _nms = NonMaxSuppressionOptions.BlazeFace with { MinSuppressionThreshold = Options.SuppressionThreshold, MaxNumDetections = Options.MaxFaces };
        if (Options.MaxFaces == 0) throw new ArgumentException("max faces 0 would report nothing; use -1 for all");
        var baseOptions = new ImageToTensorOptions { KeepAspectRatio = true, BorderMode = BorderMode.Zero };
        _converter = new ImageToTensorConverter(model.CreatePreprocessing(baseOptions, Options, DefaultFloatNormalization));
    }

    /// <summary>BlazeFace's input range, [−1, 1].</summary>
    public static TensorNormalization DefaultFloatNormalization { get; } = TensorNormalization.Range(-1f, 1f);

    /// <summary>The model.</summary>
    public VisionModel Model { get; }

    /// <summary>The options.</summary>
    public FaceDetectorOptions Options { get; }

    /// <summary>The BlazeFace variant in use.</summary>
    public BlazeFaceVariant Variant { get; }

    /// <summary>The minimum score in effect.</summary>
    public float MinScore { get; }

    /// <summary>The pre-processing in effect.</summary>
    public ImageToTensorOptions Preprocessing => _converter.Options;

    private static (int Boxes, int Scores, int Count) FindOutputs(VisionModel model)
    {
        int boxes = -1, scores = -1, count = 0;
        for (int i = 0; i < model.OutputShapes.Count; i++)
        {
            var shape = model.OutputShapes[i];
            if (shape.Rank != 3) continue;
            if (shape[2] == 16 && boxes < 0) (boxes, count) = (i, shape[1]);
            else if (shape[2] == 1 && scores < 0) scores = i;
        }
        if (boxes < 0 || scores < 0 || model.OutputShapes[scores][1] != count)
            throw new UnsupportedModelException(
                $"not a BlazeFace model: it needs outputs [1,N,16] (box and keypoint regressors) and [1,N,1] (scores); this one has {model.DescribeOutputs()}",
                model.Source);
        return (boxes, scores, count);
    }

    private static BlazeFaceVariant Recognize(VisionModel model, int boxes)
    {
        var input = model.Input;
        if (input.Width == 128 && input.Height == 128 || boxes == 896) return BlazeFaceVariant.ShortRange;
        if (input.Width == 192 && input.Height == 192 || boxes == 2304) return BlazeFaceVariant.FullRange;
        throw new UnsupportedModelException(
            $"not a known BlazeFace variant: input {input.Width}x{input.Height} with {boxes} boxes (short range: 128x128, 896; full range: 192x192, 2304)",
            model.Source);
    }

    /// <summary>Finds the faces in the whole image, best first, in image pixels.</summary>
    public IReadOnlyList<DetectedFace> Detect(Image image) => Detect(image, null);

    /// <summary>Finds the faces in region <paramref name="roi"/> of the image (the whole image when null), in image pixels.</summary>
    public IReadOnlyList<DetectedFace> Detect(Image image, NormalizedRect? roi)
    {
        ArgumentNullException.ThrowIfNull(image);
        var input = _converter.Convert(image, roi);
        var outputs = Model.Run(input.Tensor);
        var raw = _decoder.Decode(VisionModel.ToFloats(outputs[_boxesOutput]), VisionModel.ToFloats(outputs[_scoresOutput]));
        var kept = NonMaxSuppression.Apply(raw, _nms);
        var faces = new List<DetectedFace>(kept.Count);
        foreach (var d in DetectionProjection.ToImagePixels(kept, input.Transform))
            faces.Add(new DetectedFace(d.Score, d.Box, d.Keypoints));
        return faces;
    }
}
