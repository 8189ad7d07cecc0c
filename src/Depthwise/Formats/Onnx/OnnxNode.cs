using Depthwise.Formats.Onnx.Proto;
using Depthwise.Graph;
using Depthwise.Tensors;

namespace Depthwise.Formats.Onnx;

/// <summary>
/// One ONNX node as an importer row sees it: typed attribute access with defaults, the opset in force, and the
/// means to rewrite older opset forms into the form the IR uses (e.g. attributes that later became constant inputs).
/// </summary>
internal sealed class OnnxNode
{
    private readonly NodeProto _proto;
    private readonly Dictionary<string, AttributeProto> _attrs = new(StringComparer.Ordinal);
    private readonly Func<string, Tensor, Value> _addConstant;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    internal OnnxNode(NodeProto proto, string name, long opset, List<Value?> inputs, string? file, Func<string, Tensor, Value> addConstant)
    {
        _proto = proto;
        Name = name;
        Opset = opset;
        Inputs = inputs;
        File = file;
        _addConstant = addConstant;
        foreach (var a in proto.Attribute)
            if (!_attrs.TryAdd(a.Name, a))
                throw Invalid($"attribute '{a.Name}' is given twice");
    }

    /// <summary>Node name (generated if the model had none).</summary>
    public string Name { get; }

    /// <summary>Operator type.</summary>
    public string OpType => _proto.OpType;

    /// <summary>Operator domain ("" for the default ONNX domain).</summary>
    public string Domain => _proto.Domain;

    /// <summary>The opset version the model imports for this node's domain.</summary>
    public long Opset { get; }

    /// <summary>The model file, for error messages.</summary>
    public string? File { get; }

    /// <summary>Inputs (null for an omitted optional input). Rows may rewrite this list.</summary>
    public List<Value?> Inputs { get; }

    /// <summary>Number of outputs the node declares.</summary>
    public int OutputCount => _proto.Output.Count;

    /// <summary>True when the node sets attribute <paramref name="name"/>.</summary>
    public bool Has(string name) => _attrs.ContainsKey(name);

    /// <summary>Integer attribute or default.</summary>
    public long Int(string name, long defaultValue) => Get(name, AttributeProto.Types.AttributeType.Int) is { } a ? a.I : defaultValue;

    /// <summary>Integer attribute that must be present.</summary>
    public long RequiredInt(string name) => Get(name, AttributeProto.Types.AttributeType.Int)?.I ?? throw Invalid($"attribute '{name}' is required");

    /// <summary>Float attribute or default.</summary>
    public float Float(string name, float defaultValue) => Get(name, AttributeProto.Types.AttributeType.Float) is { } a ? a.F : defaultValue;

    /// <summary>String attribute or default.</summary>
    public string String(string name, string defaultValue) =>
        Get(name, AttributeProto.Types.AttributeType.String) is { } a ? a.S.ToStringUtf8() : defaultValue;

    /// <summary>Integer list attribute, or null when absent.</summary>
    public long[]? Ints(string name) => Get(name, AttributeProto.Types.AttributeType.Ints) is { } a ? a.Ints.ToArray() : null;

    /// <summary>Float list attribute, or null when absent.</summary>
    public float[]? Floats(string name) => Get(name, AttributeProto.Types.AttributeType.Floats) is { } a ? a.Floats.ToArray() : null;

    /// <summary>String list attribute, or null when absent.</summary>
    public string[]? Strings(string name) => Get(name, AttributeProto.Types.AttributeType.Strings) is { } a ? a.Strings.Select(s => s.ToStringUtf8()).ToArray() : null;

    /// <summary>Tensor attribute, or null when absent.</summary>
    public Tensor? TensorAttr(string name) =>
        Get(name, AttributeProto.Types.AttributeType.Tensor) is { } a ? OnnxTensors.FromProto(a.T, File, $"node '{Name}' attribute '{name}'", null) : null;

    /// <summary>The input at <paramref name="index"/>, or null when absent.</summary>
    public Value? Input(int index) => index < Inputs.Count ? Inputs[index] : null;

    /// <summary>Sets input <paramref name="index"/> to a new constant (the list grows with omitted inputs as needed).</summary>
    public void SetConstantInput(int index, Tensor value)
    {
        while (Inputs.Count <= index) Inputs.Add(null);
        Inputs[index] = _addConstant($"{Name}/{OpType}_const_{index}", value);
    }

    /// <summary>An error for a node that breaks the ONNX spec.</summary>
    public ModelFormatException Invalid(string message) => new(message, File, $"node '{Name}' ({OpType})");

    /// <summary>An error for a valid node whose variant Depthwise does not implement.</summary>
    public UnsupportedOperatorException Unsupported(string detail) => new(Name, OpType, Domain, Opset, detail);

    /// <summary>Attribute names the node sets that no row read (reported as unsupported when they change semantics).</summary>
    public IEnumerable<string> UnreadAttributes => _attrs.Keys.Where(k => !_read.Contains(k));

    private AttributeProto? Get(string name, AttributeProto.Types.AttributeType type)
    {
        _read.Add(name);
        if (!_attrs.TryGetValue(name, out var a)) return null;
        // Old exporters leave 'type' unset; infer it from which field carries data.
        var actual = a.HasType ? a.Type : Infer(a);
        if (actual != type) throw Invalid($"attribute '{name}' has type {actual}, expected {type}");
        return a;
    }

    private static AttributeProto.Types.AttributeType Infer(AttributeProto a)
    {
        if (a.HasF) return AttributeProto.Types.AttributeType.Float;
        if (a.HasI) return AttributeProto.Types.AttributeType.Int;
        if (a.HasS) return AttributeProto.Types.AttributeType.String;
        if (a.T is not null) return AttributeProto.Types.AttributeType.Tensor;
        if (a.G is not null) return AttributeProto.Types.AttributeType.Graph;
        if (a.Floats.Count > 0) return AttributeProto.Types.AttributeType.Floats;
        if (a.Ints.Count > 0) return AttributeProto.Types.AttributeType.Ints;
        if (a.Strings.Count > 0) return AttributeProto.Types.AttributeType.Strings;
        return AttributeProto.Types.AttributeType.Undefined;
    }
}
