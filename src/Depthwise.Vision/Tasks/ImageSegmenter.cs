using Depthwise.Tensors;
using Depthwise.Vision.Preprocessing;

namespace Depthwise.Vision.Tasks;

/// <summary>
/// Labels every pixel of an image with a segmentation model. The upright image is resized to the model input without
/// letterboxing (bilinear, pixel centres, as the TFLite Task Library), normalized as
/// <see cref="VisionModel.ChooseNormalization"/> says (float models without metadata: [−1, 1] for multi-class NHWC
/// models such as DeepLab, [0, 1] for one-channel ones such as MediaPipe's selfie segmentation, ImageNet mean/std for
/// NCHW). The output is read as:
/// <list type="bullet">
/// <item>per-class scores [1, H, W, C] (NCHW models: [1, C, H, W]), float or quantized: the class of a pixel is the
/// arg-max over C (the first maximum); resized to the image, scores are first interpolated bilinearly (pixel centres)
/// and the arg-max taken after, as MediaPipe's segmenter does, so class borders follow the scores, not the output grid;</item>
/// <item>one channel [1, H, W, 1] of float confidences (selfie/hair models): interpolated the same way; the pixel is
/// foreground (class 1) above <see cref="ImageSegmenterOptions.ForegroundThreshold"/>, and the confidence is kept;</item>
/// <item>class indices already ([1, H, W] or [1, H, W, 1] of int32/int64, e.g. a model ending in ArgMax): resized with
/// nearest neighbour.</item>
/// </list>
/// At most 256 classes (masks hold a byte per pixel). Thread-safe.
/// </summary>
public sealed class ImageSegmenter
{
    private readonly ImageToTensorConverter _converter;
    private readonly OutputKind _kind;

    private enum OutputKind { Scores, Confidence, ClassIndices }

    /// <summary>Loads a segmentation model.</summary>
    /// <exception cref="UnsupportedModelException">The model's input is not an image or its output is not a mask.</exception>
    public ImageSegmenter(string modelPath, ImageSegmenterOptions? options = null)
        : this(VisionModel.Load(modelPath, options?.Session), options) { }

    /// <summary>Segments with an already loaded model.</summary>
    /// <exception cref="UnsupportedModelException">The model's output is not a mask.</exception>
    public ImageSegmenter(VisionModel model, ImageSegmenterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Options = options ?? new ImageSegmenterOptions();
        if (model.Outputs.Count == 0) throw new UnsupportedModelException("a segmenter needs a mask output; the model has none", model.Source);
        var shape = model.OutputShapes[0];
        var type = model.OutputTypes[0];
        bool integer = type is DataType.Int32 or DataType.Int64;
        bool floatLike = type is DataType.Float32 or DataType.Float16 or DataType.UInt8 or DataType.Int8;
        int channels = 0;
        if (shape.Rank == 3 && shape[0] == 1 && integer)
        {
            _kind = OutputKind.ClassIndices;
        }
        else if (shape.Rank == 4 && shape[0] == 1 && (integer || floatLike))
        {
            channels = model.Input.Layout == TensorLayout.Nchw ? shape[1] : shape[3];
            _kind = integer ? OutputKind.ClassIndices : channels == 1 ? OutputKind.Confidence : OutputKind.Scores;
            if (integer && channels != 1) throw NotAMask(model);
            if (channels > 256)
                throw new UnsupportedModelException($"output {model.DescribeOutput(0)} has {channels} classes; segmenters support at most 256", model.Source);
        }
        else
        {
            throw NotAMask(model);
        }
        ClassCount = _kind switch { OutputKind.Confidence => 2, OutputKind.Scores => channels, _ => 256 };
        var meta = model.OutputMetadata(0);
        Labels = Options.Labels ?? meta?.Labels ?? (_kind == OutputKind.Confidence ? ["background", "foreground"] : []);
        var nhwcDefault = _kind == OutputKind.Confidence ? TensorNormalization.Range(0f, 1f) : TensorNormalization.Range(-1f, 1f);
        var baseOptions = ImageToTensorOptions.TaskLibrary(model.Input.Width, model.Input.Height);
        _converter = new ImageToTensorConverter(model.CreatePreprocessing(baseOptions, Options, model.FamilyDefault(nhwcDefault)));
    }

    private static UnsupportedModelException NotAMask(VisionModel model) => new(
        $"not a segmentation model: output {model.DescribeOutput(0)} is not per-pixel scores [1,H,W,C] (or [1,C,H,W]) nor class indices [1,H,W]", model.Source);

    /// <summary>The model.</summary>
    public VisionModel Model { get; }

    /// <summary>The options.</summary>
    public ImageSegmenterOptions Options { get; }

    /// <summary>Class names by index (empty when there are none).</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The number of classes (2 for one-channel models; 256 when the model outputs indices).</summary>
    public int ClassCount { get; }

    /// <summary>The pre-processing in effect.</summary>
    public ImageToTensorOptions Preprocessing => _converter.Options;

    /// <summary>Segments an upright image; masks have the image's size (or the model's, see <see cref="ImageSegmenterOptions.ResizeToImage"/>).</summary>
    public SegmentationResult Segment(Image image) => Segment(image, ImageOrientation.TopLeft);

    /// <summary>
    /// Segments an image stored with <paramref name="orientation"/>: the model sees it upright, and the masks are
    /// returned in the stored frame, pixel for pixel over <paramref name="image"/> (the TFLite Task Library's convention
    /// for a frame buffer with an orientation).
    /// </summary>
    public SegmentationResult Segment(Image image, ImageOrientation orientation)
    {
        ArgumentNullException.ThrowIfNull(image);
        var orient = new ImageOrientationTransform(image.Width, image.Height, orientation);
        var upright = orient.ToUpright(image);
        var input = _converter.Convert(upright);
        var output = Model.Run(input.Tensor)[0];
        int outW, outH;
        byte[] categories;
        float[]? confidence = null;
        int targetW = Options.ResizeToImage ? upright.Width : 0, targetH = Options.ResizeToImage ? upright.Height : 0;
        if (_kind == OutputKind.ClassIndices)
        {
            var s = output.Shape;
            (outW, outH) = s.Rank == 3 ? (s[2], s[1]) : Model.Input.Layout == TensorLayout.Nchw ? (s[3], s[2]) : (s[2], s[1]);
            var indices = output.ToInt64Array();
            if (targetW == 0) (targetW, targetH) = (outW, outH);
            categories = ResizeNearest(indices, outW, outH, targetW, targetH);
        }
        else
        {
            var (scores, w, h, c) = ToNhwcFloats(output);
            (outW, outH) = (w, h);
            if (targetW == 0) (targetW, targetH) = (outW, outH);
            categories = new byte[targetW * targetH];
            if (_kind == OutputKind.Confidence) confidence = new float[targetW * targetH];
            ResizeScores(scores, w, h, c, targetW, targetH, categories, confidence, Options.ForegroundThreshold);
        }
        if (orientation != ImageOrientation.TopLeft)
        {
            var back = orient.SwapsAxes ? new ImageOrientationTransform(targetH, targetW, orientation) : new ImageOrientationTransform(targetW, targetH, orientation);
            categories = back.ToStoredMap<byte>(categories);
            if (confidence is not null) confidence = back.ToStoredMap<float>(confidence);
            (targetW, targetH) = (back.StoredWidth, back.StoredHeight);
        }
        return new SegmentationResult(targetW, targetH, categories, confidence, Labels, ClassCount);
    }

    private (float[] Scores, int Width, int Height, int Channels) ToNhwcFloats(Tensor output)
    {
        var values = VisionModel.ToFloats(output);
        var s = output.Shape;
        if (Model.Input.Layout != TensorLayout.Nchw) return (values, s[2], s[1], s[3]);
        int c = s[1], h = s[2], w = s[3];
        var nhwc = new float[values.Length];
        for (int k = 0; k < c; k++)
            for (int i = 0; i < h * w; i++)
                nhwc[i * c + k] = values[k * h * w + i];
        return (nhwc, w, h, c);
    }

    /// <summary>Source index and weight of each target pixel along one axis: bilinear with pixel centres aligned.</summary>
    private static (int[] Low, int[] High, float[] Weight) Axis(int source, int target)
    {
        var low = new int[target];
        var high = new int[target];
        var weight = new float[target];
        double scale = (double)source / target;
        for (int i = 0; i < target; i++)
        {
            double x = Math.Clamp((i + 0.5) * scale - 0.5, 0, source - 1);
            int x0 = (int)x;
            low[i] = x0;
            high[i] = Math.Min(x0 + 1, source - 1);
            weight[i] = (float)(x - x0);
        }
        return (low, high, weight);
    }

    private static void ResizeScores(float[] scores, int w, int h, int c, int targetW, int targetH, byte[] categories, float[]? confidence, float threshold)
    {
        var (xl, xh, xt) = Axis(w, targetW);
        var (yl, yh, yt) = Axis(h, targetH);
        for (int v = 0, o = 0; v < targetH; v++)
        {
            int r0 = yl[v] * w, r1 = yh[v] * w;
            float ty = yt[v];
            for (int u = 0; u < targetW; u++, o++)
            {
                int a = (r0 + xl[u]) * c, b = (r0 + xh[u]) * c, d = (r1 + xl[u]) * c, e = (r1 + xh[u]) * c;
                float tx = xt[u];
                int best = 0;
                float bestScore = float.NegativeInfinity;
                for (int k = 0; k < c; k++)
                {
                    float top = scores[a + k] + (scores[b + k] - scores[a + k]) * tx;
                    float bottom = scores[d + k] + (scores[e + k] - scores[d + k]) * tx;
                    float value = top + (bottom - top) * ty;
                    if (value > bestScore)
                    {
                        bestScore = value;
                        best = k;
                    }
                }
                if (confidence is not null)
                {
                    confidence[o] = bestScore;
                    categories[o] = bestScore > threshold ? (byte)1 : (byte)0;
                }
                else
                {
                    categories[o] = (byte)best;
                }
            }
        }
    }

    private static byte[] ResizeNearest(long[] indices, int w, int h, int targetW, int targetH)
    {
        var result = new byte[targetW * targetH];
        for (int v = 0, o = 0; v < targetH; v++)
        {
            int y = Math.Min((int)((v + 0.5) * h / targetH), h - 1);
            for (int u = 0; u < targetW; u++, o++)
            {
                int x = Math.Min((int)((u + 0.5) * w / targetW), w - 1);
                result[o] = (byte)Math.Clamp(indices[y * w + x], 0, 255);
            }
        }
        return result;
    }
}
