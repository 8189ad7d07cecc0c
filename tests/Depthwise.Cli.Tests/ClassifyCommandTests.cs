using System.Text.Json;

namespace Depthwise.Cli.Tests;

/// <summary>
/// depthwise classify on a small ONNX conv net (NCHW 16 × 16 input, 8 scores; no shared folder needed) and on the
/// shared float MobileNetV1 with metadata.
/// </summary>
public class ClassifyCommandTests
{
    private static (CliRunner Cli, string Model, string Image) Setup()
    {
        var cli = new CliRunner();
        string model = TestModels.WriteConvNet(cli.PathOf("conv.onnx"));
        string image = VisionTestData.WriteNoisePng(cli.PathOf("noise.png"), 40, 30, 7);
        return (cli, model, image);
    }

    [Fact]
    public void JsonListsTheTopClassesBestFirst()
    {
        var (cli, model, image) = Setup();
        using (cli)
        {
            var r = cli.Run("classify", model, image, "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            using var doc = JsonDocument.Parse(r.Out);
            var classes = doc.RootElement.GetProperty("classes").EnumerateArray().ToList();
            Assert.Equal(5, classes.Count); // --top defaults to 5
            var scores = classes.Select(c => c.GetProperty("score").GetDouble()).ToList();
            Assert.Equal(scores.OrderByDescending(s => s), scores);
            Assert.All(classes, c => Assert.Equal(JsonValueKind.Null, c.GetProperty("label").ValueKind));
            Assert.Equal(classes.Count, classes.Select(c => c.GetProperty("index").GetInt32()).Distinct().Count());

            r = cli.Run("classify", model, image, "--json", "--top", "0");
            using var all = JsonDocument.Parse(r.Out);
            Assert.Equal(8, all.RootElement.GetProperty("classes").GetArrayLength());
        }
    }

    [Fact]
    public void LabelsAllowDenyAndRoi()
    {
        var (cli, model, image) = Setup();
        using (cli)
        {
            string labels = cli.PathOf("labels.txt");
            File.WriteAllLines(labels, ["zero", "one", "two", "three", "four", "five", "six", "seven"]);
            var r = cli.Run("classify", model, image, "--labels", labels, "--allow", "two,five", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            using (var doc = JsonDocument.Parse(r.Out))
            {
                var names = doc.RootElement.GetProperty("classes").EnumerateArray().Select(c => c.GetProperty("label").GetString()).Order().ToList();
                Assert.Equal(["five", "two"], names);
            }
            r = cli.Run("classify", model, image, "--labels", labels, "--deny", "zero", "--deny", "one", "--top", "0");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.DoesNotContain(" zero ", r.Out, StringComparison.Ordinal);
            Assert.Contains("seven", r.Out, StringComparison.Ordinal);

            r = cli.Run("classify", model, image, "--roi", "5,5,20,10");
            Assert.True(r.ExitCode == 0, r.ToString());

            r = cli.Run("classify", model, image, "--roi", "40,0,10,10"); // the image is 40 × 30
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("lies outside the 40x30 image", r.Err, StringComparison.Ordinal);
            r = cli.Run("classify", model, image, "--roi", "5,5,0,10");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("--roi", r.Err, StringComparison.Ordinal);
            r = cli.Run("classify", model, image, "--labels", labels, "--allow", "eleven");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("'eleven' is not among", r.Err, StringComparison.Ordinal);
            r = cli.Run("classify", model, image, "--allow", "two");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("no labels", r.Err, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AModelWhoseInputIsNotAnImageIsAUserError()
    {
        using var cli = new CliRunner();
        string image = VisionTestData.WriteNoisePng(cli.PathOf("noise.png"), 8, 8, 1);
        string model = TestModels.WriteSmallNet(cli.PathOf("small.onnx"));
        // The small net takes [N,3,4,4]: an image after all (NCHW, dynamic batch) with a 48-score output.
        var r = cli.Run("classify", model, image);
        Assert.True(r.ExitCode == 0, r.ToString());
        TestModels.RequireNodeTests();
        r = cli.Run("classify", Path.Combine(TestModels.NodeTests, "test_relu", "model.onnx"), image);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is not an image", r.Err, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void MobileNetSeesACheeseburgerAndABagelInTheCorner()
    {
        using var cli = new CliRunner();
        string model = VisionTestData.Model("mobilenet_v1_0.25_224_1_metadata_1.tflite");
        string burger = VisionTestData.Shared("images", "tflite-support", "burger-224.png");
        var r = cli.Run("classify", model, burger, "--top", "1");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("934  cheeseburger", r.Out, StringComparison.Ordinal);
        r = cli.Run("classify", model, burger, "--top", "1", "--roi", "0,0,100,100", "--json");
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal("bagel", doc.RootElement.GetProperty("classes")[0].GetProperty("label").GetString());
        r = cli.Run("classify", VisionTestData.Model("face_detection_short_range.tflite"), burger);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not a classifier", r.Err, StringComparison.Ordinal);
    }
}
