using System.Runtime.InteropServices;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// TensorFlow Lite's custom operator <c>TFLite_Detection_PostProcess</c> (SSD box decoding + non-max suppression),
/// computed as TFLite's <c>detection_postprocess.cc</c> does. Inputs: box_encodings [1, N, ≥4] (y_center, x_center,
/// h, w encodings; extra trailing values such as keypoints are ignored), class_predictions [1, N, num_classes or
/// num_classes + 1 with a leading background class], anchors [N, 4] (y_center, x_center, h, w). Each input is float32,
/// or uint8/int8 with per-tensor quantization (dequantized as <c>(q − zero_point) · scale</c>; the anchors are usually a
/// uint8 constant). Outputs, all float32: boxes [1, D, 4] (ymin, xmin, ymax, xmax), classes [1, D] (class index without
/// the background), scores [1, D] and num_detections [1], where D = max_detections · max_classes_per_detection.
/// <para>
/// Decoding runs in double as TFLite does: y = ye / y_scale · ha + ya, x likewise, half_h = 0.5 · exp(he / h_scale) · ha,
/// half_w likewise; the corners are rounded to float. NMS for one class keeps scores ≥ nms_score_threshold, sorts them
/// decreasing (stable: equal scores keep anchor order), then greedily keeps each box and drops later ones whose IoU with
/// it is above nms_iou_threshold (IoU is 0 when either box has a non-positive area). The fast path
/// (<see cref="UseRegularNms"/> false) ranks each anchor by its best class score (the first maximum), runs one NMS
/// limited to max_detections and writes, per kept anchor, its top max_classes_per_detection classes. The regular path
/// runs NMS per class (limited to detections_per_class) and merges the per-class results into the best max_detections
/// by score. Ties in the partial sorts (regular merge, several classes per anchor) keep the earlier entry; TFLite's
/// std::partial_sort leaves their order unspecified. Entries past the detections written are zeros (TFLite's regular
/// path writes zeros; its fast path leaves them untouched). Decoded boxes with ymin &gt; ymax or xmin &gt; xmax (negative
/// anchor sizes) fail the run, as TFLite's ValidateBoxes does.
/// </para>
/// The TFLite importer maps the custom op's FlexBuffer options onto the init properties named after them.
/// </summary>
public sealed class DetectionPostProcessOp : Op
{
    /// <summary>TFLite option <c>max_detections</c>: the most boxes reported (≥ 0).</summary>
    public int MaxDetections { get; init; }

    /// <summary>TFLite option <c>max_classes_per_detection</c>: classes reported per box on the fast path (&gt; 0 there).</summary>
    public int MaxClassesPerDetection { get; init; } = 1;

    /// <summary>TFLite option <c>detections_per_class</c> (default 100): boxes kept per class on the regular path (&gt; 0 there).</summary>
    public int DetectionsPerClass { get; init; } = 100;

    /// <summary>TFLite option <c>use_regular_nms</c> (default false): per-class NMS instead of the fast multi-class path.</summary>
    public bool UseRegularNms { get; init; }

    /// <summary>TFLite option <c>nms_score_threshold</c>: scores below it are dropped before NMS.</summary>
    public float NmsScoreThreshold { get; init; }

    /// <summary>TFLite option <c>nms_iou_threshold</c>: a box whose IoU with a kept box is above it is suppressed; in (0, 1].</summary>
    public float NmsIouThreshold { get; init; }

    /// <summary>TFLite option <c>num_classes</c>: classes without the background class.</summary>
    public int NumClasses { get; init; }

    /// <summary>TFLite option <c>y_scale</c>: divides the y_center encoding.</summary>
    public float YScale { get; init; }

    /// <summary>TFLite option <c>x_scale</c>: divides the x_center encoding.</summary>
    public float XScale { get; init; }

    /// <summary>TFLite option <c>h_scale</c>: divides the log-height encoding.</summary>
    public float HScale { get; init; }

    /// <summary>TFLite option <c>w_scale</c>: divides the log-width encoding.</summary>
    public float WScale { get; init; }

    /// <inheritdoc />
    public override string OpType => "TFLite_Detection_PostProcess";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        Validate(ctx);
        int slots = checked(MaxDetections * MaxClassesPerDetection);
        ctx.SetOutput(0, DataType.Float32, new Shape(1, slots, 4));
        ctx.SetOutput(1, DataType.Float32, new Shape(1, slots));
        ctx.SetOutput(2, DataType.Float32, new Shape(1, slots));
        ctx.SetOutput(3, DataType.Float32, new Shape(1));
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return new ReferenceKernel(this, Validate(ctx));
    }

    /// <summary>Sizes and dequantization of the inputs, checked as TFLite's Prepare and Eval check them.</summary>
    private sealed record Geometry(int Boxes, int EncodingLength, int ClassesWithBackground, int LabelOffset,
        Dequant BoxQuant, Dequant ClassQuant, Dequant AnchorQuant);

    /// <summary>How one input becomes float: its storage type and per-tensor zero point and scale.</summary>
    private readonly record struct Dequant(DataType Type, float ZeroPoint, float Scale);

    private Geometry Validate(OpContext ctx)
    {
        if (ctx.InputCount != 3) throw ctx.Error($"expected 3 inputs (box_encodings, class_predictions, anchors); got {ctx.InputCount}");
        if (ctx.OutputCount != 4) throw ctx.Error($"expected 4 outputs (boxes, classes, scores, num_detections); got {ctx.OutputCount}");
        for (int i = 0; i < 3; i++) ctx.ExpectType(i, DataType.Float32, DataType.UInt8, DataType.Int8);
        ctx.ExpectRank(0, 3);
        ctx.ExpectRank(1, 3);
        ctx.ExpectRank(2, 2);
        Shape boxes = ctx.InputShape(0), classes = ctx.InputShape(1), anchors = ctx.InputShape(2);
        if (boxes[0] != 1 || classes[0] != 1) throw ctx.Error($"batch size must be 1; box_encodings is {boxes}, class_predictions {classes}");
        int n = boxes[1];
        if (boxes[2] < 4) throw ctx.Error($"box_encodings {boxes} must have at least 4 values per box");
        if (classes[1] != n) throw ctx.Error($"class_predictions {classes} must have {n} boxes like box_encodings {boxes}");
        if (anchors[0] != n || anchors[1] != 4) throw ctx.Error($"anchors {anchors} must be [{n}, 4]");
        if (NumClasses <= 0) throw ctx.Error($"num_classes must be positive, not {NumClasses}");
        int offset = classes[2] - NumClasses;
        if (offset is not (0 or 1))
            throw ctx.Error($"class_predictions {classes} must have num_classes ({NumClasses}) or num_classes + 1 (background first) scores per box");
        if (MaxDetections < 0) throw ctx.Error($"max_detections must be non-negative, not {MaxDetections}");
        if (MaxClassesPerDetection <= 0) throw ctx.Error($"max_classes_per_detection must be positive, not {MaxClassesPerDetection}");
        if (UseRegularNms && DetectionsPerClass <= 0) throw ctx.Error($"detections_per_class must be positive, not {DetectionsPerClass}");
        if (!(NmsIouThreshold > 0 && NmsIouThreshold <= 1)) throw ctx.Error($"nms_iou_threshold must be in (0, 1], not {NmsIouThreshold}");
        return new Geometry(n, boxes[2], classes[2], offset, DequantOf(ctx, 0), DequantOf(ctx, 1), DequantOf(ctx, 2));
    }

    private static Dequant DequantOf(OpContext ctx, int i)
    {
        var type = ctx.InputType(i);
        if (type == DataType.Float32) return new Dequant(type, 0, 1);
        var q = ctx.InputQuant(i) ?? throw ctx.Error($"input {i} ('{ctx.Node.Inputs[i]?.Name}') is {DataTypes.Name(type)} without quantization parameters");
        if (!q.IsPerTensor) throw ctx.Error($"input {i} ('{ctx.Node.Inputs[i]?.Name}') must be quantized per tensor");
        return new Dequant(type, q.ZeroPoints[0], q.Scales[0]);
    }

    /// <summary>
    /// The whole operator in one pass over planned scratch: decode every box, turn the scores into float, then the fast or
    /// the regular NMS. Sorting uses 64-bit keys (inverted order-preserving score bits, then the index) so that one
    /// allocation-free ascending sort gives TFLite's decreasing stable order.
    /// </summary>
    private sealed class ReferenceKernel : Kernel
    {
        private readonly DetectionPostProcessOp _op;
        private readonly Geometry _g;
        private readonly int _categories, _slots;
        // Scratch layout (byte offsets, 8-aligned).
        private readonly int _decodedAt, _scoresAt, _candidateAt, _keepAt, _keysAt, _selectedAt, _activeAt;
        private readonly int _classIdxAt, _mergedIdxAt, _mergedScoreAt, _tmpIdxAt, _tmpScoreAt, _bytes;
        private readonly int _keyCount, _mergedCount;

        public ReferenceKernel(DetectionPostProcessOp op, Geometry g)
        {
            _op = op;
            _g = g;
            int n = g.Boxes, k = g.ClassesWithBackground, m = op.MaxDetections;
            _categories = Math.Min(op.MaxClassesPerDetection, op.NumClasses);
            _slots = m * op.MaxClassesPerDetection;
            _mergedCount = n + m;
            _keyCount = Math.Max(_mergedCount, op.NumClasses);
            long at = 0;
            int Take(long bytes)
            {
                long start = at;
                at = checked(at + (bytes + 7) / 8 * 8);
                return (int)start;
            }
            _decodedAt = Take(4L * n * sizeof(float));
            _scoresAt = Take(g.ClassQuant.Type == DataType.Float32 ? 0 : (long)n * k * sizeof(float));
            _candidateAt = Take((long)n * sizeof(float));
            _keepAt = Take((long)n * sizeof(int));
            _keysAt = Take((long)_keyCount * sizeof(ulong));
            _selectedAt = Take((long)n * sizeof(int));
            _activeAt = Take(n);
            _classIdxAt = Take(op.UseRegularNms ? 0 : (long)n * _categories * sizeof(int));
            _mergedIdxAt = Take(op.UseRegularNms ? (long)_mergedCount * sizeof(int) : 0);
            _mergedScoreAt = Take(op.UseRegularNms ? (long)_mergedCount * sizeof(float) : 0);
            _tmpIdxAt = Take(op.UseRegularNms ? (long)m * sizeof(int) : 0);
            _tmpScoreAt = Take(op.UseRegularNms ? (long)m * sizeof(float) : 0);
            _bytes = checked((int)at);
        }

        public override int ScratchBytes => _bytes;

        private static Span<T> Part<T>(Span<byte> scratch, int at, int count) where T : unmanaged =>
            MemoryMarshal.Cast<byte, T>(scratch.Slice(at, count * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()));

        public override void Run(in KernelContext ctx)
        {
            var g = _g;
            int n = g.Boxes, k = g.ClassesWithBackground;
            var scratch = ctx.Scratch;
            var decoded = Part<float>(scratch, _decodedAt, 4 * n);
            Decode(ctx.InputBytes(0), ctx.InputBytes(2), decoded);
            for (int i = 0; i < n; i++)
                if (decoded[4 * i] > decoded[4 * i + 2] || decoded[4 * i + 1] > decoded[4 * i + 3])
                    throw new InputValidationException($"decoded box {i} has ymin > ymax or xmin > xmax (negative anchor size?)", "anchors");

            ReadOnlySpan<float> scores;
            if (g.ClassQuant.Type == DataType.Float32) scores = ctx.Input<float>(1)[..(n * k)];
            else
            {
                var s = Part<float>(scratch, _scoresAt, n * k);
                Dequantize(ctx.InputBytes(1), g.ClassQuant, s);
                scores = s;
            }

            var boxesOut = ctx.Output<float>(0);
            var classesOut = ctx.Output<float>(1);
            var scoresOut = ctx.Output<float>(2);
            boxesOut[..(4 * _slots)].Clear();
            classesOut[.._slots].Clear();
            scoresOut[.._slots].Clear();
            int count = _op.UseRegularNms
                ? RegularNms(scratch, decoded, scores, boxesOut, classesOut, scoresOut)
                : FastNms(scratch, decoded, scores, boxesOut, classesOut, scoresOut);
            ctx.Output<float>(3)[0] = count;
        }

        private void Decode(ReadOnlySpan<byte> boxes, ReadOnlySpan<byte> anchors, Span<float> decoded)
        {
            var g = _g;
            double ys = _op.YScale, xs = _op.XScale, hs = _op.HScale, ws = _op.WScale;
            for (int i = 0; i < g.Boxes; i++)
            {
                int b = i * g.EncodingLength, a = i * 4;
                double ey = Value(boxes, g.BoxQuant, b), ex = Value(boxes, g.BoxQuant, b + 1);
                double eh = Value(boxes, g.BoxQuant, b + 2), ew = Value(boxes, g.BoxQuant, b + 3);
                double ay = Value(anchors, g.AnchorQuant, a), ax = Value(anchors, g.AnchorQuant, a + 1);
                double ah = Value(anchors, g.AnchorQuant, a + 2), aw = Value(anchors, g.AnchorQuant, a + 3);
                float yc = (float)(ey / ys * ah + ay);
                float xc = (float)(ex / xs * aw + ax);
                float hh = (float)(0.5 * Math.Exp(eh / hs) * ah);
                float hw = (float)(0.5 * Math.Exp(ew / ws) * aw);
                decoded[4 * i] = yc - hh;
                decoded[4 * i + 1] = xc - hw;
                decoded[4 * i + 2] = yc + hh;
                decoded[4 * i + 3] = xc + hw;
            }
        }

        /// <summary>Element <paramref name="i"/> as float: (q − zero_point) · scale in float for quantized storage.</summary>
        private static float Value(ReadOnlySpan<byte> data, Dequant q, int i) => q.Type switch
        {
            DataType.Float32 => MemoryMarshal.Read<float>(data[(i * 4)..]),
            DataType.UInt8 => (data[i] - q.ZeroPoint) * q.Scale,
            _ => ((sbyte)data[i] - q.ZeroPoint) * q.Scale,
        };

        private static void Dequantize(ReadOnlySpan<byte> data, Dequant q, Span<float> y)
        {
            for (int i = 0; i < y.Length; i++) y[i] = Value(data, q, i);
        }

        /// <summary>
        /// TFLite's fast path: per anchor the top classes (first maximum when one is kept), NMS on each anchor's best
        /// score limited to max_detections, then every kept anchor's classes in slots of max_classes_per_detection.
        /// </summary>
        private int FastNms(Span<byte> scratch, ReadOnlySpan<float> decoded, ReadOnlySpan<float> scores,
            Span<float> boxesOut, Span<float> classesOut, Span<float> scoresOut)
        {
            var g = _g;
            int n = g.Boxes, k = g.ClassesWithBackground, c = _op.NumClasses, p = _categories;
            var maxScores = Part<float>(scratch, _candidateAt, n);
            var classIdx = Part<int>(scratch, _classIdxAt, n * p);
            var keys = Part<ulong>(scratch, _keysAt, _keyCount);
            for (int row = 0; row < n; row++)
            {
                var rowScores = scores.Slice(row * k + g.LabelOffset, c);
                var top = classIdx.Slice(row * p, p);
                if (p == 1) top[0] = ArgMaxFirst(rowScores);
                else TopStable(rowScores, top, keys);
                maxScores[row] = rowScores[top[0]];
            }
            var selected = Part<int>(scratch, _selectedAt, n);
            int kept = SingleClassNms(scratch, decoded, maxScores, _op.MaxDetections, selected);
            int stride = _op.MaxClassesPerDetection;
            for (int o = 0; o < kept; o++)
            {
                int anchor = selected[o];
                for (int col = 0; col < p; col++)
                {
                    int slot = stride * o + col;
                    int cls = classIdx[anchor * p + col];
                    decoded.Slice(4 * anchor, 4).CopyTo(boxesOut.Slice(4 * slot, 4));
                    classesOut[slot] = cls;
                    scoresOut[slot] = scores[anchor * k + g.LabelOffset + cls];
                }
            }
            return kept;
        }

        /// <summary>
        /// TFLite's regular path: NMS per class (limited to detections_per_class); after each class the candidates so far
        /// plus the new ones are sorted by score and cut to max_detections.
        /// </summary>
        private int RegularNms(Span<byte> scratch, ReadOnlySpan<float> decoded, ReadOnlySpan<float> scores,
            Span<float> boxesOut, Span<float> classesOut, Span<float> scoresOut)
        {
            var g = _g;
            int n = g.Boxes, k = g.ClassesWithBackground, m = _op.MaxDetections;
            var classScores = Part<float>(scratch, _candidateAt, n);
            var selected = Part<int>(scratch, _selectedAt, n);
            var mergedIdx = Part<int>(scratch, _mergedIdxAt, _mergedCount);
            var mergedScore = Part<float>(scratch, _mergedScoreAt, _mergedCount);
            var tmpIdx = Part<int>(scratch, _tmpIdxAt, m);
            var tmpScore = Part<float>(scratch, _tmpScoreAt, m);
            var keys = Part<ulong>(scratch, _keysAt, _keyCount);
            int sorted = 0;
            for (int col = 0; col < _op.NumClasses; col++)
            {
                for (int row = 0; row < n; row++) classScores[row] = scores[row * k + col + g.LabelOffset];
                int kept = SingleClassNms(scratch, decoded, classScores, _op.DetectionsPerClass, selected);
                int total = sorted;
                for (int i = 0; i < kept; i++, total++)
                {
                    mergedIdx[total] = selected[i] * k + col + g.LabelOffset;
                    mergedScore[total] = classScores[selected[i]];
                }
                int take = Math.Min(total, m);
                var order = keys[..total];
                for (int i = 0; i < total; i++) order[i] = Key(mergedScore[i], i);
                order.Sort();
                for (int i = 0; i < take; i++)
                {
                    int from = (int)(uint)order[i];
                    tmpIdx[i] = mergedIdx[from];
                    tmpScore[i] = mergedScore[from];
                }
                tmpIdx[..take].CopyTo(mergedIdx);
                tmpScore[..take].CopyTo(mergedScore);
                sorted = take;
            }
            for (int o = 0; o < sorted; o++)
            {
                int anchor = mergedIdx[o] / k;
                int cls = mergedIdx[o] - anchor * k - g.LabelOffset;
                decoded.Slice(4 * anchor, 4).CopyTo(boxesOut.Slice(4 * o, 4));
                classesOut[o] = cls;
                scoresOut[o] = mergedScore[o];
            }
            return sorted;
        }

        /// <summary>
        /// TFLite's NonMaxSuppressionSingleClassHelper: keeps scores ≥ the threshold, orders them decreasing (stable),
        /// and greedily selects up to <paramref name="limit"/> boxes, dropping later boxes whose IoU with a selected one
        /// is above the IoU threshold. Writes anchor indices to <paramref name="selected"/>; returns how many.
        /// </summary>
        private int SingleClassNms(Span<byte> scratch, ReadOnlySpan<float> decoded, ReadOnlySpan<float> candidateScores,
            int limit, Span<int> selected)
        {
            int n = _g.Boxes;
            var keep = Part<int>(scratch, _keepAt, n);
            var keys = Part<ulong>(scratch, _keysAt, _keyCount);
            var active = scratch.Slice(_activeAt, n);
            float threshold = _op.NmsScoreThreshold, iouThreshold = _op.NmsIouThreshold;
            int kept = 0;
            for (int i = 0; i < n; i++)
                if (candidateScores[i] >= threshold) keep[kept++] = i;
            var order = keys[..kept];
            for (int i = 0; i < kept; i++) order[i] = Key(candidateScores[keep[i]], i);
            order.Sort();
            int outputSize = Math.Min(kept, limit);
            int count = 0, activeCount = kept;
            active[..kept].Fill(1);
            for (int i = 0; i < kept; i++)
            {
                if (activeCount == 0 || count >= outputSize) break;
                if (active[i] == 0) continue;
                int boxI = keep[(int)(uint)order[i]];
                selected[count++] = boxI;
                active[i] = 0;
                activeCount--;
                for (int j = i + 1; j < kept; j++)
                {
                    if (active[j] == 0) continue;
                    if (IntersectionOverUnion(decoded, boxI, keep[(int)(uint)order[j]]) > iouThreshold)
                    {
                        active[j] = 0;
                        activeCount--;
                    }
                }
            }
            return count;
        }

        /// <summary>
        /// Sort key that orders by decreasing score, then increasing <paramref name="index"/> (a stable decreasing sort).
        /// The float bits are mapped to an order-preserving unsigned value and inverted; -0 counts as +0 as in a
        /// float comparison. NaN scores never reach here (they fail the score threshold).
        /// </summary>
        private static ulong Key(float score, int index)
        {
            uint bits = score == 0 ? 0u : BitConverter.SingleToUInt32Bits(score);
            uint ordered = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
            return ((ulong)~ordered << 32) | (uint)index;
        }

        /// <summary>TFLite's ArgMaxVector: the first index of the largest value (a NaN never wins against an earlier value).</summary>
        private static int ArgMaxFirst(ReadOnlySpan<float> values)
        {
            float best = values[0];
            int at = 0;
            for (int i = 1; i < values.Length; i++)
                if (values[i] > best) { best = values[i]; at = i; }
            return at;
        }

        /// <summary>The <c>top.Length</c> best indices of <paramref name="values"/>, decreasing, equal values in index order.</summary>
        private static void TopStable(ReadOnlySpan<float> values, Span<int> top, Span<ulong> keys)
        {
            var order = keys[..values.Length];
            for (int i = 0; i < values.Length; i++) order[i] = Key(values[i], i);
            order.Sort();
            for (int i = 0; i < top.Length; i++) top[i] = (int)(uint)order[i];
        }

        /// <summary>TFLite's ComputeIntersectionOverUnion in float: 0 when either box has a non-positive area.</summary>
        private static float IntersectionOverUnion(ReadOnlySpan<float> boxes, int i, int j)
        {
            float iy0 = boxes[4 * i], ix0 = boxes[4 * i + 1], iy1 = boxes[4 * i + 2], ix1 = boxes[4 * i + 3];
            float jy0 = boxes[4 * j], jx0 = boxes[4 * j + 1], jy1 = boxes[4 * j + 2], jx1 = boxes[4 * j + 3];
            float areaI = (iy1 - iy0) * (ix1 - ix0);
            float areaJ = (jy1 - jy0) * (jx1 - jx0);
            if (areaI <= 0 || areaJ <= 0) return 0;
            float ymin = StdMax(iy0, jy0), xmin = StdMax(ix0, jx0);
            float ymax = StdMin(iy1, jy1), xmax = StdMin(ix1, jx1);
            float intersection = StdMax(ymax - ymin, 0) * StdMax(xmax - xmin, 0);
            return intersection / (areaI + areaJ - intersection);
        }

        // std::max / std::min semantics (the first argument wins unless the second compares greater / smaller).
        private static float StdMax(float a, float b) => a < b ? b : a;

        private static float StdMin(float a, float b) => b < a ? b : a;
    }
}
