namespace Depthwise.Vision.Postprocessing;

/// <summary>
/// Non-maximum suppression of detections as MediaPipe's <c>NonMaxSuppressionCalculator</c>: detections are visited
/// by decreasing score (ties keep input order), and a detection overlapping a kept one by more than the threshold is
/// dropped (hard) or merged into it (weighted).
/// </summary>
public static class NonMaxSuppression
{
    /// <summary>Suppresses overlapping detections, returning the kept ones best first.</summary>
    public static List<Detection> Apply(IReadOnlyList<Detection> detections, NonMaxSuppressionOptions options)
    {
        var output = new List<Detection>();
        Apply(detections, options, output);
        return output;
    }

    /// <summary>Suppresses overlapping detections, appending the kept ones, best first, to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException"><see cref="NonMaxSuppressionOptions.MaxNumDetections"/> is 0.</exception>
    public static void Apply(IReadOnlyList<Detection> detections, NonMaxSuppressionOptions options, List<Detection> output)
    {
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (options.MaxNumDetections == 0)
            throw new ArgumentException("max_num_detections 0 would keep nothing; use -1 for no limit");
        if (detections.Count == 0) return;

        var order = new int[detections.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        // Stable by score, descending (MediaPipe's std::sort leaves ties unspecified).
        Array.Sort(order, (a, b) =>
        {
            int c = detections[b].Score.CompareTo(detections[a].Score);
            return c != 0 ? c : a.CompareTo(b);
        });
        int max = options.MaxNumDetections > 0 ? options.MaxNumDetections : int.MaxValue;
        if (options.Algorithm == NmsAlgorithm.Weighted) Weighted(detections, order, options, max, output);
        else Hard(detections, order, options, max, output);
    }

    /// <summary>
    /// The overlap of two boxes; for <see cref="OverlapType.ModifiedJaccard"/> it is relative to <paramref name="b"/>'s
    /// area. 0 when they do not touch or the normalizing area is not positive.
    /// </summary>
    public static float Overlap(BoundingBox a, BoundingBox b, OverlapType type)
    {
        if (!a.Intersects(b)) return 0f;
        float intersection = a.Intersection(b).Area;
        float normalization = type switch
        {
            OverlapType.Jaccard => a.Enclosing(b).Area,
            OverlapType.ModifiedJaccard => b.Area,
            _ => a.Area + b.Area - intersection,
        };
        return normalization > 0f ? intersection / normalization : 0f;
    }

    private static bool BelowMinimum(Detection d, NonMaxSuppressionOptions o) => o.MinScoreThreshold > 0 && d.Score < o.MinScoreThreshold;

    private static void Hard(IReadOnlyList<Detection> detections, int[] order, NonMaxSuppressionOptions o, int max, List<Detection> output)
    {
        int first = output.Count;
        foreach (int index in order)
        {
            var d = detections[index];
            if (BelowMinimum(d, o)) break;
            bool suppressed = false;
            for (int k = first; k < output.Count; k++)
            {
                if (Overlap(output[k].Box, d.Box, o.OverlapType) > o.MinSuppressionThreshold)
                {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) output.Add(d);
            if (output.Count - first >= max) break;
        }
    }

    private static int MaxKeypoints(IReadOnlyList<Detection> detections)
    {
        int n = 0;
        foreach (var d in detections) n = Math.Max(n, d.Keypoints.Count);
        return n;
    }

    private static void Weighted(IReadOnlyList<Detection> detections, int[] order, NonMaxSuppressionOptions o, int max, List<Detection> output)
    {
        var remaining = new List<int>(order);
        var rest = new List<int>(order.Length);
        var keypointSums = new float[2 * MaxKeypoints(detections)];
        int kept = 0;
        while (remaining.Count > 0 && kept < max)
        {
            var top = detections[remaining[0]];
            if (BelowMinimum(top, o)) break;
            rest.Clear();
            int keypointCount = top.Keypoints.Count;
            float xmin = 0, ymin = 0, xmax = 0, ymax = 0, total = 0;
            var keypoints = keypointSums.AsSpan(0, 2 * keypointCount);
            keypoints.Clear();
            int members = 0;
            // The cluster is every remaining detection overlapping the top one, the top one included.
            foreach (int index in remaining)
            {
                var d = detections[index];
                if (Overlap(d.Box, top.Box, o.OverlapType) > o.MinSuppressionThreshold)
                {
                    float s = d.Score;
                    total += s;
                    xmin += d.Box.XMin * s;
                    ymin += d.Box.YMin * s;
                    xmax += d.Box.XMax * s;
                    ymax += d.Box.YMax * s;
                    for (int k = 0; k < keypointCount && k < d.Keypoints.Count; k++)
                    {
                        keypoints[2 * k] += d.Keypoints[k].X * s;
                        keypoints[2 * k + 1] += d.Keypoints[k].Y * s;
                    }
                    members++;
                }
                else
                {
                    rest.Add(index);
                }
            }
            var result = top;
            if (members > 0)
            {
                float left = xmin / total, upper = ymin / total;
                var merged = new Keypoint[keypointCount];
                for (int k = 0; k < keypointCount; k++) merged[k] = new Keypoint(keypoints[2 * k] / total, keypoints[2 * k + 1] / total);
                result = top with { Box = new BoundingBox(left, upper, xmax / total - left, ymax / total - upper), Keypoints = merged };
            }
            output.Add(result);
            kept++;
            // Nothing was absorbed (not even the top one, e.g. a threshold of 1 or a degenerate box): stop, as MediaPipe does.
            if (rest.Count == remaining.Count) break;
            (remaining, rest) = (rest, remaining);
        }
    }
}
