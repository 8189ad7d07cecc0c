using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Formats.TFLite;

internal static partial class TfLiteOpTable
{
    private const int BinaryActivation = 0, SoftmaxBeta = 0, LeakyReluAlpha = 0;

    static partial void AddElementwiseRows()
    {
        Row(TfLiteBuiltinOperator.ADD, n => ImportBinary(n, TfLiteOptions.Add, new AddOp()));
        Row(TfLiteBuiltinOperator.SUB, n => ImportBinary(n, TfLiteOptions.Sub, new SubOp()));
        Row(TfLiteBuiltinOperator.MUL, n => ImportBinary(n, TfLiteOptions.Mul, new MulOp()));
        Row(TfLiteBuiltinOperator.DIV, n => ImportBinary(n, TfLiteOptions.Div, new DivOp()));
        Row(TfLiteBuiltinOperator.RELU, n => ImportActivation(n, TfLiteActivation.Relu, QLinearLookupKind.Relu));
        Row(TfLiteBuiltinOperator.RELU6, n => ImportActivation(n, TfLiteActivation.Relu6, QLinearLookupKind.Relu6));
        Row(TfLiteBuiltinOperator.RELU_N1_TO_1, n => ImportActivation(n, TfLiteActivation.ReluN1To1, QLinearLookupKind.ReluN1To1));
        Row(TfLiteBuiltinOperator.TANH, n => ImportActivation(n, TfLiteActivation.Tanh, QLinearLookupKind.Tanh));
        Row(TfLiteBuiltinOperator.LOGISTIC, n => ImportUnary(n, new SigmoidOp(), QLinearLookupKind.Sigmoid));
        Row(TfLiteBuiltinOperator.HARD_SWISH, n => ImportUnary(n, new HardSwishOp(), QLinearLookupKind.HardSwish));
        Row(TfLiteBuiltinOperator.LEAKY_RELU, n =>
        {
            n.ExpectArity(1, 1, 1);
            float alpha = n.Options(TfLiteOptions.LeakyRelu)?.F32(LeakyReluAlpha, "alpha") ?? 0;
            ImportUnary(n, new LeakyReluOp { Alpha = alpha }, QLinearLookupKind.LeakyRelu, alpha);
        });
        Row(TfLiteBuiltinOperator.ELU, n =>
        {
            n.ExpectArity(1, 1, 1);
            if (!IsQuantized(n, 0)) throw n.Unsupported($"float ELU (only its quantized form, a lookup table, is supported)");
            AddQuantizedLookup(n, QLinearLookupKind.Elu);
        });
        Row(TfLiteBuiltinOperator.PRELU, n =>
        {
            n.ExpectArity(2, 2, 1);
            if (IsQuantized(n, 0) && IsQuantized(n, 1))
            {
                // TFLite's quantized PRELU: two fixed-point multipliers (QLinearPReluOp).
                RequireInputQuant(n, 0);
                RequireInputQuant(n, 1);
                n.Add(new QLinearPReluOp { OutputQuant = RequireOutputQuant(n), OutputType = n.OutputType(0) }, [n.Input(0), n.Input(1)], n.Output(0));
                return;
            }
            RequireFloat(n, 0);
            n.Add(new PReluOp(), [n.Input(0), FloatWeights(n, n.Input(1), 1, "alpha_float")], n.Output(0));
        });
        Row(TfLiteBuiltinOperator.SOFTMAX, ImportSoftmax);
        Row(TfLiteBuiltinOperator.EXP, n => ImportUnary(n, new ExpOp()));
        Row(TfLiteBuiltinOperator.ABS, n => ImportUnary(n, new AbsOp()));
        Row(TfLiteBuiltinOperator.SQRT, n => ImportUnary(n, new SqrtOp()));
        Row(TfLiteBuiltinOperator.NEG, n => ImportUnary(n, new NegOp()));
        Row(TfLiteBuiltinOperator.LOG, n => ImportUnary(n, new LogOp()));
        Row(TfLiteBuiltinOperator.MAXIMUM, n => ImportBinary(n, TfLiteOptions.MaximumMinimum, new MaxOp()));
        Row(TfLiteBuiltinOperator.MINIMUM, n => ImportBinary(n, TfLiteOptions.MaximumMinimum, new MinOp()));
    }

    /// <summary>Throws (unsupported) when input <paramref name="i"/> is quantized and the row has only the float form.</summary>
    private static void RequireFloat(TfLiteNode n, int i)
    {
        if (n.InputQuant(i) is not null || n.InputType(i) is DataType.UInt8 or DataType.Int8)
            throw n.Unsupported($"quantized {n.Code.Name} (input {i} is {DataTypes.Name(n.InputType(i))}); only its float form is supported");
    }

    /// <summary>ADD, SUB, MUL, DIV (numpy broadcasting, as the IR's) with their fused activation; MAXIMUM, MINIMUM.</summary>
    private static void ImportBinary(TfLiteNode n, TfLiteOptions options, Op op)
    {
        n.ExpectArity(2, 2, 1);
        var o = n.Options(options);
        var activation = options == TfLiteOptions.MaximumMinimum ? TfLiteActivation.None : n.Activation(o, BinaryActivation);
        if (IsQuantized(n, 0) || IsQuantized(n, 1))
        {
            AddQuantizedBinary(n, op, activation);
            return;
        }
        n.AddWithActivation(op, [n.Input(0), n.Input(1)], activation);
    }

    /// <summary>Quantized ADD/SUB (QLinearAdd), MUL (QLinearMul) and DIV (QLinearDiv) with TFLite's fixed-point arithmetic and the fused clamp.</summary>
    private static void AddQuantizedBinary(TfLiteNode n, Op op, TfLiteActivation activation)
    {
        RequireInputQuant(n, 0);
        RequireInputQuant(n, 1);
        var act = QuantizedActivation(n, activation);
        var outQuant = RequireOutputQuant(n);
        Op q = op switch
        {
            AddOp => new QLinearAddOp { Activation = act, OutputQuant = outQuant, OutputType = n.OutputType(0) },
            SubOp => new QLinearAddOp { Subtract = true, Activation = act, OutputQuant = outQuant, OutputType = n.OutputType(0) },
            MulOp => new QLinearMulOp { Activation = act, OutputQuant = outQuant, OutputType = n.OutputType(0) },
            DivOp => new QLinearDivOp { Activation = act, OutputQuant = outQuant, OutputType = n.OutputType(0) },
            _ => throw n.Unsupported($"quantized {n.Code.Name} is not supported (ADD, SUB, MUL and DIV are)"),
        };
        n.Add(q, [n.Input(0), n.Input(1)], n.Output(0));
    }

    /// <summary>True when input <paramref name="i"/> holds quantized 8-bit data.</summary>
    private static bool IsQuantized(TfLiteNode n, int i) => n.InputType(i) is DataType.UInt8 or DataType.Int8;

    /// <summary>RELU, RELU6, RELU_N1_TO_1, TANH: the fused-activation nodes as operators of their own (a table on quantized data).</summary>
    private static void ImportActivation(TfLiteNode n, TfLiteActivation activation, QLinearLookupKind quantized)
    {
        n.ExpectArity(1, 1, 1);
        if (IsQuantized(n, 0))
        {
            AddQuantizedLookup(n, quantized);
            return;
        }
        n.AddActivation(n.Input(0), activation, n.Output(0));
    }

    private static void ImportUnary(TfLiteNode n, Op op, QLinearLookupKind? quantized = null, float alpha = 0.01f)
    {
        n.ExpectArity(1, 1, 1);
        if (quantized is { } kind && IsQuantized(n, 0))
        {
            AddQuantizedLookup(n, kind, alpha);
            return;
        }
        RequireFloat(n, 0);
        n.Add(op, [n.Input(0)], n.Output(0));
    }

    /// <summary>SOFTMAX: exp(β·x) normalized over the last axis; β ≠ 1 becomes a Mul before the softmax.</summary>
    private static void ImportSoftmax(TfLiteNode n)
    {
        n.ExpectArity(1, 1, 1);
        var o = n.Options(TfLiteOptions.Softmax);
        float beta = o?.F32(SoftmaxBeta, "beta") ?? 0;
        if (IsQuantized(n, 0))
        {
            RequireInputQuant(n, 0);
            n.Add(new QLinearSoftmaxOp { Beta = beta, OutputQuant = RequireOutputQuant(n), OutputType = n.OutputType(0) }, [n.Input(0)], n.Output(0));
            return;
        }
        RequireFloat(n, 0);
        Value x = n.Input(0);
        if (beta != 1) x = n.AddTemp("scaled", new MulOp(), x, n.FloatScalar("beta", beta));
        n.Add(new SoftmaxOp { Axis = -1 }, [x], n.Output(0));
    }
}
