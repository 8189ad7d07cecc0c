using Depthwise.Tensors;
using Depthwise.Vision.Preprocessing;

namespace Depthwise.Vision.Tests.Preprocessing;

public class ImageToTensorConverterTests
{
    private static Image Gray(int w, int h, params byte[] px) => new(w, h, PixelFormat.Gray8, px);

    private static float[] Run(Image image, ImageToTensorOptions options, NormalizedRect? roi = null)
        => new ImageToTensorConverter(options).Convert(image, roi).Tensor.ToFloatArray();

    [Fact]
    public void WholeImageAtItsOwnSizeIsTheIdentity()
    {
        var img = new Image(3, 2, PixelFormat.Rgb24, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
        var r = new ImageToTensorConverter(new() { Normalization = TensorNormalization.Identity }).Convert(img);
        Assert.Equal([1, 2, 3, 3], r.Tensor.Shape.Dims.ToArray());
        Assert.Equal(Enumerable.Range(1, 18).Select(v => (float)v), r.Tensor.ToFloatArray());
        Assert.True(r.Transform.Letterbox.IsEmpty);
    }

    [Fact]
    public void NchwAndBgrPlaceEachChannel()
    {
        var img = new Image(2, 1, PixelFormat.Rgb24, [10, 20, 30, 40, 50, 60]);
        var t = new ImageToTensorConverter(new()
        {
            Normalization = TensorNormalization.Identity,
            Layout = TensorLayout.Nchw,
            ChannelOrder = ChannelOrder.Bgr,
        }).Convert(img).Tensor;
        Assert.Equal([1, 3, 1, 2], t.Shape.Dims.ToArray());
        Assert.Equal([30f, 60f, 20f, 50f, 10f, 40f], t.ToFloatArray());
    }

    [Fact]
    public void RangeMeanStdAndMeanSubtractionNormalize()
    {
        var img = new Image(1, 1, PixelFormat.Rgb24, [0, 255, 51]);
        Assert.Equal([-1f, 1f, -0.6f], Run(img, new() { Normalization = TensorNormalization.Range(-1, 1) }), new Tolerance(1e-6f));
        Assert.Equal([-1f, 1f, -0.6f], Run(img, new() { Normalization = TensorNormalization.MeanStd(127.5f, 127.5f) }), new Tolerance(1e-6f));
        float[] mean = [10f, 20f, 30f], std = [2f, 5f, 7f];
        Assert.Equal([-5f, 47f, 3f], Run(img, new() { Normalization = TensorNormalization.MeanStd(mean, std) }), new Tolerance(1e-5f));
        var caffe = Run(img, new()
        {
            Normalization = TensorNormalization.MeanSubtraction(TensorNormalization.CaffeBgrMeans.ToArray()),
            ChannelOrder = ChannelOrder.Bgr,
        });
        Assert.Equal([51f - 103.939f, 255f - 116.779f, 0f - 123.68f], caffe, new Tolerance(1e-4f));
    }

    [Fact]
    public void IntegerOutputsRoundAndSaturate()
    {
        var img = new Image(1, 1, PixelFormat.Rgb24, [0, 128, 255]);
        var u8 = new ImageToTensorConverter(new() { OutputType = DataType.UInt8 }).Convert(img).Tensor;
        Assert.Equal(DataType.UInt8, u8.DataType);
        Assert.Equal([0, 128, 255], u8.Bytes.ToArray());
        var i8 = new ImageToTensorConverter(new() { OutputType = DataType.Int8 }).Convert(img).Tensor;
        Assert.Equal([-128, 0, 127], i8.AsSpan<sbyte>().ToArray());
        // A range that overshoots saturates: x·2 − 100 for x = 0, 128, 255.
        var sat = new ImageToTensorConverter(new() { OutputType = DataType.UInt8, Normalization = TensorNormalization.Range(-100, 410) }).Convert(img).Tensor;
        Assert.Equal([0, 156, 255], sat.Bytes.ToArray());
    }

    [Fact]
    public void ChannelsFollowTheImageOrTheOption()
    {
        var gray = Gray(1, 1, 77);
        Assert.Equal([77f], Run(gray, new() { Normalization = TensorNormalization.Identity }));
        Assert.Equal([77f, 77f, 77f], Run(gray, new() { Normalization = TensorNormalization.Identity, OutputChannels = 3 }));
        var rgba = new Image(1, 1, PixelFormat.Rgba32, [255, 0, 0, 9]);
        Assert.Equal([255f, 0f, 0f], Run(rgba, new() { Normalization = TensorNormalization.Identity }));
        // OpenCV RGB2GRAY: (255·4899 + 2^13) >> 14 = 76.
        Assert.Equal([76f], Run(rgba, new() { Normalization = TensorNormalization.Identity, OutputChannels = 1 }));
    }

    [Fact]
    public void BilinearUpsamplingUsesCornerAlignedSamplesAndTheBorderMode()
    {
        // Tensor pixel i samples x = i/2: 0, 0.5, 1, 1.5; the last reads past the edge.
        var img = Gray(2, 1, 0, 100);
        var o = new ImageToTensorOptions { OutputWidth = 4, OutputHeight = 1, Normalization = TensorNormalization.Identity };
        Assert.Equal([0f, 50f, 100f, 100f], Run(img, o));
        Assert.Equal([0f, 50f, 100f, 50f], Run(img, o with { BorderMode = BorderMode.Zero }));
    }

    [Fact]
    public void OpenCvFixedPointRoundsPositionsToA32ndAndValuesToNearest()
    {
        // x = 1/3 → 11/32 (rounded): (0·21 + 255·11)·32 / 1024 = 87.66 → 88; float bilinear would give 85.
        var img = Gray(2, 1, 0, 255);
        var o = new ImageToTensorOptions { OutputWidth = 6, OutputHeight = 1, Normalization = TensorNormalization.Identity };
        var v = Run(img, o);
        Assert.Equal(88f, v[1]);
        Assert.Equal(0f, v[0]);
        Assert.Equal(255f, v[3]);
    }

    [Fact]
    public void HalfPixelCentersSampleTheCentreOfEachTensorPixel()
    {
        var img = Gray(4, 1, 0, 40, 80, 120);
        var o = new ImageToTensorOptions { OutputWidth = 2, OutputHeight = 1, Normalization = TensorNormalization.Identity, Sampling = PixelSampling.HalfPixelCenters };
        Assert.Equal([20f, 100f], Run(img, o));
        // The TFLite Task Library's ROI: a pixel rectangle cropped, then resized.
        var roi = NormalizedRect.FromPixels(1, 0, 2, 1, 4, 1);
        Assert.Equal([40f, 80f], Run(img, o, roi));
        Assert.Equal([0f, 80f], Run(img, o with { Sampling = PixelSampling.Corners, Interpolation = InterpolationMode.Nearest }));
        var taskLibrary = new ImageToTensorConverter(ImageToTensorOptions.TaskLibrary(2, 1, outputType: DataType.UInt8)).Convert(img, roi).Tensor;
        Assert.Equal([40, 80], taskLibrary.Bytes.ToArray());
    }

    [Fact]
    public void AreaAveragesTheFootprint()
    {
        var img = Gray(4, 2, 0, 10, 20, 30, 40, 50, 60, 70);
        var o = new ImageToTensorOptions
        {
            OutputWidth = 2, OutputHeight = 1, Normalization = TensorNormalization.Identity,
            Sampling = PixelSampling.HalfPixelCenters, Interpolation = InterpolationMode.Area,
        };
        Assert.Equal([25f, 45f], Run(img, o));
        // 4 → 3 columns: footprints [0, 4/3), [4/3, 8/3), [8/3, 4) of row means 20, 30, 40, 50.
        var three = Run(img, o with { OutputWidth = 3 });
        Assert.Equal([(20f + 30f / 3f) * 0.75f, (30f * 2f / 3f + 40f * 2f / 3f) * 0.75f, (40f / 3f + 50f) * 0.75f], three, new Tolerance(0.51f));
    }

    [Fact]
    public void FlipMirrorsTheTensorAndTheTransform()
    {
        var img = Gray(3, 1, 0, 50, 100);
        var o = new ImageToTensorOptions { Normalization = TensorNormalization.Identity, FlipHorizontally = true };
        var r = new ImageToTensorConverter(o).Convert(img);
        Assert.Equal([100f, 50f, 0f], r.Tensor.ToFloatArray());
        Assert.Equal(3f, r.Transform.ToImagePixels(0f, 0.5f).X, 5);
        Assert.Equal(0f, r.Transform.ToImagePixels(1f, 0.5f).X, 5);
    }

    [Fact]
    public void KeepAspectRatioPadsTheShortSideAndReportsIt()
    {
        // A tall 64×128 image in a square tensor: the region grows to 128 wide, a quarter of the tensor on each side is padding.
        var c = new ImageToTensorConverter(new() { OutputWidth = 128, OutputHeight = 128, KeepAspectRatio = true });
        var t = c.GetTransform(64, 128);
        Assert.Equal(new LetterboxPadding(0.25f, 0f, 0.25f, 0f), t.Letterbox);
        Assert.Equal(new RotatedRect(32f, 64f, 128f, 128f, 0f), t.Roi);
        AssertPoint(0f, 0f, t.ToImagePixels(0.25f, 0f));
        AssertPoint(64f, 128f, t.ToImagePixels(0.75f, 1f));
        // A wide one pads top and bottom.
        var wide = c.GetTransform(200, 100);
        Assert.Equal(new LetterboxPadding(0f, 0.25f, 0f, 0.25f), wide.Letterbox);
        AssertPoint(200f, 100f, wide.ToImagePixels(1f, 0.75f));
    }

    [Fact]
    public void TransformRotatesClockwiseAboutTheRegionCentreAndInverts()
    {
        var c = new ImageToTensorConverter(new() { OutputWidth = 10, OutputHeight = 20 });
        // A 40×20 region centred at (50, 30) of a 100×60 image, rotated 90° clockwise: the tensor's top-left corner
        // (region-local (−20, −10)) lands at centre + (10, −20).
        var t = c.GetTransform(100, 60, NormalizedRect.FromDegrees(0.5f, 0.5f, 0.4f, 20f / 60f, 90f));
        AssertPoint(60f, 10f, t.ToImagePixels(0f, 0f));
        AssertPoint(50f, 30f, t.ToImagePixels(0.5f, 0.5f));
        AssertPoint(60f, 50f, t.ToImagePixels(1f, 0f));
        var back = t.ToTensorNormalized(60f, 50f);
        Assert.Equal(1f, back.X, 4);
        Assert.Equal(0f, back.Y, 4);
        var m = t.ToMediaPipeMatrix();
        Assert.Equal(60f / 100f, m[3], 5);
        Assert.Equal(10f / 60f, m[7], 5);
    }

    [Fact]
    public void MediaPipeMatrixOfTheWholeImageIsTheIdentity()
    {
        var t = new ImageToTensorConverter(new() { OutputWidth = 7, OutputHeight = 9 }).GetTransform(30, 40);
        Assert.Equal([1f, 0f, 0f, 0f, 0f, 1f, 0f, 0f, 0f, 0f, 1f, 0f, 0f, 0f, 0f, 1f], t.ToMediaPipeMatrix(), new Tolerance(1e-6f));
    }

    [Theory]
    [InlineData(InterpolationMode.Nearest, BorderMode.Replicate)]
    [InlineData(InterpolationMode.Nearest, BorderMode.Zero)]
    [InlineData(InterpolationMode.Bilinear, BorderMode.Replicate)]
    [InlineData(InterpolationMode.Bilinear, BorderMode.Zero)]
    public void RotatedRegionsSampleWhereTheTransformPoints(InterpolationMode mode, BorderMode border)
    {
        // Reference: each tensor pixel (i, j) reads the image at the transform of (i/W, j/H), by a direct
        // (floating-point) nearest or bilinear lookup; fixed point may differ by one level.
        var rng = new Random(7);
        var px = new byte[13 * 9];
        rng.NextBytes(px);
        var img = Gray(13, 9, px);
        var o = new ImageToTensorOptions { OutputWidth = 11, OutputHeight = 6, Normalization = TensorNormalization.Identity, Interpolation = mode, BorderMode = border };
        var c = new ImageToTensorConverter(o);
        for (int trial = 0; trial < 20; trial++)
        {
            var roi = new NormalizedRect(rng.NextSingle(), rng.NextSingle(), 0.3f + rng.NextSingle(), 0.3f + rng.NextSingle(), (rng.NextSingle() - 0.5f) * 7f);
            var r = c.Convert(img, roi);
            var got = r.Tensor.ToFloatArray();
            for (int j = 0; j < 6; j++)
                for (int i = 0; i < 11; i++)
                {
                    var p = r.Transform.ToImagePixels(i / 11f, j / 6f);
                    float want = mode == InterpolationMode.Nearest ? NearestRef(img, p.X, p.Y, border) : BilinearRef(img, p.X, p.Y, border);
                    float tol = mode == InterpolationMode.Nearest ? 0f : 6f;
                    if (mode == InterpolationMode.Nearest && IsTie(p.X, p.Y)) continue;
                    Assert.True(Math.Abs(got[j * 11 + i] - want) <= tol, $"trial {trial} pixel ({i},{j}): got {got[j * 11 + i]}, want {want}");
                }
        }
    }

    private static bool IsTie(float x, float y) => Math.Abs(x - MathF.Floor(x) - 0.5f) < 1e-3f || Math.Abs(y - MathF.Floor(y) - 0.5f) < 1e-3f;

    private static float Pixel(Image img, int x, int y, BorderMode border)
    {
        if (x < 0 || y < 0 || x >= img.Width || y >= img.Height)
        {
            if (border == BorderMode.Zero) return 0f;
            x = Math.Clamp(x, 0, img.Width - 1);
            y = Math.Clamp(y, 0, img.Height - 1);
        }
        return img.Pixels[y * img.Width + x];
    }

    private static float NearestRef(Image img, float x, float y, BorderMode border)
        => Pixel(img, (int)MathF.Round(x), (int)MathF.Round(y), border);

    private static float BilinearRef(Image img, float x, float y, BorderMode border)
    {
        int x0 = (int)MathF.Floor(x), y0 = (int)MathF.Floor(y);
        float fx = x - x0, fy = y - y0;
        return (1 - fy) * ((1 - fx) * Pixel(img, x0, y0, border) + fx * Pixel(img, x0 + 1, y0, border))
             + fy * ((1 - fx) * Pixel(img, x0, y0 + 1, border) + fx * Pixel(img, x0 + 1, y0 + 1, border));
    }

    [Fact]
    public void ConvertIntoReusesATensorOfTheRightShape()
    {
        var img = Gray(4, 4, new byte[16]);
        var c = new ImageToTensorConverter(new() { OutputWidth = 2, OutputHeight = 2, Layout = TensorLayout.Nchw, OutputChannels = 3 });
        Assert.Equal([1, 3, 2, 2], c.GetOutputShape(img).Dims.ToArray());
        var dst = Tensor.Zeros(DataType.Float32, new Shape(1, 3, 2, 2));
        c.ConvertInto(img, dst);
        Assert.Throws<ArgumentException>(() => c.ConvertInto(img, Tensor.Zeros(DataType.Float32, new Shape(1, 2, 2, 3))));
        Assert.Throws<ArgumentException>(() => c.ConvertInto(img, Tensor.Zeros(DataType.UInt8, new Shape(1, 3, 2, 2))));
    }

    [Fact]
    public void InvalidOptionsAndRegionsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new ImageToTensorConverter(new() { OutputWidth = 5 }));
        Assert.Throws<ArgumentException>(() => new ImageToTensorConverter(new() { OutputWidth = -1, OutputHeight = 3 }));
        Assert.Throws<ArgumentException>(() => new ImageToTensorConverter(new() { OutputChannels = 2 }));
        Assert.Throws<ArgumentException>(() => new ImageToTensorConverter(new() { OutputType = DataType.Int32 }));
        Assert.Throws<ArgumentException>(() => TensorNormalization.Range(1, 1));
        Assert.Throws<ArgumentException>(() => TensorNormalization.MeanStd(0, 0));
        Assert.Throws<ArgumentException>(() => TensorNormalization.MeanStd([1f, 2f], [1f, 1f]));
        var c = new ImageToTensorConverter(new() { Normalization = TensorNormalization.MeanStd([1f, 2f, 3f], [1f, 1f, 1f]) });
        Assert.Throws<ArgumentException>(() => c.Convert(Gray(1, 1, 0)));
        var plain = new ImageToTensorConverter(new());
        plain.Convert(Gray(1, 1, 0), new NormalizedRect(0.5f, 0.5f, 1f, 1f));
        Assert.Throws<ArgumentException>(() => plain.Convert(Gray(1, 1, 0), new NormalizedRect(0.5f, 0.5f, 0f, 1f)));
        Assert.Throws<ArgumentException>(() => plain.Convert(Gray(1, 1, 0), new NormalizedRect(float.NaN, 0.5f, 1f, 1f)));
    }

    private static void AssertPoint(float x, float y, System.Numerics.Vector2 p)
    {
        Assert.Equal(x, p.X, 3);
        Assert.Equal(y, p.Y, 3);
    }

    private sealed class Tolerance(float eps) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= eps;
        public int GetHashCode(float v) => 0;
    }
}
