using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;
using Depthwise.Vision.Preprocessing;
using Depthwise.Vision.Tasks;
using Depthwise.Vision.Tests.Preprocessing;
using Xunit.Abstractions;

namespace Depthwise.Vision.Tests.Tasks;

/// <summary>
/// ImageSegmenter against the TFLite Task Library's DeepLabV3 goldens (pixel = class × 10, at most 1 % of pixels may
/// differ), the orientation handling of the rotated golden, and the one-channel selfie model.
/// </summary>
public class ImageSegmenterTests(ITestOutputHelper output)
{
    private double Mismatch(SegmentationResult result, string goldenName)
    {
        var golden = ReferenceImages.Load(TaskFixtures.Shared("golden", "tflite-support", goldenName), PixelFormat.Gray8);
        Assert.Equal((golden.Width, golden.Height), (result.Width, result.Height));
        int differ = 0;
        for (int i = 0; i < golden.Pixels.Length; i++)
            if (golden.Pixels[i] != result.CategoryMask[i] * 10) differ++;
        return (double)differ / golden.Pixels.Length;
    }

    [SkippableFact]
    public void DeepLabV3MatchesTheTaskLibrarysGolden()
    {
        var segmenter = new ImageSegmenter(TaskFixtures.Model("deeplabv3.tflite"));
        Assert.Equal(21, segmenter.ClassCount);
        Assert.Equal("background", segmenter.Labels[0]);
        var image = TaskFixtures.LoadImage(TaskFixtures.Shared("images", "tflite-support", "segmentation_input_rotation0.jpg"));
        var result = segmenter.Segment(image);
        double mismatch = Mismatch(result, "segmentation_golden_rotation0.png");
        output.WriteLine($"rotation0: {mismatch:P3} of pixels differ from the golden");
        Assert.True(mismatch <= 0.01, $"{mismatch:P3} of pixels differ");
        var counts = result.CountPixels();
        Assert.True(counts[15] > 0, "no person pixels"); // the golden holds classes 0, 13 (motorbike) and 15 (person)
    }

    [SkippableFact]
    public void DeepLabV3OnARotatedFrameMatchesItsGoldenInTheStoredFrame()
    {
        var segmenter = new ImageSegmenter(TaskFixtures.Model("deeplabv3.tflite"));
        // The file's pixels are the upright picture turned about the anti-diagonal; the Task Library test passes
        // orientation kRightBottom (EXIF 7) and expects the mask in the stored frame.
        var image = TaskFixtures.LoadImage(TaskFixtures.Shared("images", "tflite-support", "segmentation_input_rotation90_flop.jpg"));
        var result = segmenter.Segment(image, ImageOrientation.RightBottom);
        double mismatch = Mismatch(result, "segmentation_golden_rotation90_flop.png");
        output.WriteLine($"rotation90_flop: {mismatch:P3} of pixels differ from the golden");
        Assert.True(mismatch <= 0.01, $"{mismatch:P3} of pixels differ");
    }

    [SkippableFact]
    public void MasksAreResizedToTheImageOrKeptAtModelSize()
    {
        var image = TaskFixtures.LoadImage(TaskFixtures.Shared("images", "mediapipe", "sergey.png"));
        var small = new Image(300, 200, PixelFormat.Rgb24);
        for (int y = 0; y < 200; y++) image.Pixels.AsSpan(y * 3 * image.Width, 900).CopyTo(small.Pixels.AsSpan(y * 900));
        string model = TaskFixtures.Model("deeplabv3.tflite");
        var resized = new ImageSegmenter(model).Segment(small);
        Assert.Equal((300, 200), (resized.Width, resized.Height));
        var native = new ImageSegmenter(model, new ImageSegmenterOptions { ResizeToImage = false }).Segment(small);
        Assert.Equal((257, 257), (native.Width, native.Height));
        Assert.Null(native.ConfidenceMask);
    }

    [SkippableFact]
    public void SelfieSegmentationGivesAConfidenceMaskOfThePerson()
    {
        var segmenter = new ImageSegmenter(TaskFixtures.Model("selfie_segmentation.tflite"));
        Assert.Equal(2, segmenter.ClassCount);
        Assert.Equal("range [0, 1]", segmenter.Preprocessing.Normalization!.Description);
        var image = TaskFixtures.LoadImage(TaskFixtures.Shared("images", "mediapipe", "sergey.png"));
        var result = segmenter.Segment(image);
        Assert.NotNull(result.ConfidenceMask);
        Assert.Equal(image.Width * image.Height, result.ConfidenceMask!.Length);
        // The face (centre of the golden face box) is foreground; the top corners are background.
        int At(int x, int y) => y * image.Width + x;
        output.WriteLine($"confidence at the face {result.ConfidenceMask[At(296, 345)]}, top-left {result.ConfidenceMask[At(5, 5)]}");
        Assert.Equal(1, result.CategoryMask[At(296, 345)]);
        Assert.True(result.ConfidenceMask[At(296, 345)] > 0.9f);
        Assert.Equal(0, result.CategoryMask[At(5, 5)]);
        Assert.Equal(0, result.CategoryMask[At(594, 5)]);
        var gray = result.ToConfidenceImage()!;
        Assert.Equal(PixelFormat.Gray8, gray.Format);
    }

    /// <summary>An 8 × 8 image of 2 × 2 blocks; block (i, j) has the value <paramref name="value"/>(i, j) in every channel.</summary>
    private static Image Blocks(PixelFormat format, Func<int, int, byte> value)
    {
        var image = new Image(8, 8, format);
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
                for (int c = 0; c < image.Channels; c++)
                    image.Pixels[(y * 8 + x) * image.Channels + c] = value(x / 2, y / 2);
        return image;
    }

    [Fact]
    public void NchwScoresAreReadPerChannel()
    {
        // image [1,3,4,4] → Identity: class c scores are channel c. An RGB image whose red, green or blue dominates
        // per 2 × 2 block must come out as class 0, 1 or 2 there.
        var g = new Graph.Graph("nchw");
        var x = g.AddInput("image", DataType.Float32, [Dim.Known(1), Dim.Known(3), Dim.Known(4), Dim.Known(4)]);
        g.AddOutput(g.AddNode("id", new IdentityOp(), [x], ["scores"]).Outputs[0]);
        var segmenter = new ImageSegmenter(VisionModel.FromGraph(g), new ImageSegmenterOptions { Normalization = TensorNormalization.Identity });
        Assert.Equal(3, segmenter.ClassCount);
        var image = new Image(8, 8, PixelFormat.Rgb24);
        for (int i = 0; i < 64; i++)
        {
            int cls = (i % 8 / 2 + i / 8 / 2) % 3; // block column + block row, mod 3
            image.Pixels[i * 3 + cls] = 200;
        }
        var result = segmenter.Segment(image);
        Assert.Equal((8, 8), (result.Width, result.Height));
        for (int i = 0; i < 64; i++) Assert.Equal((i % 8 / 2 + i / 8 / 2) % 3, result.CategoryMask[i]);
    }

    [Fact]
    public void ClassIndexOutputsAreResizedWithNearestNeighbour()
    {
        // image [1,4,4,1] gray → Cast int64 → Reshape [1,4,4]: the class is the pixel value.
        var g = new Graph.Graph("argmax-like");
        var x = g.AddInput("image", DataType.Float32, [Dim.Known(1), Dim.Known(4), Dim.Known(4), Dim.Known(1)]);
        var cast = g.AddNode("cast", new CastOp { To = DataType.Int64 }, [x], ["classes4"]).Outputs[0];
        var shape = g.AddConstant("shape", Tensor.FromArray(new Shape(3), new long[] { 1, 4, 4 }));
        g.AddOutput(g.AddNode("reshape", new ReshapeOp(), [cast, shape], ["classes"]).Outputs[0]);
        var segmenter = new ImageSegmenter(VisionModel.FromGraph(g), new ImageSegmenterOptions { Normalization = TensorNormalization.Identity });
        // 2 × 2 blocks of class 3·i + j: the 8 → 4 bilinear resize samples inside each block, the 4 → 8 nearest
        // resize gives the blocks back exactly.
        var result = segmenter.Segment(Blocks(PixelFormat.Gray8, (i, j) => (byte)(3 * i + j)));
        for (int y = 0; y < 8; y++)
            for (int xx = 0; xx < 8; xx++)
                Assert.Equal(3 * (xx / 2) + y / 2, result.CategoryMask[y * 8 + xx]);
        Assert.Null(result.ConfidenceMask);
    }

    [Fact]
    public void ModelsWithoutAMaskOutputAreRefused()
    {
        var g = new Graph.Graph("vector");
        var x = g.AddInput("image", DataType.Float32, [Dim.Known(1), Dim.Known(4), Dim.Known(4), Dim.Known(3)]);
        var shape = g.AddConstant("shape", Tensor.FromArray(new Shape(2), new long[] { 1, 48 }));
        g.AddOutput(g.AddNode("reshape", new ReshapeOp(), [x, shape], ["flat"]).Outputs[0]);
        var e = Assert.Throws<UnsupportedModelException>(() => new ImageSegmenter(VisionModel.FromGraph(g)));
        Assert.Contains("not a segmentation model: output flat: float32[1,48]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OrientationTransformsRoundTrip()
    {
        var stored = new Image(3, 2, PixelFormat.Gray8, [1, 2, 3, 4, 5, 6]);
        // Upright pictures of the stored 3 × 2 image [[1 2 3] [4 5 6]] for each EXIF orientation.
        byte[][] expected =
        [
            [1, 2, 3, 4, 5, 6], // 1
            [3, 2, 1, 6, 5, 4], // 2 mirrored
            [6, 5, 4, 3, 2, 1], // 3 rotated 180
            [4, 5, 6, 1, 2, 3], // 4 flipped
            [1, 4, 2, 5, 3, 6], // 5 transposed
            [4, 1, 5, 2, 6, 3], // 6 turn clockwise
            [6, 3, 5, 2, 4, 1], // 7 anti-transposed
            [3, 6, 2, 5, 1, 4], // 8 turn counter-clockwise
        ];
        for (int o = 1; o <= 8; o++)
        {
            var t = new ImageOrientationTransform(3, 2, (ImageOrientation)o);
            var upright = t.ToUpright(stored);
            Assert.Equal(expected[o - 1], upright.Pixels);
            Assert.Equal(o >= 5 ? (2, 3) : (3, 2), (upright.Width, upright.Height));
            Assert.Equal(stored.Pixels, t.ToStoredMap<byte>(upright.Pixels));
        }
    }
}
