using System.Globalization;
using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Formats.TFLite;

/// <summary>
/// One TFLite operator as an importer row sees it: its inputs as graph values (with the TFLite tensor behind each),
/// its options table, and the means to add the IR node(s) it becomes. The first node a row adds into an output takes
/// the output tensor's name, so graph values keep TFLite's names; helper nodes and values get names derived from it.
/// </summary>
internal sealed class TfLiteNode
{
    private readonly TfLiteImporter.Context _ctx;
    private readonly TfLiteOperator _op;

    internal TfLiteNode(TfLiteImporter.Context ctx, TfLiteOperator op, TfLiteOperatorCode code)
    {
        _ctx = ctx;
        _op = op;
        Code = code;
        Name = op.Outputs.Length > 0 ? ctx.ValueName(op.Outputs[0]) : $"{code.Name}_{op.Index}";
    }

    /// <summary>The operator's code (builtin or custom, and version).</summary>
    public TfLiteOperatorCode Code { get; }

    /// <summary>The operator's name for errors and the first node it adds: its first output tensor's name.</summary>
    public string Name { get; }

    /// <summary>Position of the operator in the subgraph.</summary>
    public int Index => _op.Index;

    /// <summary>The import options.</summary>
    public TfLiteImportOptions ImportOptions => _ctx.Options;

    /// <summary>The model file, for errors.</summary>
    public string? Source => _ctx.Source;

    /// <summary>Number of input slots (including omitted optional ones).</summary>
    public int InputCount => _op.Inputs.Length;

    /// <summary>Number of outputs.</summary>
    public int OutputCount => _op.Outputs.Length;

    /// <summary>The raw custom options (a FlexBuffer or a struct), or empty.</summary>
    public ReadOnlySpan<byte> CustomOptions => _op.CustomOptions is { } c ? c.Span : default;

    /// <summary>True when input <paramref name="i"/> is given (not −1 and not beyond the list).</summary>
    public bool HasInput(int i) => i < _op.Inputs.Length && _op.Inputs[i] >= 0;

    /// <summary>Input <paramref name="i"/>, which must be given.</summary>
    public Value Input(int i) => HasInput(i) ? _ctx.Value(_op.Inputs[i]) : throw Invalid($"input {i} is required but {(i < InputCount ? "marked absent (−1)" : $"the operator has only {InputCount} inputs")}");

    /// <summary>Input <paramref name="i"/>, or null when omitted.</summary>
    public Value? OptionalInput(int i) => HasInput(i) ? _ctx.Value(_op.Inputs[i]) : null;

    /// <summary>The TFLite tensor behind input <paramref name="i"/> (which must be given).</summary>
    public TfLiteTensor InputTensor(int i)
    {
        _ = Input(i);
        return _ctx.Model.Tensors[_op.Inputs[i]];
    }

    /// <summary>The TFLite tensor behind output <paramref name="i"/>.</summary>
    public TfLiteTensor OutputTensor(int i) => i < OutputCount ? _ctx.Model.Tensors[_op.Outputs[i]] : throw Invalid($"output {i} is required but the operator has only {OutputCount} outputs");

    /// <summary>The graph name of output <paramref name="i"/>.</summary>
    public string Output(int i) => i < OutputCount ? _ctx.ValueName(_op.Outputs[i]) : throw Invalid($"output {i} is required but the operator has only {OutputCount} outputs");

    /// <summary>Throws unless the operator has between <paramref name="min"/> and <paramref name="max"/> inputs and exactly <paramref name="outputs"/> outputs.</summary>
    public void ExpectArity(int min, int max, int outputs)
    {
        if (InputCount < min || InputCount > max)
            throw Invalid(min == max ? $"has {InputCount} inputs; expected {min}" : $"has {InputCount} inputs; expected {min} to {max}");
        if (OutputCount != outputs) throw Invalid($"has {OutputCount} outputs; expected {outputs}");
    }

    /// <summary>The constant value of input <paramref name="i"/>, or null when it is computed at run time or omitted.</summary>
    public Tensor? Constant(int i) => OptionalInput(i)?.Constant;

    /// <summary>The constant integer (int32 or int64) input <paramref name="i"/>; an unsupported-operator error when it is not constant.</summary>
    public long[] ConstantInts(int i, string what)
    {
        var t = Constant(i) ?? throw Unsupported($"{what} (input {i}) must be a constant");
        if (t.DataType is not (DataType.Int32 or DataType.Int64)) throw Invalid($"{what} (input {i}) has type {DataTypes.Name(t.DataType)}; expected int32");
        return t.ToInt64Array();
    }

    /// <summary>The quantization of input <paramref name="i"/>'s tensor, when it is a quantized (uint8/int8) tensor.</summary>
    public QuantParams? InputQuant(int i) => HasInput(i) ? _ctx.Quant(_op.Inputs[i]) : null;

    /// <summary>The quantization of output <paramref name="i"/>'s tensor, when it is a quantized (uint8/int8) tensor.</summary>
    public QuantParams? OutputQuant(int i) => _ctx.Quant(_op.Outputs[i]);

    /// <summary>The graph element type of output <paramref name="i"/>'s tensor.</summary>
    public DataType OutputType(int i) => _ctx.DataTypeOf(OutputTensor(i));

    /// <summary>The graph element type of input <paramref name="i"/>'s tensor.</summary>
    public DataType InputType(int i) => _ctx.DataTypeOf(InputTensor(i));

    /// <summary>
    /// The builtin options table; when the model sets another options type than <paramref name="expected"/> that is an
    /// error. Null when the operator has no options (every field then takes its default).
    /// </summary>
    public FlatTable? Options(TfLiteOptions expected)
    {
        if (_op.OptionsType == 0) return null;
        if (_op.OptionsType != (byte)expected)
            throw Invalid($"has builtin options of union type {_op.OptionsType}; expected {(byte)expected} ({expected}Options)");
        return _op.Options;
    }

    /// <summary>A new constant value.</summary>
    public Value AddConstant(string stem, Tensor tensor) => _ctx.Graph.AddConstant(_ctx.Graph.UniqueValueName($"{Name}/{stem}"), tensor);

    /// <summary>An int64 vector constant (shapes, axes, pads in the IR's ONNX form).</summary>
    public Value Int64s(string stem, params long[] values) => AddConstant(stem, Tensor.FromArray(new Shape(values.Length), values));

    /// <summary>A float scalar constant.</summary>
    public Value FloatScalar(string stem, float value) => AddConstant(stem, Tensor.Scalar(value));

    /// <summary>Adds a node writing <paramref name="outputs"/>.</summary>
    public Node Add(Op op, IReadOnlyList<Value?> inputs, params string[] outputs)
    {
        string name = outputs.Length > 0 ? outputs[0] : Name;
        return _ctx.Graph.AddNode(name, op, inputs, outputs);
    }

    /// <summary>Adds a node writing a new intermediate value (named after this operator and <paramref name="stem"/>) and returns it.</summary>
    public Value AddTemp(string stem, Op op, params Value?[] inputs)
    {
        string name = _ctx.Graph.UniqueValueName($"{Name}/{stem}");
        return _ctx.Graph.AddNode(name, op, inputs, [name]).Outputs[0];
    }

    /// <summary>A value name not yet used, derived from this operator's name.</summary>
    public string TempName(string stem) => _ctx.Graph.UniqueValueName($"{Name}/{stem}");

    /// <summary>The graph value named <paramref name="name"/> (which must exist).</summary>
    public Value Find(string name) => _ctx.Graph.FindValue(name) ?? throw new InvalidOperationException($"no value '{name}'");

    /// <summary>
    /// Adds <paramref name="op"/> writing output 0, followed by the fused activation when there is one (then the
    /// operator writes an intermediate value and the activation node writes output 0).
    /// </summary>
    public void AddWithActivation(Op op, IReadOnlyList<Value?> inputs, TfLiteActivation activation)
    {
        if (activation == TfLiteActivation.None)
        {
            Add(op, inputs, Output(0));
            return;
        }
        string temp = _ctx.Graph.UniqueValueName($"{Name}/pre_activation");
        var v = _ctx.Graph.AddNode(temp, op, inputs, [temp]).Outputs[0];
        AddActivation(v, activation, Output(0));
    }

    /// <summary>Adds the activation node(s) computing <paramref name="output"/> from <paramref name="x"/>.</summary>
    public void AddActivation(Value x, TfLiteActivation activation, string output)
    {
        switch (activation)
        {
            case TfLiteActivation.None: Add(new IdentityOp(), [x], output); break;
            case TfLiteActivation.Relu: Add(new ReluOp(), [x], output); break;
            case TfLiteActivation.ReluN1To1: Add(new ClipOp(), [x, FloatScalar("min", -1), FloatScalar("max", 1)], output); break;
            case TfLiteActivation.Relu6: Add(new ClipOp(), [x, FloatScalar("min", 0), FloatScalar("max", 6)], output); break;
            case TfLiteActivation.Tanh: Add(new TanhOp(), [x], output); break;
            default: throw Unsupported($"fused activation {activation}");
        }
    }

    /// <summary>Reads a fused_activation_function field.</summary>
    public TfLiteActivation Activation(FlatTable? options, int field)
    {
        byte a = options?.U8(field, "fused_activation_function") ?? 0;
        if (a > (byte)TfLiteActivation.SignBit) throw Invalid($"fused_activation_function {a} is not a TFLite activation (0..5)");
        if (a == (byte)TfLiteActivation.SignBit) throw Unsupported("fused activation SIGN_BIT");
        return (TfLiteActivation)a;
    }

    /// <summary>The fused activation as a convolution epilogue, or null when it must be a separate node (TANH).</summary>
    public static ConvActivation? ConvActivationOf(TfLiteActivation a) => a switch
    {
        TfLiteActivation.None => ConvActivation.None,
        TfLiteActivation.Relu => ConvActivation.Relu,
        TfLiteActivation.ReluN1To1 => ConvActivation.Clip(-1, 1),
        TfLiteActivation.Relu6 => ConvActivation.Clip(0, 6),
        _ => null,
    };

    /// <summary>Reads a Padding field (SAME = ONNX SAME_UPPER, VALID).</summary>
    public AutoPad Padding(FlatTable? options, int field)
    {
        byte p = options?.U8(field, "padding") ?? 0;
        return p switch
        {
            0 => AutoPad.SameUpper,
            1 => AutoPad.Valid,
            _ => throw Invalid($"padding {p} is neither SAME (0) nor VALID (1)"),
        };
    }

    /// <summary>Reads a stride or dilation field, which must be positive.</summary>
    public int Positive(FlatTable? options, int field, string name, int defaultValue)
    {
        int v = options?.I32(field, name, defaultValue) ?? defaultValue;
        if (v < 1) throw Invalid($"{name} is {v}; it must be at least 1");
        return v;
    }

    /// <summary>An error for an operator that breaks the TFLite schema or its operator's contract.</summary>
    public ModelFormatException Invalid(string message) =>
        new($"operator #{Index} ({Code.Name}) writing '{Name}' {message}", _ctx.Source, $"{_op.Path}");

    /// <summary>An error for a valid operator variant Depthwise does not implement.</summary>
    public UnsupportedOperatorException Unsupported(string detail) =>
        new(Name, Code.Name, Code.Builtin == (int)TfLiteBuiltinOperator.CUSTOM ? "tflite.custom" : "tflite", Code.Version,
            $"operator #{Index.ToString(CultureInfo.InvariantCulture)}: {detail}");
}

/// <summary>TFLite's <c>ActivationFunctionType</c>.</summary>
internal enum TfLiteActivation : byte
{
    /// <summary>No activation.</summary>
    None = 0,
    /// <summary>max(x, 0).</summary>
    Relu = 1,
    /// <summary>clamp(x, −1, 1).</summary>
    ReluN1To1 = 2,
    /// <summary>clamp(x, 0, 6).</summary>
    Relu6 = 3,
    /// <summary>tanh(x).</summary>
    Tanh = 4,
    /// <summary>sign bit (not supported).</summary>
    SignBit = 5,
}
