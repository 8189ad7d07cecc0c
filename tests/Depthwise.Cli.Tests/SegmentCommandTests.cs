using System.Text.Json;
using Depthwise.Vision;
using Depthwise.Vision.Codecs;

namespace Depthwise.Cli.Tests;

/// <summary>depthwise segment: pixel counts, the class-index mask PNG, the overlay, one-channel confidence masks.</summary>
public class SegmentCommandTests
{
    [SkippableFact]
    public void DeepLabCountsEveryPixelAndWritesTheMaskAndOverlay()
    {
        using var cli = new CliRunner();
        string mask = cli.PathOf("mask.png"), overlay = cli.PathOf("overlay.png");
        var r = cli.Run("segment", VisionTestData.Model("deeplabv3.tflite"), VisionTestData.Sergey, "--out", mask, "--overlay", overlay, "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(600, doc.RootElement.GetProperty("width").GetInt32());
        Assert.Equal(600, doc.RootElement.GetProperty("height").GetInt32());
        var classes = doc.RootElement.GetProperty("classes").EnumerateArray().ToList();
        Assert.Equal(600L * 600, classes.Sum(c => c.GetProperty("pixels").GetInt64()));
        var person = classes.Single(c => c.GetProperty("label").GetString() == "person");
        Assert.Equal(15, person.GetProperty("index").GetInt32());
        Assert.True(person.GetProperty("pixels").GetInt64() > 600L * 600 / 4);

        var m = ImageDecoder.Decode(mask);
        Assert.Equal(PixelFormat.Gray8, m.Format);
        Assert.Equal((600, 600), (m.Width, m.Height));
        Assert.Equal(person.GetProperty("pixels").GetInt64(), m.Pixels.LongCount(p => p == 15));
        var o = ImageDecoder.Decode(overlay);
        Assert.Equal(PixelFormat.Rgb24, o.Format);
    }

    [SkippableFact]
    public void SelfieSegmentationWritesAConfidenceMask()
    {
        using var cli = new CliRunner();
        string confidence = cli.PathOf("confidence.png");
        var r = cli.Run("segment", VisionTestData.Model("selfie_segmentation.tflite"), VisionTestData.Sergey, "--confidence", confidence);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("foreground", r.Out, StringComparison.Ordinal);
        var c = ImageDecoder.Decode(confidence);
        Assert.Equal(PixelFormat.Gray8, c.Format);
        Assert.Equal(255, c.Pixels[300 * 600 + 300]); // the middle of the face
        Assert.Equal(0, c.Pixels[5 * 600 + 5]);

        r = cli.Run("segment", VisionTestData.Model("deeplabv3.tflite"), VisionTestData.Sergey, "--confidence", confidence);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--confidence needs a one-channel", r.Err, StringComparison.Ordinal);
    }
}
