using System.Globalization;
using Depthwise.Vision.Postprocessing;
using Depthwise.Vision.Tests.Preprocessing;

namespace Depthwise.Vision.Tests.Postprocessing;

public class SsdAnchorGeneratorTests
{
    private static Anchor[] ReadGolden(string name)
    {
        string path = Path.Combine(ReferenceImages.MediaPipeGolden, name);
        Skip.IfNot(File.Exists(path), $"golden file {path} not found (set DEPTHWISE_SHARED to the shared folder)");
        return File.ReadAllLines(path)
            .Where(l => l.Trim().Length > 0)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .Select(v => new Anchor(v[0], v[1], v[2], v[3]))
            .ToArray();
    }

    private static void AssertAnchors(Anchor[] expected, Anchor[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            bool close = Math.Abs(e.XCenter - a.XCenter) <= 1e-5f && Math.Abs(e.YCenter - a.YCenter) <= 1e-5f
                      && Math.Abs(e.Width - a.Width) <= 1e-5f && Math.Abs(e.Height - a.Height) <= 1e-5f;
            Assert.True(close, $"anchor {i}: expected {e}, got {a}");
        }
    }

    [SkippableFact]
    public void FaceDetectionConfigMatchesGoldenFile0()
    {
        var options = new SsdAnchorOptions
        {
            NumLayers = 5, MinScale = 0.1171875f, MaxScale = 0.75f, InputWidth = 256, InputHeight = 256,
            Strides = [8, 16, 32, 32, 32], AspectRatios = [1f], FixedAnchorSize = true,
        };
        AssertAnchors(ReadGolden("anchor_golden_file_0.txt"), SsdAnchorGenerator.Generate(options));
    }

    [SkippableFact]
    public void MobileSsdConfigMatchesGoldenFile1()
    {
        var anchors = SsdAnchorGenerator.Generate(SsdAnchorOptions.MobileSsd300);
        Assert.Equal(1917, anchors.Length);
        AssertAnchors(ReadGolden("anchor_golden_file_1.txt"), anchors);
    }

    [SkippableFact]
    public void RetinaNetMultiscaleConfigMatchesGoldenFile2()
    {
        var options = new SsdAnchorOptions
        {
            InputWidth = 640, InputHeight = 640, Strides = [64, 128], AspectRatios = [1f, 2f, 0.5f],
            MultiscaleAnchorGeneration = true, MinLevel = 6, MaxLevel = 7, AnchorScale = 3f, ScalesPerOctave = 3,
        };
        AssertAnchors(ReadGolden("anchor_golden_file_2.txt"), SsdAnchorGenerator.Generate(options));
    }

    [Fact]
    public void BlazeFacePresetsHaveTheModelsAnchorCounts()
    {
        var shortRange = SsdAnchorGenerator.Generate(SsdAnchorOptions.BlazeFaceShortRange);
        Assert.Equal(896, shortRange.Length);
        // 16×16 grid, 2 anchors per cell (ratio 1 + interpolated), then 8×8 with 6 (three stride-16 layers merged).
        Assert.Equal(new Anchor(0.5f / 16, 0.5f / 16, 1f, 1f), shortRange[0]);
        Assert.Equal(shortRange[0], shortRange[1]);
        Assert.Equal(new Anchor(1.5f / 16, 0.5f / 16, 1f, 1f), shortRange[2]);
        Assert.Equal(new Anchor(0.5f / 8, 0.5f / 8, 1f, 1f), shortRange[512]);
        Assert.Equal(shortRange[512], shortRange[517]);
        Assert.Equal(new Anchor(1.5f / 8, 0.5f / 8, 1f, 1f), shortRange[518]);
        Assert.Equal(new Anchor(7.5f / 8, 7.5f / 8, 1f, 1f), shortRange[895]);

        var fullRange = SsdAnchorGenerator.Generate(SsdAnchorOptions.BlazeFaceFullRange);
        Assert.Equal(2304, fullRange.Length);
        Assert.Equal(new Anchor(0.5f / 48, 0.5f / 48, 1f, 1f), fullRange[0]);
        Assert.Equal(new Anchor(1.5f / 48, 0.5f / 48, 1f, 1f), fullRange[1]);
        Assert.Equal(new Anchor(47.5f / 48, 47.5f / 48, 1f, 1f), fullRange[2303]);
    }

    [Fact]
    public void ScalesAndInterpolatedAnchorsByHand()
    {
        // Two layers, strides 2 and 4 on a 4×4 input: grids 2×2 and 1×1. Scales 0.2 and 0.6; interpolated
        // sqrt(0.2·0.6) then sqrt(0.6·1).
        var o = new SsdAnchorOptions
        {
            InputWidth = 4, InputHeight = 4, NumLayers = 2, MinScale = 0.2f, MaxScale = 0.6f,
            Strides = [2, 4], AspectRatios = [1f, 4f], InterpolatedScaleAspectRatio = 1f,
        };
        var a = SsdAnchorGenerator.Generate(o);
        Assert.Equal(2 * 2 * 3 + 1 * 3, a.Length);
        AssertClose(new Anchor(0.25f, 0.25f, 0.2f, 0.2f), a[0]);
        AssertClose(new Anchor(0.25f, 0.25f, 0.4f, 0.1f), a[1]);
        AssertClose(new Anchor(0.25f, 0.25f, MathF.Sqrt(0.12f), MathF.Sqrt(0.12f)), a[2]);
        AssertClose(new Anchor(0.75f, 0.25f, 0.2f, 0.2f), a[3]);
        AssertClose(new Anchor(0.25f, 0.75f, 0.2f, 0.2f), a[6]);
        AssertClose(new Anchor(0.5f, 0.5f, 0.6f, 0.6f), a[12]);
        AssertClose(new Anchor(0.5f, 0.5f, 1.2f, 0.3f), a[13]);
        AssertClose(new Anchor(0.5f, 0.5f, MathF.Sqrt(0.6f), MathF.Sqrt(0.6f)), a[14]);

        // Explicit feature maps and offsets; no interpolated anchor; a single layer takes the mid scale.
        var single = SsdAnchorGenerator.Generate(new SsdAnchorOptions
        {
            NumLayers = 1, MinScale = 0.2f, MaxScale = 0.6f, FeatureMapWidths = [3], FeatureMapHeights = [2],
            AspectRatios = [1f], InterpolatedScaleAspectRatio = 0f, AnchorOffsetX = 0f, AnchorOffsetY = 0f,
        });
        Assert.Equal(6, single.Length);
        AssertClose(new Anchor(0f, 0f, 0.4f, 0.4f), single[0]);
        AssertClose(new Anchor(2f / 3f, 0.5f, 0.4f, 0.4f), single[5]);
    }

    [Fact]
    public void InconsistentOptionsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => SsdAnchorGenerator.Generate(new SsdAnchorOptions { NumLayers = 2, InputWidth = 8, InputHeight = 8 }));
        Assert.Throws<ArgumentException>(() => SsdAnchorGenerator.Generate(new SsdAnchorOptions { NumLayers = 2, InputWidth = 8, InputHeight = 8, Strides = [2], AspectRatios = [1f] }));
        Assert.Throws<ArgumentException>(() => SsdAnchorGenerator.Generate(new SsdAnchorOptions { NumLayers = 1, InputWidth = 8, InputHeight = 8, Strides = [0], AspectRatios = [1f] }));
        Assert.Throws<ArgumentException>(() => SsdAnchorGenerator.Generate(new SsdAnchorOptions { NumLayers = 1, FeatureMapWidths = [2], FeatureMapHeights = [2, 3] }));
        Assert.Throws<ArgumentException>(() => SsdAnchorGenerator.Generate(new SsdAnchorOptions { NumLayers = 1, InputWidth = 8, InputHeight = 8, Strides = [2], AspectRatios = [-1f] }));
    }

    private static void AssertClose(Anchor e, Anchor a)
        => Assert.True(Math.Abs(e.XCenter - a.XCenter) < 1e-6 && Math.Abs(e.YCenter - a.YCenter) < 1e-6
                    && Math.Abs(e.Width - a.Width) < 1e-6 && Math.Abs(e.Height - a.Height) < 1e-6, $"expected {e}, got {a}");
}
