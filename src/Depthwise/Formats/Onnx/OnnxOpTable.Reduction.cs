using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Formats.Onnx;

internal static partial class OnnxOpTable
{
    static partial void AddReductionRows(List<OnnxOpRow> rows)
    {
        // Axes were an attribute until ReduceSum-13 and ReduceMean/ReduceMax-18; the IR takes them as input 1.
        Row(rows, "ReduceSum", 1, n => new ReduceSumOp { KeepDims = KeepDims(n) }.WithAxesAttribute(n));
        Row(rows, "ReduceSum", 13, n => new ReduceSumOp { KeepDims = KeepDims(n), NoopWithEmptyAxes = NoopWithEmptyAxes(n) }, ExportReduce);
        Row(rows, "ReduceMean", 1, n => new ReduceMeanOp { KeepDims = KeepDims(n) }.WithAxesAttribute(n));
        Row(rows, "ReduceMean", 18, n => new ReduceMeanOp { KeepDims = KeepDims(n), NoopWithEmptyAxes = NoopWithEmptyAxes(n) }, ExportReduce);
        Row(rows, "ReduceMax", 1, n => new ReduceMaxOp { KeepDims = KeepDims(n) }.WithAxesAttribute(n));
        Row(rows, "ReduceMax", 18, n => new ReduceMaxOp { KeepDims = KeepDims(n), NoopWithEmptyAxes = NoopWithEmptyAxes(n) }, ExportReduce);
    }

    private static bool KeepDims(OnnxNode n) => n.Int("keepdims", 1) != 0;

    private static bool NoopWithEmptyAxes(OnnxNode n) => n.Int("noop_with_empty_axes", 0) != 0;

    /// <summary>Moves the pre-input-form <c>axes</c> attribute to constant input 1 (absent: reduce every axis).</summary>
    private static TOp WithAxesAttribute<TOp>(this TOp op, OnnxNode n) where TOp : ReduceOp
    {
        if (n.Inputs.Count != 1) throw n.Invalid($"{n.OpType} at opset {n.Opset} takes one input");
        if (n.Ints("axes") is { Length: > 0 } axes) n.SetConstantInput(1, Tensor.FromArray(new Shape(axes.Length), axes));
        return op;
    }

    private static void ExportReduce(ReduceOp op, OnnxExportNode e)
    {
        if (!op.KeepDims) e.Attr("keepdims", 0L);
        if (op.NoopWithEmptyAxes) e.Attr("noop_with_empty_axes", 1L);
    }
}
