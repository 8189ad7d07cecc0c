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
