using System.Text.Json;

namespace Depthwise.Cli.Tests;

/// <summary>depthwise embed, with the small ONNX conv net's 8 outputs as the feature vector.</summary>
public class EmbedCommandTests
{
    [Fact]
    public void PairwiseSimilaritiesInTextAndJson()
    {
        using var cli = new CliRunner();
        string model = TestModels.WriteConvNet(cli.PathOf("conv.onnx"));
        string a = VisionTestData.WriteNoisePng(cli.PathOf("a.png"), 32, 32, 1);
        string b = VisionTestData.WriteNoisePng(cli.PathOf("b.png"), 20, 40, 2);
        var r = cli.Run("embed", model, a, b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("8 values, norm 1.000", r.Out, StringComparison.Ordinal);
        Assert.Contains("cosine similarity", r.Out, StringComparison.Ordinal);

        r = cli.Run("embed", model, a, b, "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        using var second = JsonDocument.Parse(lines[1]);
        var v = first.RootElement.GetProperty("embedding").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(8, first.RootElement.GetProperty("dimension").GetInt32());
        Assert.Equal(1.0, Math.Sqrt(v.Sum(x => x * x)), 4);
        var s0 = first.RootElement.GetProperty("cosine_similarity").EnumerateArray().Select(e => e.GetDouble()).ToList();
        var s1 = second.RootElement.GetProperty("cosine_similarity").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(1.0, s0[0], 4);
        Assert.Equal(1.0, s1[1], 4);
        Assert.Equal(s0[1], s1[0], 6);
        var w = second.RootElement.GetProperty("embedding").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(v.Zip(w, (x, y) => x * y).Sum(), s0[1], 4);

        r = cli.Run("embed", model, a, "--json", "--raw");
        using var single = JsonDocument.Parse(r.Out);
        Assert.False(single.RootElement.TryGetProperty("cosine_similarity", out _));
    }

    [Fact]
    public void OutDrawsTheSimilarityTable()
    {
        using var cli = new CliRunner();
        string model = TestModels.WriteConvNet(cli.PathOf("conv.onnx"));
        string a = VisionTestData.WriteNoisePng(cli.PathOf("a.png"), 32, 32, 1);
        string b = VisionTestData.WriteNoisePng(cli.PathOf("b.png"), 20, 40, 2);
        string picture = cli.PathOf("table.png");
        var r = cli.Run("embed", model, a, b, "--out", picture);
        Assert.True(r.ExitCode == 0, r.ToString());
        var image = Depthwise.Vision.Codecs.ImageDecoder.Decode(picture);
        Assert.Equal((480, 480), (image.Width, image.Height)); // 3 x 3 cells of 160 px: thumbnails row and column, 2 x 2 values
        // The diagonal cell (similarity 1) is green, its neighbour shaded by the pair's similarity.
        int centre = (240 * 480 + 200) * 3;
        Assert.Equal((40, 220, 90), (image.Pixels[centre], image.Pixels[centre + 1], image.Pixels[centre + 2]));
    }
}
