using System.Text.Json;

namespace Depthwise.Cli.Tests;

/// <summary>depthwise detect: JSON shape and the errors for models that are not detectors.</summary>
public class DetectCommandTests
{
    [SkippableFact]
    public void BlazeFaceAsARawSsdDetectorGivesOneLabelledBox()
    {
        using var cli = new CliRunner();
        string labels = cli.PathOf("labels.txt");
        File.WriteAllText(labels, "face\n");
        string output = cli.PathOf("boxes.png");
        var r = cli.Run("detect", VisionTestData.Model("face_detection_short_range.tflite"), VisionTestData.Sergey, "--labels", labels, "--json", "--out", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Out);
        var d = Assert.Single(doc.RootElement.GetProperty("detections").EnumerateArray());
        Assert.Equal(0, d.GetProperty("index").GetInt32());
        Assert.Equal("face", d.GetProperty("label").GetString());
        Assert.InRange(d.GetProperty("score").GetDouble(), 0.5, 1.0);
        var box = d.GetProperty("box");
        Assert.True(box.GetProperty("xmin").GetDouble() < box.GetProperty("xmax").GetDouble());
        Assert.InRange(box.GetProperty("xmin").GetDouble(), 110, 140);
        Assert.True(File.Exists(output));

        r = cli.Run("detect", VisionTestData.Model("face_detection_short_range.tflite"), VisionTestData.Sergey, "--score-threshold", "0.99");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("0 objects", r.Out, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void CocoSsdReportsLabelsFromTheModel()
    {
        using var cli = new CliRunner();
        string model = VisionTestData.Model("coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite");
        var r = cli.Run("detect", model, VisionTestData.Sergey, "--max-results", "3", "--json");
        Skip.If(r.ExitCode == 2 && r.Err.Contains("not available yet", StringComparison.Ordinal), "waits for the quantized operators: " + r.Err.Trim());
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Out);
        var top = doc.RootElement.GetProperty("detections")[0];
        Assert.Equal("person", top.GetProperty("label").GetString());
    }

    /// <summary>
    /// --jpeg stb --resize libyuv is the TFLite Task Library's own pipeline (stb_image decode, libyuv ARGBScale), under
    /// which the SSD golden of tflite-support's object_detector_test.cc holds: four boxes within ±3 px, scores ±0.05.
    /// </summary>
    [SkippableFact]
    public void TaskLibraryPipelineGivesTheSsdGoldenBoxes()
    {
        using var cli = new CliRunner();
        string model = VisionTestData.Model("coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite");
        string image = VisionTestData.Shared("images", "tflite-support", "cats_and_dogs.jpg");
        var r = cli.Run("detect", model, image, "--max-results", "4", "--jpeg", "stb", "--resize", "libyuv", "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Out);
        var found = doc.RootElement.GetProperty("detections").EnumerateArray().ToArray();
        // Golden (x, y, w, h, class, score) from shared/golden/README.md.
        (double X, double Y, double W, double H, int Class, double Score)[] golden =
            [(54, 396, 393, 196, 16, 0.64), (602, 157, 394, 447, 16, 0.61), (260, 394, 180, 209, 16, 0.56), (389, 197, 278, 409, 17, 0.5)];
        Assert.Equal(golden.Length, found.Length);
        for (int i = 0; i < golden.Length; i++)
        {
            var g = golden[i];
            var box = found[i].GetProperty("box");
            Assert.Equal(g.Class, found[i].GetProperty("index").GetInt32());
            Assert.InRange(found[i].GetProperty("score").GetDouble(), g.Score - 0.05, g.Score + 0.05);
            Assert.InRange(box.GetProperty("xmin").GetDouble(), g.X - 3, g.X + 3);
            Assert.InRange(box.GetProperty("ymin").GetDouble(), g.Y - 3, g.Y + 3);
            Assert.InRange(box.GetProperty("xmax").GetDouble(), g.X + g.W - 3, g.X + g.W + 3);
            Assert.InRange(box.GetProperty("ymax").GetDouble(), g.Y + g.H - 3, g.Y + g.H + 3);
        }
    }

    [SkippableFact]
    public void UnknownResizeFilterOrJpegDecoderIsAUsageError()
    {
        using var cli = new CliRunner();
        string model = VisionTestData.Model("coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite");
        var r = cli.Run("detect", model, VisionTestData.Sergey, "--resize", "lanczos");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("lanczos", r.Err + r.Out, StringComparison.Ordinal);
        r = cli.Run("detect", model, VisionTestData.Sergey, "--jpeg", "libjpeg");
        Assert.NotEqual(0, r.ExitCode);
    }

    [SkippableFact]
    public void ASegmenterIsNotADetector()
    {
        using var cli = new CliRunner();
        var r = cli.Run("detect", VisionTestData.Model("deeplabv3.tflite"), VisionTestData.Sergey);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not a detection model", r.Err, StringComparison.Ordinal);
        r = cli.Run("detect", VisionTestData.Model("deeplabv3.tflite"), VisionTestData.Sergey, "--max-results", "-1");
        Assert.Equal(2, r.ExitCode);
    }
}
