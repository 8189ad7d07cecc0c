using Depthwise.Vision.Postprocessing;
using Depthwise.Vision.Preprocessing;

namespace Depthwise.Vision.Tests.Postprocessing;

public class DetectionProjectionTests
{
    [Fact]
    public void LetterboxIsRemoved()
    {
        // A 64×128 image letterboxed into 128×128: the image occupies tensor x ∈ [0.25, 0.75].
        var t = new ImageToTensorConverter(new() { OutputWidth = 128, OutputHeight = 128, KeepAspectRatio = true }).GetTransform(64, 128);
        var d = new Detection(0.9f, 0, new BoundingBox(0.25f, 0f, 0.5f, 1f), [new Keypoint(0.5f, 0.5f), new Keypoint(0.375f, 0.25f)]);
        var n = DetectionProjection.ToImageNormalized(d, t);
        AssertBox(0f, 0f, 1f, 1f, n.Box);
        Assert.Equal(0.5f, n.Keypoints[0].X, 5);
        Assert.Equal(0.25f, n.Keypoints[1].X, 5);
        Assert.Equal(0.25f, n.Keypoints[1].Y, 5);
        Assert.Equal(0.9f, n.Score);
        var p = DetectionProjection.ToImagePixels(d, t);
        AssertBox(0f, 0f, 64f, 128f, p.Box);
        Assert.Equal(16f, p.Keypoints[1].X, 4);
    }

    [Fact]
    public void RotatedRegionsGiveTheEnclosingBox()
    {
        // A 20×20 region centred at (50, 50) of a 100×100 image rotated 45°: a tensor box covering the whole tensor
        // becomes the diamond's bounds, half-diagonal 10·√2.
        var c = new ImageToTensorConverter(new() { OutputWidth = 8, OutputHeight = 8 });
        var t = c.GetTransform(100, 100, NormalizedRect.FromDegrees(0.5f, 0.5f, 0.2f, 0.2f, 45f));
        var p = DetectionProjection.ToImagePixels(new Detection(1f, 0, new BoundingBox(0f, 0f, 1f, 1f)), t);
        float r = 10f * MathF.Sqrt(2f);
        AssertBox(50f - r, 50f - r, 2 * r, 2 * r, p.Box, 1e-3f);
    }

    [Fact]
    public void ListsAreProjectedInOrder()
    {
        var t = new ImageToTensorConverter(new() { OutputWidth = 4, OutputHeight = 4 }).GetTransform(40, 20);
        var list = DetectionProjection.ToImagePixels([new Detection(1f, 0, new BoundingBox(0.5f, 0.5f, 0.25f, 0.25f)), new Detection(0.5f, 1, new BoundingBox(0f, 0f, 1f, 1f))], t);
        AssertBox(20f, 10f, 10f, 5f, list[0].Box);
        AssertBox(0f, 0f, 40f, 20f, list[1].Box);
    }

    private static void AssertBox(float x, float y, float w, float h, BoundingBox b, float eps = 1e-4f)
        => Assert.True(Math.Abs(b.XMin - x) <= eps && Math.Abs(b.YMin - y) <= eps && Math.Abs(b.Width - w) <= eps && Math.Abs(b.Height - h) <= eps,
            $"expected ({x}, {y}, {w}, {h}), got {b}");
}
