using Depthwise.Vision.Tasks;
using Xunit.Abstractions;

namespace Depthwise.Vision.Tests.Tasks;

/// <summary>ImageEmbedder on the MobileNetV2 0.35 embedder (int8 weights: skips until dynamic-range quantization is in).</summary>
public class ImageEmbedderTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void EmbeddingsAreUnitLengthAndSimilarImagesAreCloser()
    {
        string model = TaskFixtures.Model("mobilenet_v2_035_96_embedder_with_metadata.tflite");
        var embedder = TaskFixtures.CreateOrSkip(() => new ImageEmbedder(model));
        var burger = embedder.Embed(TaskFixtures.LoadImage(TaskFixtures.Shared("images", "tflite-support", "burger.jpg")));
        var crop = embedder.Embed(TaskFixtures.LoadImage(TaskFixtures.Shared("images", "tflite-support", "burger_crop.jpg")));
        var face = embedder.Embed(TaskFixtures.LoadImage(TaskFixtures.Shared("images", "mediapipe", "sergey.png")));
        Assert.Equal(1280, burger.Dimension);
        Assert.Equal(1f, burger.Norm, 4);
        float same = Embedding.CosineSimilarity(burger, crop), other = Embedding.CosineSimilarity(burger, face);
        output.WriteLine($"cosine burger/crop {same}, burger/face {other}");
        Assert.True(same > other, $"burger vs its crop {same} should exceed burger vs a face {other}");
        Assert.Equal(1f, Embedding.CosineSimilarity(burger, burger), 5);
    }

    [Fact]
    public void CosineSimilarityIsTheNormalizedDotProduct()
    {
        var a = new Embedding([3f, 4f]);
        var b = new Embedding([4f, 3f]);
        Assert.Equal(24f / 25f, Embedding.CosineSimilarity(a, b), 6);
        Assert.Equal(5f, a.Norm, 6);
        Assert.Equal(0f, Embedding.CosineSimilarity(a, new Embedding([0f, 0f])));
        Assert.Throws<ArgumentException>(() => Embedding.CosineSimilarity(a, new Embedding([1f])));
    }
}
