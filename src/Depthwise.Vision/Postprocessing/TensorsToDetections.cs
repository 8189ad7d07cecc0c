namespace Depthwise.Vision.Postprocessing;

/// <summary>
/// Decodes a detection model's raw outputs into <see cref="Detection"/>s as MediaPipe's
/// <c>TensorsToDetectionsCalculator</c> does on CPU: box regressions relative to SSD anchors (scaled, optionally
/// exponential sizes, keypoints), the best allowed class per box (optionally sigmoid with clipping), then the score
/// threshold, class filter and result limit, in box order. No NMS: feed the result to <see cref="NonMaxSuppression"/>.
/// Works on plain float spans, so it does not depend on how the model was run. Thread-safe.
/// </summary>
public sealed class TensorsToDetections
{
    private readonly Anchor[] _anchors;
    private readonly HashSet<int> _classes;
    private readonly bool _allowList;

    /// <summary>Creates a decoder for a model with these options and anchors (one per box).</summary>
    /// <exception cref="ArgumentException">The options are inconsistent or the anchor count differs from <see cref="TensorsToDetectionsOptions.NumBoxes"/>.</exception>
    public TensorsToDetections(TensorsToDetectionsOptions options, ReadOnlySpan<Anchor> anchors)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        if (anchors.Length != options.NumBoxes)
            throw new ArgumentException($"{anchors.Length} anchors for {options.NumBoxes} boxes");
        Options = options;
        _anchors = anchors.ToArray();
        _allowList = options.AllowClasses.Count > 0;
        _classes = [.. _allowList ? options.AllowClasses : options.IgnoreClasses];
    }

    /// <summary>The options.</summary>
    public TensorsToDetectionsOptions Options { get; }

    private static void Validate(TensorsToDetectionsOptions o)
    {
        if (o.NumClasses <= 0) throw new ArgumentException($"num_classes must be positive, got {o.NumClasses}");
        if (o.NumBoxes <= 0) throw new ArgumentException($"num_boxes must be positive, got {o.NumBoxes}");
        if (o.NumKeypoints < 0) throw new ArgumentException($"num_keypoints must not be negative, got {o.NumKeypoints}");
        if (o.NumValuesPerKeypoint < 2) throw new ArgumentException($"num_values_per_keypoint must be at least 2, got {o.NumValuesPerKeypoint}");
        if (o.BoxCoordOffset < 0 || o.BoxCoordOffset + 4 > o.NumCoords)
            throw new ArgumentException($"box values at offset {o.BoxCoordOffset} do not fit in {o.NumCoords} coordinates");
        if (o.NumKeypoints > 0 && (o.KeypointCoordOffset < 0 || o.KeypointCoordOffset + o.NumKeypoints * o.NumValuesPerKeypoint > o.NumCoords))
            throw new ArgumentException($"{o.NumKeypoints} keypoints of {o.NumValuesPerKeypoint} values at offset {o.KeypointCoordOffset} do not fit in {o.NumCoords} coordinates");
        foreach (var s in new[] { o.XScale, o.YScale, o.WScale, o.HScale })
            if (!float.IsFinite(s) || s == 0) throw new ArgumentException($"box scales must be finite and non-zero, got x {o.XScale} y {o.YScale} w {o.WScale} h {o.HScale}");
        if (o.AllowClasses.Count > 0 && o.IgnoreClasses.Count > 0)
            throw new ArgumentException("set allow_classes or ignore_classes, not both");
        if (o.MaxResults == 0) throw new ArgumentException("max_results 0 would return nothing; use -1 for no limit");
    }

    /// <summary>Whether detections of class <paramref name="classId"/> are reported.</summary>
    public bool IsClassAllowed(int classId) => _allowList ? _classes.Contains(classId) : !_classes.Contains(classId);

    /// <summary>Decodes raw outputs into a new list.</summary>
    /// <param name="rawBoxes">[num_boxes, num_coords] box regressions, row-major.</param>
    /// <param name="rawScores">[num_boxes, num_classes] scores or logits, row-major.</param>
    public List<Detection> Decode(ReadOnlySpan<float> rawBoxes, ReadOnlySpan<float> rawScores)
    {
        var list = new List<Detection>();
        Decode(rawBoxes, rawScores, list);
        return list;
    }

    /// <summary>Decodes raw outputs, appending to <paramref name="output"/>; only kept boxes are decoded and allocate.</summary>
    /// <exception cref="ArgumentException">A span's length is not boxes × coordinates or boxes × classes.</exception>
    public void Decode(ReadOnlySpan<float> rawBoxes, ReadOnlySpan<float> rawScores, List<Detection> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var o = Options;
        if (rawBoxes.Length != o.NumBoxes * o.NumCoords)
            throw new ArgumentException($"raw boxes hold {rawBoxes.Length} values, expected {o.NumBoxes}x{o.NumCoords}", nameof(rawBoxes));
        if (rawScores.Length != o.NumBoxes * o.NumClasses)
            throw new ArgumentException($"raw scores hold {rawScores.Length} values, expected {o.NumBoxes}x{o.NumClasses}", nameof(rawScores));
        int produced = 0;
        for (int i = 0; i < o.NumBoxes; i++)
        {
            if (o.MaxResults > 0 && produced == o.MaxResults) break;
            var (score, classId) = BestClass(rawScores.Slice(i * o.NumClasses, o.NumClasses));
            if (classId < 0) continue;
            if (o.MinScoreThresh is float min && score < min) continue;
            var detection = DecodeBox(rawBoxes.Slice(i * o.NumCoords, o.NumCoords), _anchors[i], score, classId);
            // Inverted or NaN boxes come from bad regressions; MediaPipe drops them (b/171391719).
            if (detection is null) continue;
            output.Add(detection);
            produced++;
        }
    }

    /// <summary>The best allowed class of one box and its (sigmoid) score; class −1 when none is allowed.</summary>
    public (float Score, int ClassId) BestClass(ReadOnlySpan<float> scores)
    {
        int best = -1;
        float bestScore = float.MinValue;
        for (int c = 0; c < scores.Length; c++)
        {
            if (!IsClassAllowed(c)) continue;
            float s = scores[c];
            if (Options.SigmoidScore)
            {
                if (Options.ScoreClippingThresh is float clip) s = Math.Clamp(s, -clip, clip);
                s = 1f / (1f + MathF.Exp(-s));
            }
            if (bestScore < s)
            {
                bestScore = s;
                best = c;
            }
        }
        return (bestScore, best);
    }

    private Detection? DecodeBox(ReadOnlySpan<float> raw, in Anchor anchor, float score, int classId)
    {
        var o = Options;
        int b = o.BoxCoordOffset;
        float yc = raw[b], xc = raw[b + 1], h = raw[b + 2], w = raw[b + 3];
        if (o.ReverseOutputOrder) (xc, yc, w, h) = (raw[b], raw[b + 1], raw[b + 2], raw[b + 3]);
        xc = xc / o.XScale * anchor.Width + anchor.XCenter;
        yc = yc / o.YScale * anchor.Height + anchor.YCenter;
        if (o.ApplyExponentialOnBoxSize)
        {
            h = MathF.Exp(h / o.HScale) * anchor.Height;
            w = MathF.Exp(w / o.WScale) * anchor.Width;
        }
        else
        {
            h = h / o.HScale * anchor.Height;
            w = w / o.WScale * anchor.Width;
        }
        float ymin = yc - h / 2f, xmin = xc - w / 2f, ymax = yc + h / 2f, xmax = xc + w / 2f;
        var box = new BoundingBox(xmin, o.FlipVertically ? 1f - ymax : ymin, xmax - xmin, ymax - ymin);
        if (!(box.Width >= 0) || !(box.Height >= 0)) return null;

        Keypoint[] keypoints = o.NumKeypoints == 0 ? [] : new Keypoint[o.NumKeypoints];
        for (int k = 0; k < o.NumKeypoints; k++)
        {
            int at = o.KeypointCoordOffset + k * o.NumValuesPerKeypoint;
            float ky = raw[at], kx = raw[at + 1];
            if (o.ReverseOutputOrder) (kx, ky) = (raw[at], raw[at + 1]);
            kx = kx / o.XScale * anchor.Width + anchor.XCenter;
            ky = ky / o.YScale * anchor.Height + anchor.YCenter;
            keypoints[k] = new Keypoint(kx, o.FlipVertically ? 1f - ky : ky);
        }
        return new Detection(score, classId, box, keypoints);
    }

    /// <summary>
    /// Reads the outputs of a model that ends in TFLite's <c>TFLite_Detection_PostProcess</c> (boxes already decoded
    /// and suppressed): boxes [max, 4] as ymin, xmin, ymax, xmax, classes and scores [max], and the valid count.
    /// Applies only the score threshold, class filter and result limit, as MediaPipe does for four-tensor input.
    /// </summary>
    public static List<Detection> FromPostProcessed(ReadOnlySpan<float> boxes, ReadOnlySpan<float> classes, ReadOnlySpan<float> scores,
        int count, TensorsToDetectionsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (count < 0 || count > scores.Length || count > classes.Length || count * 4 > boxes.Length)
            throw new ArgumentException($"{count} detections do not fit in {boxes.Length / 4} boxes, {classes.Length} classes, {scores.Length} scores");
        bool allowList = options.AllowClasses.Count > 0;
        var list = new List<Detection>();
        for (int i = 0; i < count; i++)
        {
            if (options.MaxResults > 0 && list.Count == options.MaxResults) break;
            float score = scores[i];
            int classId = (int)classes[i];
            if (options.MinScoreThresh is float min && score < min) continue;
            bool allowed = allowList ? options.AllowClasses.Contains(classId) : !options.IgnoreClasses.Contains(classId);
            if (!allowed) continue;
            float ymin = boxes[i * 4], xmin = boxes[i * 4 + 1], ymax = boxes[i * 4 + 2], xmax = boxes[i * 4 + 3];
            var box = new BoundingBox(xmin, options.FlipVertically ? 1f - ymax : ymin, xmax - xmin, ymax - ymin);
            if (!(box.Width >= 0) || !(box.Height >= 0)) continue;
            list.Add(new Detection(score, classId, box));
        }
        return list;
    }
}
