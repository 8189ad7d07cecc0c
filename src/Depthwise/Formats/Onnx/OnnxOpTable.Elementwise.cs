using Depthwise.Formats.Onnx.Proto;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Formats.Onnx;

internal static partial class OnnxOpTable
{
    static partial void AddElementwiseRows(List<OnnxOpRow> rows)
    {
        Row(rows, "Relu", 6, _ => new ReluOp(), (_, _) => { });
        Row(rows, "Add", 7, _ => new AddOp(), (_, _) => { });
        Row(rows, "Sub", 7, _ => new SubOp(), (_, _) => { });
        Row(rows, "Mul", 7, _ => new MulOp(), (_, _) => { });
        Row(rows, "Div", 7, _ => new DivOp(), (_, _) => { });
        Row(rows, "Pow", 7, _ => new PowOp(), (_, _) => { });
        Row(rows, "PRelu", 7, _ => new PReluOp(), (_, _) => { });
        Row(rows, "Equal", 7, _ => new EqualOp(), (_, _) => { });

        Row(rows, "Sigmoid", 6, _ => new SigmoidOp(), (_, _) => { });
        Row(rows, "Tanh", 6, _ => new TanhOp(), (_, _) => { });
        Row(rows, "Exp", 6, _ => new ExpOp(), (_, _) => { });
        Row(rows, "Log", 6, _ => new LogOp(), (_, _) => { });
        Row(rows, "Neg", 6, _ => new NegOp(), (_, _) => { });
        Row(rows, "Abs", 6, _ => new AbsOp(), (_, _) => { });
        Row(rows, "Reciprocal", 6, _ => new ReciprocalOp(), (_, _) => { });
        Row(rows, "Floor", 6, _ => new FloorOp(), (_, _) => { });
        Row(rows, "Ceil", 6, _ => new CeilOp(), (_, _) => { });
        Row(rows, "Sqrt", 6, _ => new SqrtOp(), (_, _) => { });
        Row(rows, "Erf", 9, _ => new ErfOp(), (_, _) => { });
        Row(rows, "HardSwish", 14, _ => new HardSwishOp(), (_, _) => { });
        Row(rows, "LeakyRelu", 6, n => new LeakyReluOp { Alpha = n.Float("alpha", 0.01f) }, (op, e) => e.Attr("alpha", op.Alpha));
        Row(rows, "HardSigmoid", 6, n => new HardSigmoidOp { Alpha = n.Float("alpha", 0.2f), Beta = n.Float("beta", 0.5f) },
            (op, e) => { e.Attr("alpha", op.Alpha); e.Attr("beta", op.Beta); });

        // Opset 6–7 Max/Min/Sum/Mean required equal shapes; broadcasting (opset 8) accepts every such model too.
        Row(rows, "Max", 6, _ => new MaxOp(), (_, _) => { });
        Row(rows, "Min", 6, _ => new MinOp(), (_, _) => { });
        Row(rows, "Sum", 6, _ => new SumOp(), (_, _) => { });
        Row(rows, "Mean", 6, _ => new MeanOp(), (_, _) => { });
        Row(rows, "Where", 9, _ => new WhereOp(), (_, _) => { });

        // Clip before opset 11: min/max attributes become the constant inputs of the opset 11+ form.
        Row(rows, "Clip", 6, n =>
        {
            if (n.Has("min")) n.SetConstantInput(1, Tensor.Scalar(n.Float("min", float.NegativeInfinity)));
            if (n.Has("max")) n.SetConstantInput(2, Tensor.Scalar(n.Float("max", float.PositiveInfinity)));
            return new ClipOp();
        });
        Row(rows, "Clip", 11, _ => new ClipOp(), (_, _) => { });

        Row(rows, "Cast", 6, n => new CastOp { To = CastTarget(n) }, (op, e) => e.Attr("to", (long)op.To));
        Row(rows, "Identity", 1, _ => new IdentityOp(), (_, _) => { });

        // Dropout 7–9: ratio attribute, mask of the data's type; 10–11: bool mask; 12+: ratio and training_mode inputs.
        Row(rows, "Dropout", 7, n => { DropoutRatio(n); return new DropoutOp { MaskHasDataType = true }; });
        Row(rows, "Dropout", 10, n => { DropoutRatio(n); return new DropoutOp(); });
        Row(rows, "Dropout", 12, n =>
        {
            n.Int("seed", 0);   // only seeds training-mode randomness
            if (n.Input(2)?.Constant is { } training && Array.Exists(training.ToInt64Array(), v => v != 0))
                throw n.Unsupported("training_mode = true (random dropout is a training operation)");
            return new DropoutOp();
        }, ExportDropout);
    }

    private static DataType CastTarget(OnnxNode n)
    {
        long to = n.RequiredInt("to");
        return to switch
        {
            (long)DataType.Float32 or (long)DataType.Float16 or (long)DataType.Int8 or (long)DataType.UInt8
                or (long)DataType.Int32 or (long)DataType.Int64 or (long)DataType.Bool => (DataType)to,
            _ => throw n.Unsupported($"cast to {(Enum.IsDefined(typeof(TensorProto.Types.DataType), (int)to) ? ((TensorProto.Types.DataType)(int)to).ToString().ToUpperInvariant() : to.ToString(System.Globalization.CultureInfo.InvariantCulture))}"),
        };
    }

    private static void DropoutRatio(OnnxNode n)
    {
        if (n.Has("ratio")) n.SetConstantInput(1, Tensor.Scalar(n.Float("ratio", 0.5f)));
    }

    private static void ExportDropout(DropoutOp op, OnnxExportNode e)
    {
        if (!op.MaskHasDataType || e.Outputs.Count < 2) return;
        // Opset 18's mask is bool; CastLike turns it back into the data's type that the old model's consumers expect.
        string mask = e.Outputs[1];
        string boolMask = e.FreshName("mask_bool");
        e.Outputs[1] = boolMask;
        var cast = new NodeProto { OpType = "CastLike", Name = e.FreshName("mask_cast") };
        cast.Input.Add(boolMask);
        cast.Input.Add(e.Inputs[0]);
        cast.Output.Add(mask);
        e.After.Add(cast);
    }
}
