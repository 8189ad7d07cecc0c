using System.Buffers.Binary;
using Depthwise.Ops;

namespace Depthwise.Formats.TFLite;

internal static partial class TfLiteOpTable
{
    static partial void AddCustomRows()
    {
        Custom("Convolution2DTransposeBias", ImportConvolution2DTransposeBias);
        Custom("TFLite_Detection_PostProcess", ImportDetectionPostProcess);
    }

    /// <summary>
    /// TFLite_Detection_PostProcess: inputs box encodings, class predictions, anchors; four outputs (boxes, classes,
    /// scores, count). The options are a FlexBuffer map read as TFLite's Init reads it: a missing key is 0 (false),
    /// except detections_per_class (100).
    /// </summary>
    private static void ImportDetectionPostProcess(TfLiteNode n)
    {
        n.ExpectArity(3, 3, 4);
        var map = FlexBufferReader.ReadMap(n.CustomOptions, n.Source, $"operator #{n.Index} (TFLite_Detection_PostProcess) custom_options");
        int Int(string key, int absent = 0)
        {
            if (!map.TryGetValue(key, out var v)) return absent;
            long? i = v.AsInt();
            if (i is null || i < int.MinValue || i > int.MaxValue) throw n.Invalid($"option '{key}' is {v}; expected a 32-bit integer");
            return (int)i;
        }
        float Float(string key)
        {
            if (!map.TryGetValue(key, out var v)) return 0;
            return (float)(v.AsDouble() ?? throw n.Invalid($"option '{key}' is {v}; expected a number"));
        }
        var op = new DetectionPostProcessOp
        {
            MaxDetections = Int("max_detections"),
            MaxClassesPerDetection = Int("max_classes_per_detection"),
            DetectionsPerClass = Int("detections_per_class", 100),
            UseRegularNms = Int("use_regular_nms") != 0,
            NmsScoreThreshold = Float("nms_score_threshold"),
            NmsIouThreshold = Float("nms_iou_threshold"),
            NumClasses = Int("num_classes"),
            YScale = Float("y_scale"),
            XScale = Float("x_scale"),
            HScale = Float("h_scale"),
            WScale = Float("w_scale"),
        };
        n.Add(op, [n.Input(0), n.Input(1), n.Input(2)], n.Output(0), n.Output(1), n.Output(2), n.Output(3));
    }

    /// <summary>
    /// MediaPipe's Convolution2DTransposeBias: inputs x (NHWC), weights (OHWI), bias; its custom options are a raw
    /// TfLiteTransposeConvParams struct (int32 padding: 1 SAME, 2 VALID; int32 stride_width; int32 stride_height).
    /// The output is (in − 1)·stride + kernel − total_pad per spatial dim, total_pad = max(0, kernel − (in − 1) mod stride − 1)
    /// for SAME and 0 for VALID, the window starting total_pad / 2 before the first output.
    /// </summary>
    private static void ImportConvolution2DTransposeBias(TfLiteNode n)
    {
        n.ExpectArity(3, 3, 1);
        var options = n.CustomOptions;
        if (options.Length < 12) throw n.Invalid($"has {options.Length} bytes of custom options; expected the 12-byte TfLiteTransposeConvParams");
        int padding = BinaryPrimitives.ReadInt32LittleEndian(options);
        int strideW = BinaryPrimitives.ReadInt32LittleEndian(options[4..]);
        int strideH = BinaryPrimitives.ReadInt32LittleEndian(options[8..]);
        if (padding is not (1 or 2)) throw n.Invalid($"has padding {padding}; expected 1 (SAME) or 2 (VALID)");
        if (strideW < 1 || strideH < 1) throw n.Invalid($"has strides {strideH}×{strideW}; they must be at least 1");
        var x = n.InputTensor(0);
        var w = n.InputTensor(1);
        ExpectRank(n, x, 4, "the input");
        ExpectRank(n, w, 4, "the filter");
        var size = new int[2];
        int[] stride = [strideH, strideW];
        for (int d = 0; d < 2; d++)
        {
            long input = x.Shape[d + 1], k = w.Shape[d + 1], s = stride[d];
            long total = padding == 1 ? Math.Max(0, k - (input - 1) % s - 1) : 0;
            long output = s * (input - 1) + k - total;
            if (input < 1 || output < 1 || output > int.MaxValue) throw n.Invalid($"gives an output size of {output} along spatial axis {d}");
            size[d] = (int)output;
        }
        // The same window placement as TRANSPOSE_CONV with SAME padding and this output size.
        AddTransposeConv(n, weightsInput: 1, dataInput: 0, biasInput: 2, padding == 1 ? AutoPad.SameUpper : AutoPad.Valid,
            strideH, strideW, size[0], size[1], TfLiteActivation.None);
    }
}
