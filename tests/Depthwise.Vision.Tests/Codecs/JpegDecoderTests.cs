using Depthwise.Vision.Codecs;
using Xunit.Abstractions;
using static Depthwise.Vision.Tests.Codecs.JpegTestTools;

namespace Depthwise.Vision.Tests.Codecs;

/// <summary>The JPEG decoder against libjpeg-turbo's djpeg on the shared images and on variants made with cjpeg/jpegtran.</summary>
public class JpegDecoderTests(ITestOutputHelper output)
{
    private static readonly ImageDecodeOptions AsStored = new() { ApplyExifOrientation = false };

    private static (int Max, long Count) CompareWithDjpeg(string jpeg, string tempDir)
    {
        var expected = Djpeg(jpeg, tempDir);
        var actual = JpegDecoder.Decode(File.ReadAllBytes(jpeg), AsStored, jpeg);
        var (max, count) = Compare(expected, actual);
        // djpeg's contract is "within 1 level"; a rounding slip would show as many ±1 values, hence the count bound.
        Assert.True(max <= 1 && count <= expected.Pixels.Length / 200, $"{jpeg}: max difference from djpeg {max} ({count} values)");
        return (max, count);
    }

    [SkippableFact]
    public void SharedImagesMatchDjpeg()
    {
        Skip.If(ToolsUnavailable is not null, ToolsUnavailable);
        Skip.If(SharedJpegs.Count == 0, "no shared images folder (/work/shared/images or ../shared/images)");
        using var tmp = NewTempDir();
        int worst = 0;
        foreach (var f in SharedJpegs)
        {
            var (max, count) = CompareWithDjpeg(f, tmp.Path);
            output.WriteLine($"{Path.GetRelativePath(SharedImages!, f)}: max diff {max}, {count} values differ");
            worst = Math.Max(worst, max);
        }
        output.WriteLine($"{SharedJpegs.Count} images, worst max diff {worst}");
        Assert.True(worst <= 1, $"worst difference from djpeg is {worst}");
    }
}
