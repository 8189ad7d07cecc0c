using Depthwise.Formats.Onnx.Proto;
using Depthwise.Ops;

namespace Depthwise.Formats.Onnx;

internal static partial class OnnxOpTable
{
    static partial void AddNeuralNetRows(List<OnnxOpRow> rows)
    {
        // Conv-1 and Conv-11 differ only in documentation; one row covers opsets 7..18.
        Row(rows, "Conv", 1, n => new ConvOp
        {
            KernelShape = IntList(n, "kernel_shape"),
            Strides = IntList(n, "strides"),
            Dilations = IntList(n, "dilations"),
            Pads = IntList(n, "pads"),
            AutoPad = ParseAutoPad(n),
            Group = IntAttr(n, "group", 1),
        }, ExportConv);

        Row(rows, "ConvTranspose", 1, n => new ConvTransposeOp
        {
            KernelShape = IntList(n, "kernel_shape"),
            Strides = IntList(n, "strides"),
            Dilations = IntList(n, "dilations"),
            Pads = IntList(n, "pads"),
            AutoPad = ParseAutoPad(n),
            Group = IntAttr(n, "group", 1),
            OutputPadding = IntList(n, "output_padding"),
            OutputShape = IntList(n, "output_shape"),
        }, (op, e) =>
        {
            WriteWindow(e, op.KernelShape, op.Strides, op.Dilations, op.Pads, op.AutoPad);
            if (op.Group != 1) e.Attr("group", (long)op.Group);
            if (op.OutputPadding is not null) e.Attr("output_padding", op.OutputPadding);
            if (op.OutputShape is not null) e.Attr("output_shape", op.OutputShape);
        });

        // BatchNormalization: 7 has 'spatial' and training outputs; 9 drops 'spatial'; 14 adds 'training_mode'; 15 only widens types.
        Row(rows, "BatchNormalization", 7, n =>
        {
            _ = n.Float("momentum", 0.9f);
            RejectTrainingOutputs(n);
            return new BatchNormalizationOp { Epsilon = n.Float("epsilon", 1e-5f), Spatial = n.Int("spatial", 1) != 0 };
        }, ExportBatchNormalization);
        Row(rows, "BatchNormalization", 9, ImportBatchNormalization, ExportBatchNormalization);
        Row(rows, "BatchNormalization", 14, ImportBatchNormalization, ExportBatchNormalization);
        Row(rows, "BatchNormalization", 15, ImportBatchNormalization, ExportBatchNormalization);

        Row(rows, "GlobalAveragePool", 1, _ => new GlobalAveragePoolOp(), (op, e) => ExportChannelsFirst(e, op.Layout));
        Row(rows, "GlobalMaxPool", 1, _ => new GlobalMaxPoolOp(), (op, e) => ExportChannelsFirst(e, op.Layout));

        // AveragePool 7 adds count_include_pad, 10 ceil_mode, 11 only changes docs (19 adds dilations, read here when present).
        Row(rows, "AveragePool", 7, n => new AveragePoolOp
        {
            KernelShape = RequiredIntList(n, "kernel_shape"),
            Strides = IntList(n, "strides"),
            Dilations = IntList(n, "dilations"),
            Pads = IntList(n, "pads"),
            AutoPad = ParseAutoPad(n),
            CeilMode = n.Int("ceil_mode", 0) != 0,
            CountIncludePad = n.Int("count_include_pad", 0) != 0,
        }, (op, e) =>
        {
            if (op.Dilations is not null && op.Dilations.Any(d => d != 1))
                throw new UnsupportedOperatorException(e.Name, "AveragePool", "", 18, "dilations need opset 19");
            WriteWindow(e, op.KernelShape, op.Strides, null, op.Pads, op.AutoPad);
            if (op.CeilMode) e.Attr("ceil_mode", 1L);
            if (op.CountIncludePad) e.Attr("count_include_pad", 1L);
            ExportChannelsFirst(e, op.Layout);
        });

        // MaxPool 8 adds the Indices output and storage_order, 10 ceil_mode and dilations, 12 int8/uint8.
        Row(rows, "MaxPool", 1, n =>
        {
            long order = n.Int("storage_order", 0);
            if (order is not (0 or 1)) throw n.Invalid($"storage_order {order} must be 0 or 1");
            return new MaxPoolOp
            {
                KernelShape = RequiredIntList(n, "kernel_shape"),
                Strides = IntList(n, "strides"),
                Dilations = IntList(n, "dilations"),
                Pads = IntList(n, "pads"),
                AutoPad = ParseAutoPad(n),
                CeilMode = n.Int("ceil_mode", 0) != 0,
                StorageOrder = (int)order,
            };
        }, (op, e) =>
        {
            WriteWindow(e, op.KernelShape, op.Strides, op.Dilations, op.Pads, op.AutoPad);
            if (op.CeilMode) e.Attr("ceil_mode", 1L);
            if (op.StorageOrder != 0) e.Attr("storage_order", (long)op.StorageOrder);
            ExportChannelsFirst(e, op.Layout);
        });

        // Gemm 7 requires C, 11 makes it optional, 13 widens types: one import.
        Row(rows, "Gemm", 7, n => new GemmOp
        {
            Alpha = n.Float("alpha", 1f),
            Beta = n.Float("beta", 1f),
            TransA = n.Int("transA", 0) != 0,
            TransB = n.Int("transB", 0) != 0,
        }, (op, e) =>
        {
            if (op.Alpha != 1f) e.Attr("alpha", op.Alpha);
            if (op.Beta != 1f) e.Attr("beta", op.Beta);
            if (op.TransA) e.Attr("transA", 1L);
            if (op.TransB) e.Attr("transB", 1L);
        });

        Row(rows, "MatMul", 1, _ => new MatMulOp(), (_, _) => { });

        // Softmax and LogSoftmax before 13 flatten the input to 2-D at axis (default 1); from 13 they run along one axis (default -1).
        Row(rows, "Softmax", 1, n => new SoftmaxOp { Axis = IntAttr(n, "axis", 1), CoerceTo2D = true }, ExportSoftmax);
        Row(rows, "Softmax", 13, n => new SoftmaxOp { Axis = IntAttr(n, "axis", -1) }, ExportSoftmax);
        Row(rows, "LogSoftmax", 1, n => new LogSoftmaxOp { Axis = IntAttr(n, "axis", 1), CoerceTo2D = true }, ExportSoftmax);
        Row(rows, "LogSoftmax", 13, n => new LogSoftmaxOp { Axis = IntAttr(n, "axis", -1) }, ExportSoftmax);

        Row(rows, "LayerNormalization", 17, n =>
        {
            long stash = n.Int("stash_type", 1);
            if (stash != 1) throw n.Unsupported($"stash_type {stash} (only 1, float32 statistics, is supported)");
            return new LayerNormalizationOp { Axis = IntAttr(n, "axis", -1), Epsilon = n.Float("epsilon", 1e-5f), StashType = 1 };
        }, (op, e) =>
        {
            e.Attr("axis", (long)op.Axis);
            e.Attr("epsilon", op.Epsilon);
        });
    }

    private static BatchNormalizationOp ImportBatchNormalization(OnnxNode n)
    {
        _ = n.Float("momentum", 0.9f);
        if (n.Int("training_mode", 0) != 0) throw n.Unsupported("training_mode=1 (only inference is supported)");
        RejectTrainingOutputs(n);
        return new BatchNormalizationOp { Epsilon = n.Float("epsilon", 1e-5f) };
    }

    private static void RejectTrainingOutputs(OnnxNode n)
    {
        if (n.OutputCount > 1) throw n.Unsupported($"{n.OutputCount} outputs (the running statistics of training mode; only inference, with output Y alone, is supported)");
    }

    private static void ExportBatchNormalization(BatchNormalizationOp op, OnnxExportNode e)
    {
        if (!op.Spatial)
            throw new UnsupportedOperatorException(e.Name, "BatchNormalization", "", 18, "spatial=0 (per-activation statistics) has no opset-18 form");
        e.Attr("epsilon", op.Epsilon);
        ExportChannelsFirst(e, op.Layout);
    }

    static partial void AddExportOnlyRows(List<OnnxOpRow> rows) =>
        rows.Add(new OnnxOpRow("", "SqueezeExcite", 1, typeof(SqueezeExciteOp),
            n => throw n.Unsupported("SqueezeExcite is no ONNX operator"), (op, e) => ExportSqueezeExcite((SqueezeExciteOp)op, e)));

    /// <summary>
    /// Writes the fused squeeze-and-excitation block back as the nodes it replaced, in NCHW between Transposes:
    /// Transpose → GlobalAveragePool → Conv 1×1 → activation → Conv 1×1 → HardSigmoid or Sigmoid → Mul(X, gate) → Transpose.
    /// </summary>
    private static void ExportSqueezeExcite(SqueezeExciteOp op, OnnxExportNode e)
    {
        string x = e.Inputs[0], w1 = e.Inputs[1], w2 = e.Inputs[3];
        string b1 = e.Inputs.Count > 2 ? e.Inputs[2] : "", b2 = e.Inputs.Count > 4 ? e.Inputs[4] : "";
        string xNchw = TransposeBefore(e, x, "x_nchw");
        string current = BeforeNode(e, "GlobalAveragePool", "squeeze", [xNchw]);
        current = BeforeNode(e, "Conv", "reduce", b1.Length > 0 ? [current, w1, b1] : [current, w1]);
        var act = op.Activation;
        switch (act.Kind)
        {
            case ConvActivationKind.Relu: current = BeforeNode(e, "Relu", "relu", [current]); break;
            case ConvActivationKind.HardSwish: current = BeforeNode(e, "HardSwish", "hardswish", [current]); break;
            case ConvActivationKind.Sigmoid: current = BeforeNode(e, "Sigmoid", "sigmoid", [current]); break;
            case ConvActivationKind.SiLU:
                {
                    string sigmoid = BeforeNode(e, "Sigmoid", "sigmoid", [current]);
                    current = BeforeNode(e, "Mul", "silu", [current, sigmoid]);
                    break;
                }
            case ConvActivationKind.Clip:
                {
                    string min = e.Constant("clip_min", Tensors.Tensor.Scalar(act.Min));
                    string max = e.Constant("clip_max", Tensors.Tensor.Scalar(act.Max));
                    current = BeforeNode(e, "Clip", "clip", [current, min, max]);
                    break;
                }
        }
        current = BeforeNode(e, "Conv", "expand", b2.Length > 0 ? [current, w2, b2] : [current, w2]);
        if (op.Gate == SqueezeExciteGate.Sigmoid) current = BeforeNode(e, "Sigmoid", "gate", [current]);
        else
        {
            current = BeforeNode(e, "HardSigmoid", "gate", [current]);
            var gate = e.Before[^1];
            gate.Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = op.GateAlpha });
            gate.Attribute.Add(new AttributeProto { Name = "beta", Type = AttributeProto.Types.AttributeType.Float, F = op.GateBeta });
        }
        // The IR node itself becomes the Mul; its NCHW product goes back to NHWC under the IR node's output name.
        e.OpType = "Mul";
        e.Inputs.Clear();
        e.Inputs.Add(xNchw);
        e.Inputs.Add(current);
        string output = e.Outputs[0];
        e.Outputs[0] = e.FreshName("y_nchw");
        After(e, "Transpose", "to_nhwc", [e.Outputs[0]]);
        e.After[^1].Attribute.Add(Perm(ToChannelsLast));
        e.After[^1].Output[0] = output;
    }

    /// <summary>Adds a node before the IR node's own; returns its (fresh) output name.</summary>
    private static string BeforeNode(OnnxExportNode e, string opType, string stem, string[] inputs)
    {
        string output = e.FreshName(stem);
        var n = new NodeProto { OpType = opType, Name = e.FreshName(stem) };
        n.Input.AddRange(inputs);
        n.Output.Add(output);
        e.Before.Add(n);
        return output;
    }

    /// <summary>NHWC → NCHW, the permutation the exporter puts before a channels-last operator's data inputs.</summary>
    private static readonly long[] ToChannelsFirst = [0, 3, 1, 2];

    /// <summary>NCHW → NHWC, the permutation the exporter puts after a channels-last operator's output.</summary>
    private static readonly long[] ToChannelsLast = [0, 2, 3, 1];

    /// <summary>
    /// Writes Conv at opset 18. What the passes fused into it comes back as ONNX nodes after the Conv: the residual
    /// (input 3) as Add, the activation as Relu, Clip, HardSwish, Sigmoid or Sigmoid + Mul; a channels-last Conv gets
    /// Transposes to NCHW on X and the residual and back to NHWC on its result.
    /// </summary>
    private static void ExportConv(ConvOp op, OnnxExportNode e)
    {
        WriteWindow(e, op.KernelShape, op.Strides, op.Dilations, op.Pads, op.AutoPad);
        if (op.Group != 1) e.Attr("group", (long)op.Group);
        bool channelsLast = op.Layout == ChannelLayout.ChannelsLast;
        string? residual = e.Inputs.Count > ConvOp.ResidualInput && e.Inputs[ConvOp.ResidualInput].Length > 0 ? e.Inputs[ConvOp.ResidualInput] : null;
        while (e.Inputs.Count > ConvOp.ResidualInput) e.Inputs.RemoveAt(e.Inputs.Count - 1);
        if (channelsLast)
        {
            e.Inputs[0] = TransposeBefore(e, e.Inputs[0], "x_nchw");
            if (residual is not null) residual = TransposeBefore(e, residual, "residual_nchw");
        }
        if (residual is null && op.Activation.IsNone && !channelsLast) return;

        string output = e.Outputs[0];
        string current = e.FreshName("conv");
        e.Outputs[0] = current;
        if (residual is not null) current = After(e, "Add", "residual", [current, residual]);
        var act = op.Activation;
        switch (act.Kind)
        {
            case ConvActivationKind.Relu: current = After(e, "Relu", "relu", [current]); break;
            case ConvActivationKind.HardSwish: current = After(e, "HardSwish", "hardswish", [current]); break;
            case ConvActivationKind.Sigmoid: current = After(e, "Sigmoid", "sigmoid", [current]); break;
            case ConvActivationKind.SiLU:
                {
                    string sigmoid = After(e, "Sigmoid", "sigmoid", [current]);
                    current = After(e, "Mul", "silu", [current, sigmoid]);
                    break;
                }
            case ConvActivationKind.Clip:
                {
                    string min = e.Constant("clip_min", Tensors.Tensor.Scalar(act.Min));
                    string max = e.Constant("clip_max", Tensors.Tensor.Scalar(act.Max));
                    current = After(e, "Clip", "clip", [current, min, max]);
                    break;
                }
        }
        if (channelsLast)
        {
            var t = After(e, "Transpose", "to_nhwc", [current]);
            e.After[^1].Attribute.Add(Perm(ToChannelsLast));
            current = t;
        }
        // The last node writes the IR node's output name.
        e.After[^1].Output[0] = output;
    }

    /// <summary>Wraps a channels-last single-input operator (pools, BatchNormalization) in Transposes to and from NCHW.</summary>
    private static void ExportChannelsFirst(OnnxExportNode e, ChannelLayout layout)
    {
        if (layout != ChannelLayout.ChannelsLast) return;
        e.Inputs[0] = TransposeBefore(e, e.Inputs[0], "x_nchw");
        string output = e.Outputs[0];
        e.Outputs[0] = e.FreshName("y_nchw");
        After(e, "Transpose", "to_nhwc", [e.Outputs[0]]);
        e.After[^1].Attribute.Add(Perm(ToChannelsLast));
        e.After[^1].Output[0] = output;
    }

    /// <summary>Adds Transpose(NHWC → NCHW) of <paramref name="input"/> before the node; returns the transposed name.</summary>
    private static string TransposeBefore(OnnxExportNode e, string input, string stem)
    {
        string output = e.FreshName(stem);
        var t = new NodeProto { OpType = "Transpose", Name = e.FreshName("to_nchw") };
        t.Input.Add(input);
        t.Output.Add(output);
        t.Attribute.Add(Perm(ToChannelsFirst));
        e.Before.Add(t);
        return output;
    }

    /// <summary>Adds a node after the IR node's own; returns its (fresh) output name.</summary>
    private static string After(OnnxExportNode e, string opType, string stem, string[] inputs)
    {
        string output = e.FreshName(stem);
        var n = new NodeProto { OpType = opType, Name = e.FreshName(stem) };
        n.Input.AddRange(inputs);
        n.Output.Add(output);
        e.After.Add(n);
        return output;
    }

    private static AttributeProto Perm(long[] perm)
    {
        var a = new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(perm);
        return a;
    }

    /// <summary>
    /// Writes Softmax/LogSoftmax at opset 18. The pre-13 form (flatten to 2-D at axis) becomes
    /// Shape → Flatten(axis) → op(axis=1) → Reshape back to the input's shape.
    /// </summary>
    private static void ExportSoftmax(SoftmaxFamilyOp op, OnnxExportNode e)
    {
        if (!op.CoerceTo2D)
        {
            e.Attr("axis", (long)op.Axis);
            return;
        }
        string input = e.Inputs[0], output = e.Outputs[0];
        string shape = e.FreshName("input_shape"), flat = e.FreshName("flat"), rows = e.FreshName("rows");
        var shapeNode = new NodeProto { OpType = "Shape", Name = e.FreshName("shape") };
        shapeNode.Input.Add(input);
        shapeNode.Output.Add(shape);
        var flatten = new NodeProto { OpType = "Flatten", Name = e.FreshName("flatten") };
        flatten.Input.Add(input);
        flatten.Output.Add(flat);
        flatten.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = op.Axis });
        var reshape = new NodeProto { OpType = "Reshape", Name = e.FreshName("reshape") };
        reshape.Input.Add(rows);
        reshape.Input.Add(shape);
        reshape.Output.Add(output);
        e.Before.Add(shapeNode);
        e.Before.Add(flatten);
        e.Inputs[0] = flat;
        e.Outputs[0] = rows;
        e.Attr("axis", 1L);
        e.After.Add(reshape);
    }

    /// <summary>An ints attribute that must be present.</summary>
    private static int[] RequiredIntList(OnnxNode n, string name) => IntList(n, name) ?? throw n.Invalid($"attribute '{name}' is required");

    /// <summary>An ints attribute as int[] (null when absent); values outside int range are a format error.</summary>
    private static int[]? IntList(OnnxNode n, string name)
    {
        var v = n.Ints(name);
        if (v is null) return null;
        var r = new int[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] < int.MinValue || v[i] > int.MaxValue) throw n.Invalid($"attribute '{name}' value {v[i]} is out of range");
            r[i] = (int)v[i];
        }
        return r;
    }

    /// <summary>An int attribute as int; out-of-range values are a format error.</summary>
    private static int IntAttr(OnnxNode n, string name, int defaultValue)
    {
        long v = n.Int(name, defaultValue);
        if (v < int.MinValue || v > int.MaxValue) throw n.Invalid($"attribute '{name}' value {v} is out of range");
        return (int)v;
    }

    private static AutoPad ParseAutoPad(OnnxNode n) => n.String("auto_pad", "NOTSET") switch
    {
        "NOTSET" or "" => AutoPad.NotSet,
        "SAME_UPPER" => AutoPad.SameUpper,
        "SAME_LOWER" => AutoPad.SameLower,
        "VALID" => AutoPad.Valid,
        var s => throw n.Invalid($"auto_pad '{s}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID"),
    };

    private static string AutoPadName(AutoPad p) => p switch
    {
        AutoPad.SameUpper => "SAME_UPPER",
        AutoPad.SameLower => "SAME_LOWER",
        AutoPad.Valid => "VALID",
        _ => "NOTSET",
    };

    /// <summary>Writes the sliding-window attributes shared by Conv, ConvTranspose and the pools (defaults left out).</summary>
    private static void WriteWindow(OnnxExportNode e, int[]? kernel, int[]? strides, int[]? dilations, int[]? pads, AutoPad autoPad)
    {
        if (kernel is not null) e.Attr("kernel_shape", kernel);
        if (strides is not null) e.Attr("strides", strides);
        if (dilations is not null) e.Attr("dilations", dilations);
        if (autoPad != AutoPad.NotSet) e.Attr("auto_pad", AutoPadName(autoPad));
        else if (pads is not null) e.Attr("pads", pads);
    }
}
