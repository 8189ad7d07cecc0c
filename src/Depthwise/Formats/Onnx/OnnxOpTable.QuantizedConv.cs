using Depthwise.Graph;
using Depthwise.Kernels.Quantized;
using Depthwise.Ops;

namespace Depthwise.Formats.Onnx;

/// <summary>
/// Quantized convolution and matrix products: QLinearConv, QLinearMatMul and com.microsoft QGemm. The IR ops take
/// the ONNX quantization inputs as constant inputs 3…8 (x/a scale and zero point, w/b scale and zero point, y scale and
/// zero point; see <see cref="QLinearOperands"/>) after their data inputs, and use ONNX Runtime's requantization
/// (float scale, round half to even).
/// </summary>
internal static partial class OnnxOpTable
{
    static partial void AddQuantizedConvRows(List<OnnxOpRow> rows);

    static partial void AddQuantizedConvRows(List<OnnxOpRow> rows)
    {
        // QLinearConv: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, [B].
        Row(rows, "QLinearConv", 10, n =>
        {
            Reorder(n, 9, [0, 3, 8, 1, 2, 4, 5, 6, 7]);
            return new QLinearConvOp
            {
                KernelShape = IntList(n, "kernel_shape"),
                Strides = IntList(n, "strides"),
                Dilations = IntList(n, "dilations"),
                Pads = IntList(n, "pads"),
                AutoPad = ParseAutoPad(n),
                Group = IntAttr(n, "group", 1),
                Requantize = RequantizeMode.FloatRoundHalfEven,
            };
        }, ExportQLinearConv);

        // QLinearMatMul: a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point.
        Row(rows, "QLinearMatMul", 10, n =>
        {
            Reorder(n, 8, [0, 3, -1, 1, 2, 4, 5, 6, 7]);
            return new QLinearGemmOp { Requantize = RequantizeMode.FloatRoundHalfEven };
        }, ExportQLinearMatMul);

        // com.microsoft QGemm: A, a_scale, a_zero_point, B, b_scale, b_zero_point, [C], [y_scale], [y_zero_point]; Y = alpha·A·B' + C.
        Row(rows, "com.microsoft", "QGemm", 1, n =>
        {
            if (n.Int("transA", 0) != 0) throw n.Unsupported("transA = 1");
            if (n.Float("alpha", 1f) != 1f) throw n.Unsupported("alpha ≠ 1");
            if (n.Input(7) is null) throw n.Unsupported("a float output (no y_scale)");
            Reorder(n, 9, [0, 3, 6, 1, 2, 4, 5, 7, 8]);
            return new QLinearGemmOp { TransB = n.Int("transB", 0) != 0, Requantize = RequantizeMode.FloatRoundHalfEven };
        });
    }

    /// <summary>
    /// Rewrites the node's inputs to the IR order: IR input i is ONNX input <paramref name="order"/>[i] (−1: omitted).
    /// </summary>
    private static void Reorder(OnnxNode n, int onnxCount, int[] order)
    {
        if (n.Inputs.Count > onnxCount) throw n.Invalid($"{n.Inputs.Count} inputs; {n.OpType} takes at most {onnxCount}");
        var onnx = n.Inputs.ToArray();
        Value? At(int i) => i >= 0 && i < onnx.Length ? onnx[i] : null;
        n.Inputs.Clear();
        foreach (int i in order) n.Inputs.Add(At(i));
        for (int i = 0; i < order.Length; i++)
            if (n.Inputs[i] is null && i != 2) throw n.Invalid($"input {order[i]} of {n.OpType} is required");
    }

    /// <summary>Writes the ONNX form back in ONNX's input order (the IR form, with quantization on the values, has no export yet).</summary>
    private static void ToOnnxOrder(OnnxExportNode e, string opType, int[] order, bool hasTrailingBias)
    {
        if (e.Inputs.Count < QLinearOperands.FirstQuantInput + QLinearOperands.QuantInputCount)
            throw new UnsupportedOperatorException(e.Name, opType, "", 18, "the IR form of a quantized operator (quantization on the values, as imported from TFLite) cannot be exported to ONNX yet");
        var ir = e.Inputs.ToArray();
        e.Inputs.Clear();
        foreach (int i in order) e.Inputs.Add(ir[i]);
        if (hasTrailingBias && ir[2].Length > 0) e.Inputs.Add(ir[2]);
    }

    private static void ExportQLinearConv(QLinearConvOp op, OnnxExportNode e)
    {
        if (!op.Activation.IsNone) throw new UnsupportedOperatorException(e.Name, "QLinearConv", "", 18, $"a fused {op.Activation} cannot be written as ONNX QLinearConv");
        ToOnnxOrder(e, "QLinearConv", [0, 3, 4, 1, 5, 6, 7, 8], hasTrailingBias: true);
        WriteWindow(e, op.KernelShape, op.Strides, op.Dilations, op.Pads, op.AutoPad);
        if (op.Group != 1) e.Attr("group", (long)op.Group);
        ExportChannelsFirst(e, op.Layout);
    }

    private static void ExportQLinearMatMul(QLinearGemmOp op, OnnxExportNode e)
    {
        if (!op.Activation.IsNone || op.TransB || (e.Inputs.Count > 2 && e.Inputs[2].Length > 0))
            throw new UnsupportedOperatorException(e.Name, "QLinearMatMul", "", 18, "a QLinearGemm with TransB, a bias or an activation has no ONNX QLinearMatMul form");
        ToOnnxOrder(e, "QLinearMatMul", [0, 3, 4, 1, 5, 6, 7, 8], hasTrailingBias: false);
        e.OpType = "QLinearMatMul";
    }
}
