using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

/// <summary>
/// TFLite_Detection_PostProcess on tiny hand-made cases whose expected detections are worked out in the comments.
/// With zero box encodings a box is its anchor: (y, x, h, w) → [y − h/2, x − w/2, y + h/2, x + w/2].
/// </summary>
public class DetectionPostProcessOpTests
{
    private static Tensor Boxes(params float[] encodings) => Tensor.FromArray(new Shape(1, encodings.Length / 4, 4), encodings);

    private static Tensor Anchors(params float[] anchors) => Tensor.FromArray(new Shape(anchors.Length / 4, 4), anchors);

    private static Tensor Scores(int classesWithBackground, params float[] scores) =>
        Tensor.FromArray(new Shape(1, scores.Length / classesWithBackground, classesWithBackground), scores);

    /// <summary>Three anchors: A0 = [0,0,1,1], A1 = [0,0.1,1,1.1] (IoU with A0 = 0.9/1.1 ≈ 0.82), A2 = [2,2,3,3] (apart).</summary>
    private static readonly float[] ThreeAnchors = [0.5f, 0.5f, 1, 1, 0.5f, 0.6f, 1, 1, 2.5f, 2.5f, 1, 1];

    private static readonly float[] A0 = [0, 0, 1, 1], A1 = [0, 0.1f, 1, 1.1f], A2 = [2, 2, 3, 3], None = [0, 0, 0, 0];

    /// <summary>Background first, then classes 0 and 1. Best real class: A0 c0 0.6, A1 c1 0.8, A2 c0 0.5 (A0's background 0.9 must be ignored).</summary>
    private static readonly float[] ThreeScores = [0.9f, 0.6f, 0.3f, 0.0f, 0.2f, 0.8f, 0.0f, 0.5f, 0.1f];

    private static DetectionPostProcessOp Op(int maxDetections, int maxClasses = 1, bool regular = false, int perClass = 100,
        float scoreThreshold = 0.4f, float iou = 0.5f, int numClasses = 2) => new()
    {
        MaxDetections = maxDetections,
        MaxClassesPerDetection = maxClasses,
        DetectionsPerClass = perClass,
        UseRegularNms = regular,
        NmsScoreThreshold = scoreThreshold,
        NmsIouThreshold = iou,
        NumClasses = numClasses,
        YScale = 10,
        XScale = 10,
        HScale = 5,
        WScale = 5,
    };

    private static Tensor[] Run(DetectionPostProcessOp op, Tensor boxes, Tensor scores, Tensor anchors) =>
        GraphFactory.RunOp(op, [boxes, scores, anchors], 4, 2);

    private static void AssertDetections(Tensor[] y, int count, float[][] boxes, float[] classes, float[] scores)
    {
        Assert.Equal(new Shape(1, classes.Length, 4), y[0].Shape);
        Assert.Equal(new Shape(1, classes.Length), y[1].Shape);
        Assert.Equal(new Shape(1, classes.Length), y[2].Shape);
        Assert.Equal(new Shape(1), y[3].Shape);
        Assert.Equal(count, y[3].ToArray<float>()[0]);
        var b = y[0].ToArray<float>();
        var expected = boxes.SelectMany(x => x).ToArray();
        Assert.Equal(expected.Length, b.Length);
        for (int i = 0; i < b.Length; i++) Assert.Equal(expected[i], b[i], 5e-6f);
        Assert.Equal(classes, y[1].ToArray<float>());
        Assert.Equal(scores, y[2].ToArray<float>());
    }

    [Fact]
    public void DecodesCenterSizeEncodingsWithTheScales()
    {
        // Anchor (y 0.5, x 0.5, h 0.2, w 0.4); encoding (1, -2, 5·ln 2, 0) with scales 10, 10, 5, 5:
        // y = 1/10·0.2 + 0.5 = 0.52, x = -2/10·0.4 + 0.5 = 0.42, half h = 0.5·e^(ln 2)·0.2 = 0.2, half w = 0.5·1·0.4 = 0.2.
        var y = Run(Op(1, scoreThreshold: 0, numClasses: 1), Boxes(1, -2, 5 * MathF.Log(2), 0), Scores(2, 0.1f, 0.7f), Anchors(0.5f, 0.5f, 0.2f, 0.4f));
        AssertDetections(y, 1, [[0.32f, 0.22f, 0.72f, 0.62f]], [0], [0.7f]);
    }

    [Fact]
    public void FastPathRanksAnchorsByTheirBestRealClassAndSuppressesOverlaps()
    {
        // Ranked: A1 (c1 0.8), A0 (c0 0.6), A2 (c0 0.5). A1 kept; A0 overlaps it (IoU 0.82 > 0.5): dropped; A2 kept.
        var y = Run(Op(3), Boxes(new float[12]), Scores(3, ThreeScores), Anchors(ThreeAnchors));
        AssertDetections(y, 2, [A1, A2, None], [1, 0, 0], [0.8f, 0.5f, 0]);

        // A looser IoU threshold keeps A0 too.
        y = Run(Op(3, iou: 0.9f), Boxes(new float[12]), Scores(3, ThreeScores), Anchors(ThreeAnchors));
        AssertDetections(y, 3, [A1, A0, A2], [1, 0, 0], [0.8f, 0.6f, 0.5f]);

        // max_detections cuts the list; the score threshold removes A2 (0.5 < 0.55).
        y = Run(Op(1), Boxes(new float[12]), Scores(3, ThreeScores), Anchors(ThreeAnchors));
        AssertDetections(y, 1, [A1], [1], [0.8f]);
        y = Run(Op(3, scoreThreshold: 0.55f), Boxes(new float[12]), Scores(3, ThreeScores), Anchors(ThreeAnchors));
        AssertDetections(y, 1, [A1, None, None], [1, 0, 0], [0.8f, 0, 0]);
    }

    [Fact]
    public void FastPathWritesSeveralClassesPerDetection()
    {
        // Kept anchors A1, A2 (as above); each gets its two best classes: A1 c1 0.8, c0 0.2; A2 c0 0.5, c1 0.1.
        var y = Run(Op(2, maxClasses: 2), Boxes(new float[12]), Scores(3, ThreeScores), Anchors(ThreeAnchors));
        AssertDetections(y, 2, [A1, A1, A2, A2], [1, 0, 0, 1], [0.8f, 0.2f, 0.5f, 0.1f]);

        // Three classes per detection but only two exist: each detection's third slot stays zero.
        y = Run(Op(2, maxClasses: 3), Boxes(new float[12]), Scores(3, ThreeScores), Anchors(ThreeAnchors));
        AssertDetections(y, 2, [A1, A1, None, A2, A2, None], [1, 0, 0, 0, 1, 0], [0.8f, 0.2f, 0, 0.5f, 0.1f, 0]);
    }

    [Fact]
    public void RegularPathSuppressesWithinEachClassAndMergesByScore()
    {
        // Class 0: A0 0.6, A2 0.5 pass the threshold (A1 0.2 does not) and do not overlap: both kept.
        // Class 1: only A1 0.8. Merged by score: A1 c1 0.8, A0 c0 0.6, A2 c0 0.5 (A0 survives: it only overlaps A1 across classes).
        var y = Run(Op(3, regular: true), Boxes(new float[12]), Scores(3, ThreeScores), Anchors(ThreeAnchors));
        AssertDetections(y, 3, [A1, A0, A2], [1, 0, 0], [0.8f, 0.6f, 0.5f]);

        // max_detections 2 keeps the best two; the unused slots of max_classes_per_detection 2 are zero.
        y = Run(Op(2, maxClasses: 2, regular: true), Boxes(new float[12]), Scores(3, ThreeScores), Anchors(ThreeAnchors));
        AssertDetections(y, 2, [A1, A0, None, None], [1, 0, 0, 0], [0.8f, 0.6f, 0, 0]);

        // detections_per_class 1: class 0 keeps only A0.
        y = Run(Op(3, regular: true, perClass: 1), Boxes(new float[12]), Scores(3, ThreeScores), Anchors(ThreeAnchors));
        AssertDetections(y, 2, [A1, A0, None], [1, 0, 0], [0.8f, 0.6f, 0]);
    }

    [Fact]
    public void RegularPathSuppressesOverlapsOfTheSameClass()
    {
        // Both overlapping anchors score for class 0 only: A0 0.7, A1 0.9 → A1 kept, A0 suppressed; A2 0.45 kept.
        float[] scores = [0, 0.7f, 0, 0, 0.9f, 0, 0, 0.45f, 0];
        var y = Run(Op(3, regular: true), Boxes(new float[12]), Scores(3, scores), Anchors(ThreeAnchors));
        AssertDetections(y, 2, [A1, A2, None], [0, 0, 0], [0.9f, 0.45f, 0]);
    }

    [Fact]
    public void EqualScoresKeepAnchorOrder()
    {
        // A0 and A1 overlap and tie at 0.7: the earlier anchor wins, whichever it is.
        float[] scores = [0, 0.7f, 0, 0.7f, 0, 0.4f];
        var y = Run(Op(3, numClasses: 1), Boxes(new float[12]), Scores(2, scores), Anchors(ThreeAnchors));
        AssertDetections(y, 2, [A0, A2, None], [0, 0, 0], [0.7f, 0.4f, 0]);
        float[] swapped = [0.5f, 0.6f, 1, 1, 0.5f, 0.5f, 1, 1, 2.5f, 2.5f, 1, 1];
        y = Run(Op(3, numClasses: 1), Boxes(new float[12]), Scores(2, scores), Anchors(swapped));
        AssertDetections(y, 2, [A1, A2, None], [0, 0, 0], [0.7f, 0.4f, 0]);

        // Regular path, ties across classes: class 0 came first and stays first.
        float[] cross = [0, 0.7f, 0, 0, 0, 0.7f, 0, 0, 0];
        y = Run(Op(2, regular: true), Boxes(new float[12]), Scores(3, cross), Anchors(ThreeAnchors));
        AssertDetections(y, 2, [A0, A1], [0, 1], [0.7f, 0.7f]);
    }

    [Fact]
    public void ScoresEqualToTheThresholdPassAndWithoutBackgroundClassesStartAtZero()
    {
        // No background column (2 classes, 2 scores per box). A2's 0.4 equals the threshold: kept.
        float[] scores = [0.6f, 0.3f, 0.2f, 0.8f, 0.4f, 0.1f];
        var y = Run(Op(3), Boxes(new float[12]), Scores(2, scores), Anchors(ThreeAnchors));
        AssertDetections(y, 2, [A1, A2, None], [1, 0, 0], [0.8f, 0.4f, 0]);
    }

    [Fact]
    public void DegenerateBoxesHaveNoOverlap()
    {
        // Two identical zero-height boxes (ymin == ymax): IoU is 0, so neither suppresses the other.
        float[] flat = [0.5f, 0.5f, 0, 1, 0.5f, 0.5f, 0, 1];
        var y = Run(Op(2, numClasses: 1), Boxes(new float[8]), Scores(1, 0.9f, 0.8f), Anchors(flat));
        AssertDetections(y, 2, [[0.5f, 0, 0.5f, 1], [0.5f, 0, 0.5f, 1]], [0, 0], [0.9f, 0.8f]);
    }

    [Fact]
    public void NegativeAnchorSizesFailTheRun()
    {
        float[] bad = [0.5f, 0.5f, -1, 1];
        Assert.Throws<InputValidationException>(() => Run(Op(1, numClasses: 1), Boxes(new float[4]), Scores(1, 0.9f), Anchors(bad)));
    }

    [Fact]
    public void DequantizesUInt8AndInt8Inputs()
    {
        // Boxes uint8 (scale 0.5, zp 128): q 130 → 1.0, q 124 → -2.0, q 128 → 0. Anchors uint8 (scale 0.01, zp 0):
        // (50, 50, 20, 40) → (0.5, 0.5, 0.2, 0.4). Encoding (1, -2, 0, 0) with scales 10, 10, 5, 5:
        // y = 0.1·0.2 + 0.5 = 0.52, x = -0.2·0.4 + 0.5 = 0.42, half h 0.1, half w 0.2 → [0.42, 0.22, 0.62, 0.62].
        // Scores uint8 (scale 1/256, zp 0): background 230, class 0 64 → 0.25, class 1 192 → 0.75.
        var boxes = Tensor.FromArray(new Shape(1, 1, 4), new byte[] { 130, 124, 128, 128 }, QuantParams.PerTensor(0.5f, 128));
        var anchors = Tensor.FromArray(new Shape(1, 4), new byte[] { 50, 50, 20, 40 }, QuantParams.PerTensor(0.01f, 0));
        var scores = Tensor.FromArray(new Shape(1, 1, 3), new byte[] { 230, 64, 192 }, QuantParams.PerTensor(1 / 256f, 0));
        var y = QuantGraph.Run(Op(1, scoreThreshold: 0.3f), [boxes, scores, anchors], 4, 2).Outputs;
        AssertDetections(y, 1, [[0.42f, 0.22f, 0.62f, 0.62f]], [1], [0.75f]);

        // int8 boxes (scale 0.5, zp 0): 2 → 1.0, -4 → -2.0; int8 scores (scale 0.01, zp -100): -25 → 0.75.
        var boxes8 = Tensor.FromArray(new Shape(1, 1, 4), new sbyte[] { 2, -4, 0, 0 }, QuantParams.PerTensor(0.5f, 0));
        var scores8 = Tensor.FromArray(new Shape(1, 1, 2), new sbyte[] { -75, -25 }, QuantParams.PerTensor(0.01f, -100));
        y = QuantGraph.Run(Op(1, scoreThreshold: 0.3f), [boxes8, scores8, anchors], 4, 2).Outputs;
        AssertDetections(y, 1, [[0.42f, 0.22f, 0.62f, 0.62f]], [1], [75 * 0.01f]);
    }

    [Fact]
    public void RejectsBadShapesAndAttributes()
    {
        var boxes = Boxes(new float[12]);
        var scores = Scores(3, ThreeScores);
        var anchors = Anchors(ThreeAnchors);
        Assert.Throws<ShapeMismatchException>(() => Run(Op(3, numClasses: 3), boxes, Scores(5, new float[15]), anchors));
        Assert.Throws<ShapeMismatchException>(() => Run(Op(3, numClasses: 1), boxes, scores, anchors));
        Assert.Throws<ShapeMismatchException>(() => Run(Op(3), boxes, scores, Anchors(0.5f, 0.5f, 1, 1)));
        Assert.Throws<ShapeMismatchException>(() => Run(Op(3, iou: 0), boxes, scores, anchors));
        Assert.Throws<ShapeMismatchException>(() => Run(Op(3, iou: 1.5f), boxes, scores, anchors));
        Assert.Throws<ShapeMismatchException>(() => Run(Op(3, maxClasses: 0), boxes, scores, anchors));
        Assert.Throws<ShapeMismatchException>(() => Run(Op(3, regular: true, perClass: 0), boxes, scores, anchors));
        Assert.Throws<ShapeMismatchException>(() => Run(Op(3), Tensor.FromArray(new Shape(1, 3, 3), new float[9]), scores, anchors));
        var quantNoParams = Tensor.FromArray(new Shape(1, 3, 3), new byte[9]);
        Assert.Throws<ShapeMismatchException>(() => Run(Op(3), boxes, quantNoParams, anchors));
    }

    [Fact]
    public void RunAllocatesNothingAfterWarmUp()
    {
        foreach (bool regular in new[] { false, true })
        {
            var g = new Graph.Graph("alloc");
            var bx = g.AddInput("boxes", DataType.Float32, [Dim.Known(1), Dim.Known(3), Dim.Known(4)]);
            var sc = g.AddInput("scores", DataType.UInt8, [Dim.Known(1), Dim.Known(3), Dim.Known(3)]);
            sc.Quant = QuantParams.PerTensor(1 / 256f, 0);
            var an = g.AddConstant("anchors", Anchors(ThreeAnchors));
            var node = g.AddNode("dpp", Op(3, maxClasses: 2, regular: regular), [bx, sc, an], ["b", "c", "s", "n"]);
            foreach (var o in node.Outputs) g.AddOutput(o);
            var session = new InferenceSession(g);
            Tensor[] inputs = [Boxes(new float[12]), Tensor.FromArray(new Shape(1, 3, 3), new byte[] { 0, 150, 80, 0, 50, 200, 0, 120, 20 }, sc.Quant)];
            var plan = session.GetPlan(inputs);
            var outs = Enumerable.Range(0, 4).Select(i => Tensor.Zeros(plan.OutputTypes[i], plan.OutputShapes[i])).ToArray();
            session.Run(inputs, outs);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++) session.Run(inputs, outs);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(regular ? 3 : 2, outs[3].ToArray<float>()[0]);
        }
    }
}
