using Depthwise.Formats.Onnx;
using Depthwise.Formats.Onnx.Proto;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Google.Protobuf;

namespace Depthwise.Tests.Ops;

/// <summary>
/// A one-node ONNX model built in memory at a chosen opset, run through the real importer: the way to test an op's
/// importer rows (old attribute forms, defaults, unsupported variants) without model files.
/// </summary>
internal sealed class OnnxOneNodeModel
{
    private readonly NodeProto _node;
    private readonly ModelProto _model;
    private readonly List<Tensor> _feeds = [];

    public OnnxOneNodeModel(string opType, int opset)
    {
        _node = new NodeProto { OpType = opType, Name = "node" };
        _model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "one_node" } };
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        _model.Graph.Node.Add(_node);
        _node.Output.Add("y");
        _model.Graph.Output.Add(new ValueInfoProto { Name = "y" });
    }

    /// <summary>Adds a graph input fed with <paramref name="value"/> when the model runs.</summary>
    public OnnxOneNodeModel Input(Tensor value)
    {
        string name = $"x{_node.Input.Count}";
        var tt = new TypeProto.Types.Tensor { ElemType = OnnxTensors.ToOnnxType(value.DataType), Shape = new TensorShapeProto() };
        foreach (int d in value.Shape.Dims) tt.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        _model.Graph.Input.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tt } });
        _node.Input.Add(name);
        _feeds.Add(value);
        return this;
    }

    /// <summary>Adds an initializer input.</summary>
    public OnnxOneNodeModel Constant(Tensor value)
    {
        string name = $"c{_node.Input.Count}";
        _model.Graph.Initializer.Add(OnnxTensors.ToProto(value, name));
        _node.Input.Add(name);
        return this;
    }

    /// <summary>Adds an omitted optional input ("").</summary>
    public OnnxOneNodeModel Omitted()
    {
        _node.Input.Add("");
        return this;
    }

    public OnnxOneNodeModel Attr(string name, long value) =>
        Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });

    public OnnxOneNodeModel Attr(string name, float value) =>
        Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value });

    public OnnxOneNodeModel Attr(string name, string value) =>
        Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) });

    public OnnxOneNodeModel Attr(string name, long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return Add(a);
    }

    public OnnxOneNodeModel Attr(string name, float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return Add(a);
    }

    /// <summary>Imports the model (throws what the importer throws).</summary>
    public Graph.Graph Import() => OnnxImporter.Import(_model.ToByteArray(), "one_node.onnx");

    /// <summary>Imports and runs the model; returns output y.</summary>
    public Tensor Run() => new InferenceSession(Import()).Run(_feeds.ToArray())[0];

    private OnnxOneNodeModel Add(AttributeProto a)
    {
        _node.Attribute.Add(a);
        return this;
    }
}
