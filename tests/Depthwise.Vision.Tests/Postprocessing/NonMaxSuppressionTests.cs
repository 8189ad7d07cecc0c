using Depthwise.Vision.Postprocessing;

namespace Depthwise.Vision.Tests.Postprocessing;

public class NonMaxSuppressionTests
{
    private static Detection D(float score, float x, float y, float w = 1f, float h = 1f, params Keypoint[] kps)
        => new(score, 0, new BoundingBox(x, y, w, h), kps);

    [Fact]
    public void OverlapMeasures()
    {
        var a = new BoundingBox(0, 0, 2, 2);
        var b = new BoundingBox(1, 1, 2, 3);
        // Intersection 1; union 4 + 6 − 1 = 9; enclosing box 3 × 4 = 12; area of b 6.
        Assert.Equal(1f / 9f, NonMaxSuppression.Overlap(a, b, OverlapType.IntersectionOverUnion), 6);
        Assert.Equal(1f / 12f, NonMaxSuppression.Overlap(a, b, OverlapType.Jaccard), 6);
        Assert.Equal(1f / 6f, NonMaxSuppression.Overlap(a, b, OverlapType.ModifiedJaccard), 6);
        Assert.Equal(1f / 4f, NonMaxSuppression.Overlap(b, a, OverlapType.ModifiedJaccard), 6);
        Assert.Equal(0f, NonMaxSuppression.Overlap(a, new BoundingBox(2, 0, 1, 1), OverlapType.IntersectionOverUnion));
        Assert.Equal(0f, NonMaxSuppression.Overlap(a, new BoundingBox(5, 5, 1, 1), OverlapType.IntersectionOverUnion));
        Assert.Equal(1f, NonMaxSuppression.Overlap(a, a, OverlapType.IntersectionOverUnion));
    }

    [Fact]
    public void HardNmsKeepsTheBestOfEachCluster()
    {
        var a = D(0.9f, 0, 0);
        var b = D(0.8f, 0.1f, 0);      // IoU with a = 0.9 / 1.1
        var c = D(0.7f, 2, 2);
        var e = D(0.95f, 2.5f, 2);     // IoU with c = 0.5 / 1.5
        var o = new NonMaxSuppressionOptions { MinSuppressionThreshold = 0.5f, OverlapType = OverlapType.IntersectionOverUnion };
        Assert.Equal([e, a, c], NonMaxSuppression.Apply([a, b, c, e], o));
        Assert.Equal([e, a, b, c], NonMaxSuppression.Apply([a, b, c, e], o with { MinSuppressionThreshold = 0.9f }));
        Assert.Equal([e, a], NonMaxSuppression.Apply([a, b, c, e], o with { MaxNumDetections = 2 }));
        Assert.Equal([e, a], NonMaxSuppression.Apply([a, b, c, e], o with { MinScoreThreshold = 0.75f }));
        Assert.Empty(NonMaxSuppression.Apply([], o));
        Assert.Throws<ArgumentException>(() => NonMaxSuppression.Apply([a], o with { MaxNumDetections = 0 }));
    }

    [Fact]
    public void EqualScoresKeepInputOrder()
    {
        var a = D(0.5f, 0, 0);
        var b = D(0.5f, 0, 0);
        var o = new NonMaxSuppressionOptions { MinSuppressionThreshold = 0.5f, OverlapType = OverlapType.IntersectionOverUnion };
        Assert.Same(a, Assert.Single(NonMaxSuppression.Apply([a, b], o)));
        Assert.Same(b, Assert.Single(NonMaxSuppression.Apply([b, a], o)));
    }

    [Fact]
    public void WeightedNmsAveragesBoxesAndKeypointsOfTheCluster()
    {
        var a = D(0.9f, 0f, 0f, 1f, 1f, new Keypoint(0f, 0f));
        var b = D(0.6f, 0.2f, 0f, 1f, 1f, new Keypoint(1f, 1f));   // IoU with a = 0.8 / 1.2
        var c = D(0.5f, 3f, 3f, 1f, 1f, new Keypoint(3f, 3f));
        var kept = NonMaxSuppression.Apply([c, b, a], NonMaxSuppressionOptions.BlazeFace);
        Assert.Equal(2, kept.Count);
        // xmin (0·0.9 + 0.2·0.6) / 1.5 = 0.08, xmax (1·0.9 + 1.2·0.6) / 1.5 = 1.08; keypoint 0.6 / 1.5 = 0.4.
        var m = kept[0];
        Assert.Equal(0.9f, m.Score);
        Assert.Equal(0.08f, m.Box.XMin, 5);
        Assert.Equal(1f, m.Box.Width, 5);
        Assert.Equal(0f, m.Box.YMin, 5);
        Assert.Equal(1f, m.Box.Height, 5);
        Assert.Equal(0.4f, m.Keypoints[0].X, 5);
        Assert.Equal(0.4f, m.Keypoints[0].Y, 5);
        // A lone detection's weighted mean is itself.
        Assert.Equal(c.Box, kept[1].Box);
        Assert.Equal(c.Keypoints, kept[1].Keypoints);
        // The input is not modified.
        Assert.Equal(new Keypoint(0f, 0f), a.Keypoints[0]);
    }

    [Fact]
    public void WeightedNmsWithTheDefaultThresholdKeepsOnlyTheTopDetectionAsMediaPipeDoes()
    {
        // With min_suppression_threshold 1 nothing overlaps "more than" 1, not even the top detection with itself, so
        // MediaPipe's loop sees no progress after the first output and stops.
        var o = new NonMaxSuppressionOptions { Algorithm = NmsAlgorithm.Weighted };
        var kept = NonMaxSuppression.Apply([D(0.4f, 0, 0), D(0.8f, 5, 5)], o);
        Assert.Equal(0.8f, Assert.Single(kept).Score);
    }

    [Fact]
    public void WeightedNmsHonoursTheLimitAndTheMinimumScore()
    {
        var dets = new[] { D(0.9f, 0, 0), D(0.8f, 2, 0), D(0.7f, 4, 0) };
        Assert.Equal(2, NonMaxSuppression.Apply(dets, NonMaxSuppressionOptions.BlazeFace with { MaxNumDetections = 2 }).Count);
        Assert.Single(NonMaxSuppression.Apply(dets, NonMaxSuppressionOptions.BlazeFace with { MinScoreThreshold = 0.85f }));
    }
}
