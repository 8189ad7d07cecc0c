using Depthwise.Vision.Preprocessing;
using Xunit.Abstractions;

namespace Depthwise.Vision.Tests.Preprocessing;

/// <summary>
/// MediaPipe's ImageToTensorCalculator test cases (shared/golden/mediapipe/image_to_tensor/CASES.md): convert
/// input.jpg, map the tensor back to [0, 255] as the MediaPipe test does (round, saturate) and require every pixel within
/// 5 of the expected PNG.
/// </summary>
public class ImageToTensorGoldenTests(ITestOutputHelper output)
{
    private static string Folder => Path.Combine(ReferenceImages.MediaPipeGolden, "image_to_tensor");

    public sealed record GoldenCase(string Name, BorderMode? Border, int Width, int Height, bool KeepAspect, PixelFormat Format,
        float X, float Y, float W, float H, float Degrees, float Min, float Max, string Expected,
        InterpolationMode Interpolation = InterpolationMode.Bilinear)
    {
        public override string ToString() => Name;
    }

    private static readonly GoldenCase[] Cases =
    [
        new("MediumSubRectKeepAspect", null, 256, 256, true, PixelFormat.Rgb24, 0.65f, 0.4f, 0.5f, 0.5f, 0, 0f, 1f, "medium_sub_rect_keep_aspect.png"),
        new("MediumSubRectKeepAspectBorderZero", BorderMode.Zero, 256, 256, true, PixelFormat.Rgb24, 0.65f, 0.4f, 0.5f, 0.5f, 0, 0f, 1f, "medium_sub_rect_keep_aspect_border_zero.png"),
        new("MediumSubRectKeepAspectWithRotation", BorderMode.Replicate, 256, 256, true, PixelFormat.Rgb24, 0.65f, 0.4f, 0.5f, 0.5f, 90, 0f, 1f, "medium_sub_rect_keep_aspect_with_rotation.png"),
        new("MediumSubRectKeepAspectWithRotationBorderZero", BorderMode.Zero, 256, 256, true, PixelFormat.Rgb24, 0.65f, 0.4f, 0.5f, 0.5f, 90, 0f, 1f, "medium_sub_rect_keep_aspect_with_rotation_border_zero.png"),
        new("MediumSubRectWithRotation", BorderMode.Replicate, 256, 256, false, PixelFormat.Rgb24, 0.65f, 0.4f, 0.5f, 0.5f, -45, -1f, 1f, "medium_sub_rect_with_rotation.png"),
        new("MediumSubRectWithRotationBorderZero", BorderMode.Zero, 256, 256, false, PixelFormat.Rgb24, 0.65f, 0.4f, 0.5f, 0.5f, -45, -1f, 1f, "medium_sub_rect_with_rotation_border_zero.png"),
        new("LargeSubRect", BorderMode.Replicate, 128, 128, false, PixelFormat.Rgb24, 0.5f, 0.5f, 1.5f, 1.1f, 0, 0f, 1f, "large_sub_rect.png"),
        new("LargeSubRectBorderZero", BorderMode.Zero, 128, 128, false, PixelFormat.Rgb24, 0.5f, 0.5f, 1.5f, 1.1f, 0, 0f, 1f, "large_sub_rect_border_zero.png"),
        new("LargeSubRectKeepAspect", BorderMode.Replicate, 128, 128, true, PixelFormat.Rgb24, 0.5f, 0.5f, 1.5f, 1.1f, 0, 0f, 1f, "large_sub_rect_keep_aspect.png"),
        new("LargeSubRectKeepAspectBorderZero", BorderMode.Zero, 128, 128, true, PixelFormat.Rgb24, 0.5f, 0.5f, 1.5f, 1.1f, 0, 0f, 1f, "large_sub_rect_keep_aspect_border_zero.png"),
        new("LargeSubRectKeepAspectWithRotation", null, 128, 128, true, PixelFormat.Rgba32, 0.5f, 0.5f, 1.5f, 1.1f, -15, 0f, 1f, "large_sub_rect_keep_aspect_with_rotation.png"),
        new("LargeSubRectKeepAspectWithRotationGray", null, 128, 128, true, PixelFormat.Gray8, 0.5f, 0.5f, 1.5f, 1.1f, -15, 0f, 1f, "large_sub_rect_keep_aspect_with_rotation.png"),
        new("LargeSubRectKeepAspectWithRotationBorderZero", BorderMode.Zero, 128, 128, true, PixelFormat.Rgba32, 0.5f, 0.5f, 1.5f, 1.1f, -15, 0f, 1f, "large_sub_rect_keep_aspect_with_rotation_border_zero.png"),
        new("LargeSubRectKeepAspectWithRotationBorderZeroGray", BorderMode.Zero, 128, 128, true, PixelFormat.Gray8, 0.5f, 0.5f, 1.5f, 1.1f, -15, -0.5f, 0.5f, "large_sub_rect_keep_aspect_with_rotation_border_zero.png"),
        new("NoOpExceptRange", BorderMode.Replicate, 64, 128, true, PixelFormat.Rgba32, 0.5f, 0.5f, 1f, 1f, 0, -10f, 10f, "noop_except_range.png"),
        new("NoOpExceptRangeBorderZero", BorderMode.Zero, 64, 128, true, PixelFormat.Rgba32, 0.5f, 0.5f, 1f, 1f, 0, 0f, 1f, "noop_except_range.png"),
        new("NoOpExceptRangeAndUseInputImageDims", BorderMode.Zero, 0, 0, false, PixelFormat.Rgb24, 0.5f, 0.5f, 1f, 1f, 0, -1f, 1f, "noop_except_range.png"),
    ];

    public static TheoryData<GoldenCase> AllCases()
    {
        var data = new TheoryData<GoldenCase>();
        foreach (var c in Cases) data.Add(c);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(AllCases))]
    public void MatchesMediaPipe(GoldenCase c)
    {
        var (maxDiff, _) = Compare(c);
        output.WriteLine($"{c.Name}: max abs difference {maxDiff}");
        Assert.True(maxDiff <= 5, $"{c.Name}: max abs pixel difference {maxDiff} > 5");
    }

    /// <summary>
    /// Not one of MediaPipe's 17 parameterized cases (its parameters are not in CASES.md); the PNG's name says it is the
    /// border-zero −45° case with cubic interpolation, so it checks our bicubic against OpenCV's. 99% of the pixels
    /// agree exactly, but a few isolated pixels along lines of constant source x differ by up to 13 levels, a
    /// difference we have not traced (the bilinear cases agree exactly), so this test bounds rather than pins it.
    /// </summary>
    [SkippableFact]
    public void BicubicIsCloseToMediaPipeCubicPng()
    {
        var c = new GoldenCase("MediumSubRectWithRotationBorderZeroInterpCubic", BorderMode.Zero, 256, 256, false, PixelFormat.Rgb24,
            0.65f, 0.4f, 0.5f, 0.5f, -45, -1f, 1f, "medium_sub_rect_with_rotation_border_zero_interp_cubic.png", InterpolationMode.Bicubic);
        var (maxDiff, overOne) = Compare(c);
        output.WriteLine($"{c.Name}: max abs difference {maxDiff}, {overOne} values differ by more than 1");
        Assert.True(maxDiff <= 16, $"max abs pixel difference {maxDiff} > 16");
        Assert.True(overOne <= 256 * 256 * 3 / 200, $"{overOne} values differ by more than 1");
    }

    private static (int MaxDiff, int OverOne) Compare(GoldenCase c)
    {
        var input = ReferenceImages.Load(Path.Combine(Folder, "input.jpg"), c.Format);
        var expected = ReferenceImages.Load(Path.Combine(Folder, c.Expected), c.Format == PixelFormat.Gray8 ? PixelFormat.Gray8 : PixelFormat.Rgb24);
        var options = new ImageToTensorOptions
        {
            OutputWidth = c.Width,
            OutputHeight = c.Height,
            KeepAspectRatio = c.KeepAspect,
            BorderMode = c.Border ?? BorderMode.Replicate,
            Interpolation = c.Interpolation,
            Normalization = TensorNormalization.Range(c.Min, c.Max),
        };
        var converter = new ImageToTensorConverter(options);
        var result = converter.Convert(input, NormalizedRect.FromDegrees(c.X, c.Y, c.W, c.H, c.Degrees));
        int channels = c.Format == PixelFormat.Gray8 ? 1 : 3;
        Assert.Equal([1, expected.Height, expected.Width, channels], result.Tensor.Shape.Dims.ToArray());

        // MediaPipe's check: convertTo(CV_8U) with the inverse range transform (round half to even, saturate), absdiff.
        float scale = 255f / (c.Max - c.Min), offset = -c.Min * scale;
        var values = result.Tensor.AsSpan<float>();
        int maxDiff = 0, overOne = 0;
        for (int k = 0; k < values.Length; k++)
        {
            int v = (int)Math.Clamp(MathF.Round(values[k] * scale + offset), 0f, 255f);
            int d = Math.Abs(v - expected.Pixels[k]);
            maxDiff = Math.Max(maxDiff, d);
            if (d > 1) overOne++;
        }
        return (maxDiff, overOne);
    }
}
