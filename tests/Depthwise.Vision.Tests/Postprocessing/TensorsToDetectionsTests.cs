using Depthwise.Vision.Postprocessing;

namespace Depthwise.Vision.Tests.Postprocessing;

public class TensorsToDetectionsTests
{
    private const float Eps = 1e-6f;

    private static void AssertBox(float xmin, float ymin, float w, float h, BoundingBox b, float eps = Eps)
    {
        Assert.True(Math.Abs(b.XMin - xmin) <= eps && Math.Abs(b.YMin - ymin) <= eps && Math.Abs(b.Width - w) <= eps && Math.Abs(b.Height - h) <= eps,
            $"expected ({xmin}, {ymin}, {w}, {h}), got {b}");
    }

    [Fact]
    public void BlazeFaceStyleDecodesXywhAndKeypointsAgainstFixedAnchors()
    {
        var o = new TensorsToDetectionsOptions
        {
            NumBoxes = 2, NumCoords = 6, KeypointCoordOffset = 4, NumKeypoints = 1, ReverseOutputOrder = true,
            XScale = 128, YScale = 128, WScale = 128, HScale = 128, SigmoidScore = true, ScoreClippingThresh = 100,
        };
        Anchor[] anchors = [new(0.5f, 0.5f, 1f, 1f), new(0.25f, 0.75f, 1f, 1f)];
        float[] boxes =
        [
            12.8f, -6.4f, 32f, 64f, 0f, 12.8f,  // centre (0.6, 0.45), size 0.25 × 0.5, keypoint (0.5, 0.6)
            0f, 0f, 12.8f, 12.8f, 6.4f, 0f,
        ];
        float[] scores = [0f, 1000f];  // sigmoid(0) = 0.5; 1000 clips to 100 → 1
        var d = new TensorsToDetections(o, anchors).Decode(boxes, scores);
        Assert.Equal(2, d.Count);
        Assert.Equal(0.5f, d[0].Score, 6);
        Assert.Equal(0, d[0].ClassId);
        AssertBox(0.475f, 0.2f, 0.25f, 0.5f, d[0].Box);
        Assert.Equal(new Keypoint(0.5f, 0.6f), d[0].Keypoints[0]);
        Assert.Equal(1f, d[1].Score);
        AssertBox(0.2f, 0.7f, 0.1f, 0.1f, d[1].Box);
        Assert.Equal(0.3f, d[1].Keypoints[0].X, 6);
        Assert.Equal(0.75f, d[1].Keypoints[0].Y, 6);
    }

    [Fact]
    public void TfSsdStyleDecodesYxhwWithExponentialSizes()
    {
        var o = TensorsToDetectionsOptions.TfSsd(numClasses: 3, numBoxes: 1, minScore: 0f) with { SigmoidScore = false };
        Anchor[] anchors = [new(0.5f, 0.5f, 0.2f, 0.4f)];
        float[] boxes = [1f, 2f, 0f, 5f * MathF.Log(2f)];
        // yc = 1/10·0.4 + 0.5 = 0.54, xc = 2/10·0.2 + 0.5 = 0.54, h = e^0·0.4, w = e^(ln 2)·0.2 = 0.4.
        var d = new TensorsToDetections(o, anchors).Decode(boxes, [0.9f, 0.3f, 0.5f]);
        var det = Assert.Single(d);
        AssertBox(0.34f, 0.34f, 0.4f, 0.4f, det.Box, 1e-5f);
        // Class 0 (background) is ignored, so class 2 wins with 0.5.
        Assert.Equal(2, det.ClassId);
        Assert.Equal(0.5f, det.Score);
    }

    [Fact]
    public void ClassFiltersThresholdsAndLimitsApplyInBoxOrder()
    {
        var baseOptions = new TensorsToDetectionsOptions { NumBoxes = 4, NumClasses = 2, NumCoords = 4 };
        var anchors = Enumerable.Repeat(new Anchor(0.5f, 0.5f, 1f, 1f), 4).ToArray();
        float[] boxes = [0, 0, 0.5f, 0.5f, 0, 0, 0.5f, 0.5f, 0, 0, -0.5f, 0.5f, 0, 0, 0.5f, 0.5f];
        float[] scores = [0.1f, 0.2f, 0.9f, 0.05f, 0.8f, 0.8f, 0.3f, 0.7f];

        var all = new TensorsToDetections(baseOptions, anchors).Decode(boxes, scores);
        // Box 2 has a negative height and is dropped.
        Assert.Equal([(0.2f, 1), (0.9f, 0), (0.7f, 1)], all.Select(d => (d.Score, d.ClassId)));

        var allow = new TensorsToDetections(baseOptions with { AllowClasses = [0] }, anchors).Decode(boxes, scores);
        Assert.Equal([0.1f, 0.9f, 0.3f], allow.Select(d => d.Score));

        var thresholded = new TensorsToDetections(baseOptions with { MinScoreThresh = 0.5f }, anchors).Decode(boxes, scores);
        Assert.Equal([0.9f, 0.7f], thresholded.Select(d => d.Score));

        var limited = new TensorsToDetections(baseOptions with { MaxResults = 2 }, anchors).Decode(boxes, scores);
        Assert.Equal([0.2f, 0.9f], limited.Select(d => d.Score));

        var flipped = new TensorsToDetections(baseOptions with { FlipVertically = true }, anchors).Decode(boxes, scores);
        AssertBox(0.25f, 0.25f, 0.5f, 0.5f, flipped[0].Box);
    }

    [Fact]
    public void InconsistentInputsAreRejected()
    {
        var o = new TensorsToDetectionsOptions { NumBoxes = 2, NumCoords = 4 };
        Anchor[] two = [new(0, 0, 1, 1), new(0, 0, 1, 1)];
        Assert.Throws<ArgumentException>(() => new TensorsToDetections(o, two.AsSpan(0, 1)));
        Assert.Throws<ArgumentException>(() => new TensorsToDetections(o with { NumCoords = 3 }, two));
        Assert.Throws<ArgumentException>(() => new TensorsToDetections(o with { NumKeypoints = 1, KeypointCoordOffset = 4 }, two));
        Assert.Throws<ArgumentException>(() => new TensorsToDetections(o with { XScale = 0 }, two));
        Assert.Throws<ArgumentException>(() => new TensorsToDetections(o with { AllowClasses = [1], IgnoreClasses = [0] }, two));
        var dec = new TensorsToDetections(o, two);
        Assert.Throws<ArgumentException>(() => dec.Decode(new float[7], new float[2]));
        Assert.Throws<ArgumentException>(() => dec.Decode(new float[8], new float[3]));
    }

    [Fact]
    public void BlazeFacePresetsAgreeWithTheirAnchors()
    {
        var shortRange = new TensorsToDetections(TensorsToDetectionsOptions.BlazeFaceShortRange, SsdAnchorGenerator.Generate(SsdAnchorOptions.BlazeFaceShortRange));
        Assert.Equal(16, shortRange.Options.NumCoords);
        var fullRange = new TensorsToDetections(TensorsToDetectionsOptions.BlazeFaceFullRange, SsdAnchorGenerator.Generate(SsdAnchorOptions.BlazeFaceFullRange));
        Assert.Equal(2304, fullRange.Options.NumBoxes);
        // An all-zero output: every logit is sigmoid(0) = 0.5, exactly the short-range threshold (kept), below full range's 0.6.
        Assert.Equal(896, shortRange.Decode(new float[896 * 16], new float[896]).Count);
        Assert.Empty(fullRange.Decode(new float[2304 * 16], new float[2304]));
    }

    [Fact]
    public void PostProcessedOutputsAreFilteredOnly()
    {
        float[] boxes = [0.1f, 0.2f, 0.5f, 0.6f, 0f, 0f, 1f, 1f, 0.3f, 0.3f, 0.2f, 0.4f];
        float[] classes = [3f, 0f, 1f];
        float[] scores = [0.9f, 0.8f, 0.7f];
        var d = TensorsToDetections.FromPostProcessed(boxes, classes, scores, 3, new TensorsToDetectionsOptions { IgnoreClasses = [0], MinScoreThresh = 0.5f });
        // The third box is inverted (ymax < ymin) and dropped; class 0 is ignored.
        var det = Assert.Single(d);
        Assert.Equal(3, det.ClassId);
        AssertBox(0.2f, 0.1f, 0.4f, 0.4f, det.Box);
        Assert.Throws<ArgumentException>(() => TensorsToDetections.FromPostProcessed(boxes, classes, scores, 4, new TensorsToDetectionsOptions()));
    }
}
