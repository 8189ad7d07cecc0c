using Depthwise.Tensors;
using Depthwise.Vision.Preprocessing;
using Depthwise.Vision.Tests.Codecs;
using Xunit.Abstractions;

namespace Depthwise.Vision.Tests.Preprocessing;

/// <summary>
/// <see cref="InterpolationMode.Libyuv"/> against libyuv itself (tools/image-refs/libyuv-resize.c: RGB24ToARGB,
/// ARGBScale kFilterBilinear, ARGBToRGB24, as the TFLite Task Library resizes RGB), on sizes that take every path
/// of ARGBScale: copies, even and odd integer factors (with row lengths that are and are not multiples of 4),
/// vertical-only, shrinking, enlarging and mixed, the linear and point-sampling reductions, one-pixel images.
/// </summary>
public class LibyuvScalerTests(ITestOutputHelper output)
{
    public static TheoryData<int, int, int, int> Sizes => new()
    {
        { 1200, 600, 300, 300 },  // even integers 4 × 2 (the SSD golden)
        { 1196, 600, 299, 300 },  // even integers, 299 = 296 SIMD + 3 C pixels per row
        { 600, 600, 300, 300 },   // exactly 1/2
        { 602, 602, 301, 301 },   // 1/2, row not a multiple of 4
        { 1200, 1200, 300, 300 }, // 1/4
        { 1200, 600, 200, 100 },  // 1/6
        { 900, 900, 300, 300 },   // 1/3: point sampling
        { 300, 900, 100, 300 },   // 1/3 by 1/3, tall
        { 600, 300, 200, 300 },   // 1/3 wide, height kept: linear → none
        { 600, 300, 600, 100 },   // height / 3, width kept: linear → none
        { 640, 300, 224, 100 },   // height / 3 only: linear filter
        { 640, 300, 224, 300 },   // height kept: linear filter
        { 300, 300, 300, 300 },   // copy
        { 300, 600, 300, 300 },   // width kept: vertical blend
        { 300, 200, 300, 333 },   // width kept, taller
        { 640, 480, 224, 224 },   // shrink
        { 500, 375, 224, 224 },
        { 640, 480, 300, 300 },
        { 257, 257, 129, 65 },
        { 301, 203, 150, 101 },
        { 100, 80, 224, 224 },    // enlarge
        { 224, 100, 300, 300 },
        { 7, 5, 16, 9 },
        { 400, 100, 300, 300 },   // narrower, taller
        { 100, 400, 300, 300 },   // wider, shorter
        { 7, 5, 3, 2 },
        { 2, 2, 1, 1 },
        { 5, 5, 1, 1 },
        { 1, 1, 4, 4 },
        { 1, 10, 5, 5 },
        { 10, 1, 5, 5 },
        { 33, 17, 33, 51 },
    };

    /// <summary>The reference must be libyuv's x86-64 code (its ARM code rounds its 2 × 2 averages differently).</summary>
    private static void SkipUnlessX64()
    {
        Skip.If(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64,
            "the libyuv arithmetic reproduced is its x86-64 code");
        Skip.If(ImageReferenceTools.LibyuvResizeMissing is not null, ImageReferenceTools.LibyuvResizeMissing);
    }

    /// <summary>Gradients, hard edges and noise in every channel.</summary>
    internal static Image Picture(int w, int h, int seed)
    {
        var img = new Image(w, h, PixelFormat.Rgb24);
        var rng = new Random(seed);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int o = (y * w + x) * 3;
                img.Pixels[o] = (byte)(x * 255 / Math.Max(1, w - 1));
                img.Pixels[o + 1] = (byte)(((x / 3) + (y / 2)) % 2 == 0 ? 240 : 10);
                img.Pixels[o + 2] = (byte)rng.Next(256);
            }
        return img;
    }

    [SkippableTheory]
    [MemberData(nameof(Sizes))]
    public void ScalesExactlyAsLibyuv(int sw, int sh, int dw, int dh)
    {
        SkipUnlessX64();
        using var tmp = JpegTestTools.NewTempDir();
        var src = Picture(sw, sh, sw * 7 + sh);
        var expected = ImageReferenceTools.LibyuvScale(src, dw, dh, tmp.Path);
        var actual = new byte[dw * dh * 3];
        LibyuvScaler.Scale(src.Pixels, sw, sh, sw * 3, 3, actual, dw, dh);
        var (max, count) = JpegTestTools.Compare(expected, new Image(dw, dh, PixelFormat.Rgb24, actual));
        Assert.True(max == 0, $"{sw}x{sh} → {dw}x{dh}: max difference from libyuv {max} ({count} values)");
    }

    [SkippableFact]
    public void ConverterCropsTheRegionThenScalesLikeLibyuv()
    {
        // The Task Library crops the region of interest (an integer box) and resizes the crop; with uint8 output and
        // identity normalization the tensor holds libyuv's pixels exactly.
        SkipUnlessX64();
        using var tmp = JpegTestTools.NewTempDir();
        var image = Picture(320, 240, 3);
        var roi = NormalizedRect.FromPixels(40, 30, 200, 150, 320, 240);
        var crop = new Image(200, 150, PixelFormat.Rgb24);
        for (int y = 0; y < 150; y++)
            image.Pixels.AsSpan(((30 + y) * 320 + 40) * 3, 600).CopyTo(crop.Pixels.AsSpan(y * 600, 600));
        var expected = ImageReferenceTools.LibyuvScale(crop, 96, 72, tmp.Path);
        var options = ImageToTensorOptions.TaskLibrary(96, 72, outputType: DataType.UInt8) with { Interpolation = InterpolationMode.Libyuv };
        var tensor = new ImageToTensorConverter(options).Convert(image, roi).Tensor;
        Assert.Equal(expected.Pixels, tensor.Bytes.ToArray());
        output.WriteLine("crop (40, 30, 200, 150) of 320x240 → 96x72: equal");

        var rotated = roi with { Rotation = 0.3f };
        Assert.Throws<ArgumentException>(() => new ImageToTensorConverter(options).Convert(image, rotated));
        Assert.Throws<ArgumentException>(() => new ImageToTensorConverter(options with { OutputHeight = 96, KeepAspectRatio = true }).Convert(image, roi));
    }
}
