using Depthwise.Formats.Onnx.Proto;
using Depthwise.Tensors;
using Google.Protobuf;

namespace Depthwise.Formats.Onnx;

/// <summary>
/// What an exporter row writes for one IR node: the ONNX op type and attributes (at the exporter's target opset),
/// with input and output names prefilled from the IR node. Rows may add constant inputs and helper nodes.
/// </summary>
internal sealed class OnnxExportNode
{
    private readonly Func<string, Tensor, string> _addConstant;
    private readonly Func<string, string> _freshName;

    internal OnnxExportNode(NodeProto proto, Func<string, Tensor, string> addConstant, Func<string, string> freshName)
    {
        Proto = proto;
        _addConstant = addConstant;
        _freshName = freshName;
    }

    internal NodeProto Proto { get; }

    /// <summary>Helper nodes written before <see cref="Proto"/> (e.g. to compute a shape).</summary>
    internal List<NodeProto> Before { get; } = [];

    /// <summary>Helper nodes written after <see cref="Proto"/>.</summary>
    internal List<NodeProto> After { get; } = [];

    /// <summary>ONNX op type to write (defaults to the IR op's <c>OpType</c>).</summary>
    public string OpType { get => Proto.OpType; set => Proto.OpType = value; }

    /// <summary>Input names in order; "" marks an omitted optional input.</summary>
    public Google.Protobuf.Collections.RepeatedField<string> Inputs => Proto.Input;

    /// <summary>Output names in order.</summary>
    public Google.Protobuf.Collections.RepeatedField<string> Outputs => Proto.Output;

    /// <summary>Node name.</summary>
    public string Name => Proto.Name;

    /// <summary>Sets an integer attribute.</summary>
    public void Attr(string name, long value) => Proto.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });

    /// <summary>Sets a float attribute.</summary>
    public void Attr(string name, float value) => Proto.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value });

    /// <summary>Sets a string attribute.</summary>
    public void Attr(string name, string value) => Proto.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) });

    /// <summary>Sets an integer list attribute.</summary>
    public void Attr(string name, IEnumerable<long> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        Proto.Attribute.Add(a);
    }

    /// <summary>Sets an integer list attribute.</summary>
    public void Attr(string name, IEnumerable<int> values) => Attr(name, values.Select(v => (long)v));

    /// <summary>Sets a float list attribute.</summary>
    public void Attr(string name, IEnumerable<float> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        Proto.Attribute.Add(a);
    }

    /// <summary>Sets a tensor attribute.</summary>
    public void Attr(string name, Tensor value) =>
        Proto.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = OnnxTensors.ToProto(value, name) });

    /// <summary>Adds an initializer and returns its name (to use as an input).</summary>
    public string Constant(string stem, Tensor value) => _addConstant($"{Proto.Name}/{stem}", value);

    /// <summary>A value name not used elsewhere in the exported graph.</summary>
    public string FreshName(string stem) => _freshName($"{Proto.Name}/{stem}");
}
