using System.Text.Json;
using Depthwise.Vision.Codecs;

namespace Depthwise.Cli.Tests;

/// <summary>depthwise faces: text and JSON reports, annotated PNGs, folders, the default model from the cache, bad input.</summary>
public class FacesCommandTests
{
    [SkippableFact]
    public void JsonHasOneFaceWithBoxAndSixKeypointsInPixels()
    {
        using var cli = new CliRunner();
        var r = cli.Run("faces", VisionTestData.Sergey, "--model", VisionTestData.Model("face_detection_short_range.tflite"), "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Out);
        var face = Assert.Single(doc.RootElement.GetProperty("faces").EnumerateArray());
        Assert.Equal(0.92843366, face.GetProperty("score").GetDouble(), 0.01);
        var box = face.GetProperty("box");
        // MediaPipe's golden box × 600 px: xmin 126.4, ymin 174.9, width and height 339.4.
        Assert.Equal(126.4, box.GetProperty("xmin").GetDouble(), 6.0);
        Assert.Equal(174.9, box.GetProperty("ymin").GetDouble(), 6.0);
        Assert.Equal(465.8, box.GetProperty("xmax").GetDouble(), 6.0);
        Assert.Equal(514.3, box.GetProperty("ymax").GetDouble(), 6.0);
        var keypoints = face.GetProperty("keypoints").EnumerateArray().ToList();
        Assert.Equal(6, keypoints.Count);
        Assert.Equal(0.37730268 * 600, keypoints[0].GetProperty("x").GetDouble(), 6.0); // right eye
        Assert.False(doc.RootElement.TryGetProperty("image", out _)); // one image: no "image" field
    }

    [SkippableFact]
    public void TextReportAndAnnotatedPng()
    {
        using var cli = new CliRunner();
        string output = cli.PathOf("annotated.png");
        var r = cli.Run("faces", VisionTestData.Sergey, "--model", VisionTestData.Model("face_detection_full_range.tflite"), "--out", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("1 face (600x600)", r.Out, StringComparison.Ordinal);
        Assert.Contains("right eye", r.Out, StringComparison.Ordinal);
        Assert.Contains("wrote " + output, r.Out, StringComparison.Ordinal);
        var annotated = ImageDecoder.Decode(output);
        var original = ImageDecoder.Decode(VisionTestData.Sergey);
        Assert.Equal((600, 600), (annotated.Width, annotated.Height));
        Assert.NotEqual(original.Pixels, annotated.Pixels);
    }

    [SkippableFact]
    public void TheDefaultModelComesFromTheCache()
    {
        using var cli = new CliRunner();
        // A cached file with the right SHA-256 is used without any download.
        string cache = Path.Combine(cli.Dir, "home", ".cache", "models");
        Directory.CreateDirectory(cache);
        File.Copy(VisionTestData.Model("face_detection_short_range.tflite"), Path.Combine(cache, "face_detection_short_range.tflite"));
        cli.Home = Path.Combine(cli.Dir, "home");
        var r = cli.Run("faces", VisionTestData.Sergey);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("1 face", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("fetching", r.Err, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void AFolderGivesOneJsonLinePerImageInSortedOrder()
    {
        using var cli = new CliRunner();
        string dir = cli.PathOf("images");
        Directory.CreateDirectory(dir);
        File.Copy(VisionTestData.Sergey, Path.Combine(dir, "b_sergey.png"));
        VisionTestData.WriteNoisePng(Path.Combine(dir, "a_noise.png"), 64, 48, 1);
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "not an image, and not taken: wrong extension");
        string outDir = cli.PathOf("annotated");
        var r = cli.Run("faces", dir, "--model", VisionTestData.Model("face_detection_short_range.tflite"), "--json", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        using var second = JsonDocument.Parse(lines[1]);
        Assert.EndsWith("a_noise.png", first.RootElement.GetProperty("image").GetString(), StringComparison.Ordinal);
        Assert.Empty(first.RootElement.GetProperty("faces").EnumerateArray());
        Assert.EndsWith("b_sergey.png", second.RootElement.GetProperty("image").GetString(), StringComparison.Ordinal);
        Assert.Single(second.RootElement.GetProperty("faces").EnumerateArray());
        Assert.True(File.Exists(Path.Combine(outDir, "a_noise.png")) && File.Exists(Path.Combine(outDir, "b_sergey.png")));
        Assert.Contains("2/2 done", r.Err, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void AFileThatIsNotAnImageIsAUserError()
    {
        using var cli = new CliRunner();
        string bad = cli.PathOf("bad.png");
        File.WriteAllText(bad, "hello");
        var r = cli.Run("faces", bad, "--model", VisionTestData.Model("face_detection_short_range.tflite"));
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: ", r.Err, StringComparison.Ordinal);
        Assert.Contains("not a PNG, JPEG, BMP or PNM image", r.Err, StringComparison.Ordinal);

        // In a folder the other images still run; the bad one is reported, the exit code is still 2.
        string dir = cli.PathOf("mixed");
        Directory.CreateDirectory(dir);
        File.Copy(bad, Path.Combine(dir, "bad.png"));
        File.Copy(VisionTestData.Sergey, Path.Combine(dir, "sergey.png"));
        r = cli.Run("faces", dir, "--model", VisionTestData.Model("face_detection_short_range.tflite"), "--json");
        Assert.Equal(2, r.ExitCode);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using (var error = JsonDocument.Parse(lines[0])) Assert.Contains("not a PNG", error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        using (var ok = JsonDocument.Parse(lines[1])) Assert.Single(ok.RootElement.GetProperty("faces").EnumerateArray());
        Assert.Contains("1 of 2 images failed", r.Err, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void AModelThatIsNotBlazeFaceOrNotAnImageModelIsAUserError()
    {
        using var cli = new CliRunner();
        var r = cli.Run("faces", VisionTestData.Sergey, "--model", VisionTestData.Model("deeplabv3.tflite"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not a BlazeFace model", r.Err, StringComparison.Ordinal);
        TestModels.RequireNodeTests();
        r = cli.Run("faces", VisionTestData.Sergey, "--model", Path.Combine(TestModels.NodeTests, "test_relu", "model.onnx"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is not an image", r.Err, StringComparison.Ordinal);
        Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void MissingImagesAreUserErrors()
    {
        using var cli = new CliRunner();
        var r = cli.Run("faces", cli.PathOf("nope.png"), "--model", cli.PathOf("model.tflite"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no such image file or folder", r.Err, StringComparison.Ordinal);
        Directory.CreateDirectory(cli.PathOf("empty"));
        r = cli.Run("faces", cli.PathOf("empty"), "--model", cli.PathOf("model.tflite"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("holds no images", r.Err, StringComparison.Ordinal);
    }
}
