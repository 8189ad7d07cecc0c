using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Formats.Onnx;

internal static partial class OnnxOpTable
{
    static partial void AddTensorRows(List<OnnxOpRow> rows)
    {
        Row(rows, "Reshape", 5, n => new ReshapeOp { AllowZero = n.Int("allowzero", 0) != 0 }, (op, e) => { if (op.AllowZero) e.Attr("allowzero", 1L); });

        Row(rows, "Flatten", 1, n => new FlattenOp { Axis = TensorAxisAttr(n, "axis", 1) }, (op, e) => e.Attr("axis", (long)op.Axis));

        Row(rows, "Transpose", 1, n => new TransposeOp { Perm = n.Ints("perm") is { } p ? Array.ConvertAll(p, v => TensorAxisValue(n, "perm", v)) : null },
            (op, e) => { if (op.Perm is { } p) e.Attr("perm", p); });

        Row(rows, "Concat", 4, n => new ConcatOp { Axis = TensorAxisValue(n, "axis", n.RequiredInt("axis")) }, (op, e) => e.Attr("axis", (long)op.Axis));

        // Split: sizes were an attribute before 13, an optional input from 13; 18 adds num_outputs (uneven last chunk).
        Row(rows, "Split", 2, n =>
        {
            if (n.Ints("split") is { } split) n.SetConstantInput(1, TensorInt64s(split));
            return new SplitOp { Axis = TensorAxisAttr(n, "axis", 0), RequireEvenSplit = true };
        });
        Row(rows, "Split", 13, n => new SplitOp { Axis = TensorAxisAttr(n, "axis", 0), RequireEvenSplit = true });
        Row(rows, "Split", 18, n =>
        {
            bool hasSplit = n.Input(1) is not null;
            if (n.Has("num_outputs"))
            {
                if (hasSplit) throw n.Invalid("both the 'split' input and the 'num_outputs' attribute are given");
                long k = n.RequiredInt("num_outputs");
                if (k != n.OutputCount) throw n.Invalid($"num_outputs is {k} but the node has {n.OutputCount} outputs");
            }
            else if (!hasSplit) throw n.Invalid("either the 'split' input or the 'num_outputs' attribute is required");
            return new SplitOp { Axis = TensorAxisAttr(n, "axis", 0) };
        }, (op, e) =>
        {
            e.Attr("axis", (long)op.Axis);
            if (e.Inputs.Count < 2 || e.Inputs[1].Length == 0) e.Attr("num_outputs", (long)e.Outputs.Count);
        });

        // Slice: starts/ends/axes were attributes before 10; inputs (plus steps) from 10.
        Row(rows, "Slice", 1, n =>
        {
            var starts = n.Ints("starts") ?? throw n.Invalid("attribute 'starts' is required");
            var ends = n.Ints("ends") ?? throw n.Invalid("attribute 'ends' is required");
            n.SetConstantInput(1, TensorInt64s(starts));
            n.SetConstantInput(2, TensorInt64s(ends));
            if (n.Ints("axes") is { } axes) n.SetConstantInput(3, TensorInt64s(axes));
            return new SliceOp();
        });
        Row(rows, "Slice", 10, _ => new SliceOp(), (_, _) => { });

        // Squeeze/Unsqueeze: axes were an attribute before 13, an input from 13.
        Row(rows, "Squeeze", 1, n =>
        {
            if (n.Ints("axes") is { } axes) n.SetConstantInput(1, TensorInt64s(axes));
            return new SqueezeOp();
        });
        Row(rows, "Squeeze", 13, _ => new SqueezeOp(), (_, _) => { });
        Row(rows, "Unsqueeze", 1, n =>
        {
            n.SetConstantInput(1, TensorInt64s(n.Ints("axes") ?? throw n.Invalid("attribute 'axes' is required")));
            return new UnsqueezeOp();
        });
        Row(rows, "Unsqueeze", 13, _ => new UnsqueezeOp(), (_, _) => { });

        // Shape: start/end arrived in 15; earlier models simply do not set them.
        Row(rows, "Shape", 1, n => new ShapeOp { Start = n.Int("start", 0), End = n.Has("end") ? n.Int("end", 0) : null }, (op, e) =>
        {
            if (op.Start != 0) e.Attr("start", op.Start);
            if (op.End is { } end) e.Attr("end", end);
        });

        Row(rows, "Gather", 1, n => new GatherOp { Axis = TensorAxisAttr(n, "axis", 0) }, (op, e) => e.Attr("axis", (long)op.Axis));

        Row(rows, "Constant", 1, ImportConstantNode, (op, e) => e.Attr("value", op.Value));

        Row(rows, "ConstantOfShape", 9, n =>
        {
            var value = n.TensorAttr("value");
            if (value is not null && value.ElementCount != 1) throw n.Invalid($"attribute 'value' must hold one element, not {value.ElementCount}");
            return new ConstantOfShapeOp(value);
        }, (op, e) => e.Attr("value", op.Value.Reshape(new Shape(1))));

        Row(rows, "Expand", 8, _ => new ExpandOp(), (_, _) => { });
    }

    /// <summary>Constant: exactly one of value, value_float(s), value_int(s); sparse and string values are not supported.</summary>
    private static ConstantOp ImportConstantNode(OnnxNode n)
    {
        foreach (var unsupported in new[] { "sparse_value", "value_string", "value_strings" })
            if (n.Has(unsupported)) throw n.Unsupported($"attribute '{unsupported}' is not supported");
        var found = new List<Tensor>();
        if (n.TensorAttr("value") is { } t) found.Add(t);
        if (n.Has("value_float")) found.Add(Tensor.Scalar(n.Float("value_float", 0)));
        if (n.Floats("value_floats") is { } fs) found.Add(Tensor.FromArray(new Shape(fs.Length), fs));
        if (n.Has("value_int")) found.Add(Tensor.Scalar(n.Int("value_int", 0)));
        if (n.Ints("value_ints") is { } longs) found.Add(TensorInt64s(longs));
        if (found.Count != 1) throw n.Invalid($"exactly one value attribute is required, found {found.Count}");
        return new ConstantOp(found[0]);
    }

    /// <summary>A 1-D int64 tensor.</summary>
    private static Tensor TensorInt64s(long[] values) => Tensor.FromArray(new Shape(values.Length), values);

    /// <summary>An integer attribute that is an axis (or permutation entry), checked to fit an int.</summary>
    private static int TensorAxisAttr(OnnxNode n, string name, int defaultValue) => TensorAxisValue(n, name, n.Int(name, defaultValue));

    private static int TensorAxisValue(OnnxNode n, string name, long value) =>
        value is >= -Shape.MaxRank and <= Shape.MaxRank ? (int)value : throw n.Invalid($"attribute '{name}' value {value} is not a valid axis");
}
