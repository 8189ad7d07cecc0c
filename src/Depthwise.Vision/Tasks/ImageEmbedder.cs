using Depthwise.Vision.Preprocessing;

namespace Depthwise.Vision.Tasks;

/// <summary>
/// Computes a feature vector for an image (or a region) with an embedding model, as the TFLite Task Library's
/// <c>ImageEmbedder</c>: crop and bilinear resize to the model input (pixel centres, no letterbox), normalization as
/// <see cref="VisionModel.ChooseNormalization"/> says (float models without metadata: [−1, 1] for NHWC, ImageNet
/// mean/std for NCHW); the first output, flattened and dequantized, is the embedding, L2-normalized unless the options
/// say otherwise. Compare embeddings with <see cref="Embedding.CosineSimilarity"/>. Thread-safe.
/// </summary>
public sealed class ImageEmbedder
{
    private readonly ImageToTensorConverter _converter;

    /// <summary>Loads an embedding model.</summary>
    /// <exception cref="UnsupportedModelException">The model's input is not an image or its first output is not a vector.</exception>
    public ImageEmbedder(string modelPath, ImageEmbedderOptions? options = null)
        : this(VisionModel.Load(modelPath, options?.Session), options) { }

    /// <summary>Embeds with an already loaded model.</summary>
    /// <exception cref="UnsupportedModelException">The model's first output is not a vector.</exception>
    public ImageEmbedder(VisionModel model, ImageEmbedderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Options = options ?? new ImageEmbedderOptions();
        if (model.Outputs.Count == 0 || model.VectorLength(0) < 1)
            throw new UnsupportedModelException(
                $"not an embedder: it needs a feature vector output [1,N] (or [1,1,1,N]); this one has {(model.Outputs.Count == 0 ? "none" : model.DescribeOutputs())}", model.Source);
        var baseOptions = ImageToTensorOptions.TaskLibrary(model.Input.Width, model.Input.Height);
        _converter = new ImageToTensorConverter(model.CreatePreprocessing(baseOptions, Options, model.FamilyDefault(DefaultFloatNormalization)));
    }

    /// <summary>The float normalization of NHWC models without metadata: [−1, 1].</summary>
    public static TensorNormalization DefaultFloatNormalization { get; } = TensorNormalization.Range(-1f, 1f);

    /// <summary>The model.</summary>
    public VisionModel Model { get; }

    /// <summary>The options.</summary>
    public ImageEmbedderOptions Options { get; }

    /// <summary>The pre-processing in effect.</summary>
    public ImageToTensorOptions Preprocessing => _converter.Options;

    /// <summary>Embeds the whole image.</summary>
    public Embedding Embed(Image image) => Embed(image, null);

    /// <summary>Embeds region <paramref name="roi"/> of the image (the whole image when null).</summary>
    public Embedding Embed(Image image, NormalizedRect? roi)
    {
        ArgumentNullException.ThrowIfNull(image);
        var input = _converter.Convert(image, roi);
        var vector = VisionModel.ToFloats(Model.Run(input.Tensor)[0]);
        if (Options.L2Normalize)
        {
            double sum = 0;
            foreach (float v in vector) sum += (double)v * v;
            if (sum > 0)
            {
                float inverse = (float)(1.0 / Math.Sqrt(sum));
                for (int i = 0; i < vector.Length; i++) vector[i] *= inverse;
            }
        }
        return new Embedding(vector);
    }
}
