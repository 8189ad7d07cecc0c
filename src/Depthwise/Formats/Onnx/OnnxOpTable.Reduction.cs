using Depthwise.Formats.Onnx.Proto;
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
        // ArgMax/ArgMin: 1 (axis >= 0), 11 (negative axes), 12 (select_last_index), 13 (bfloat16 only: same import).
        foreach (var (name, min) in new[] { ("ArgMax", false), ("ArgMin", true) })
        {
            Row(rows, name, 1, n => ArgMax(n, min, negativeAxis: false, selectLast: false));
            Row(rows, name, 11, n => ArgMax(n, min, negativeAxis: true, selectLast: false));
            Row(rows, name, 12, n => ArgMax(n, min, negativeAxis: true, selectLast: true));
            Row(rows, name, 13, n => ArgMax(n, min, negativeAxis: true, selectLast: true), ExportArgMax);
        }
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

    private static ArgMaxOp ArgMax(OnnxNode n, bool min, bool negativeAxis, bool selectLast)
    {
        long axis = n.Int("axis", 0);
        if (axis < 0 && !negativeAxis) throw n.Invalid($"axis {axis} must be non-negative before opset 11");
        if (axis is < int.MinValue or > int.MaxValue) throw n.Invalid($"axis {axis} is out of range");
        return new ArgMaxOp
        {
            Min = min,
            Axis = (int)axis,
            KeepDims = KeepDims(n),
            SelectLastIndex = selectLast && n.Int("select_last_index", 0) != 0,
        };
    }

    /// <summary>ArgMax/ArgMin at opset 18 (the op type follows <see cref="ArgMaxOp.Min"/>); an int32 index output is a Cast of ONNX's int64.</summary>
    private static void ExportArgMax(ArgMaxOp op, OnnxExportNode e)
    {
        e.Attr("axis", (long)op.Axis);
        if (!op.KeepDims) e.Attr("keepdims", 0L);
        if (op.SelectLastIndex) e.Attr("select_last_index", 1L);
        if (op.OutputType != DataType.Int32) return;
        string output = e.Outputs[0];
        e.Outputs[0] = e.FreshName("indices_int64");
        var cast = new NodeProto { OpType = "Cast", Name = e.FreshName("to_int32") };
        cast.Input.Add(e.Outputs[0]);
        cast.Output.Add(output);
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)DataType.Int32 });
        e.After.Add(cast);
    }

    private static void ExportReduce(ReduceOp op, OnnxExportNode e)
    {
        if (!op.KeepDims) e.Attr("keepdims", 0L);
        if (op.NoopWithEmptyAxes) e.Attr("noop_with_empty_axes", 1L);
    }
}
