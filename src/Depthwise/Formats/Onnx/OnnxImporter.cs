using Depthwise.Formats.Onnx.Proto;
using Depthwise.Graph;
using Depthwise.Tensors;
using Google.Protobuf;

namespace Depthwise.Formats.Onnx;

/// <summary>
/// Reads an ONNX model into the graph IR. Translates only: every node goes through its row in <see cref="OnnxOpTable"/>;
/// nothing is computed here. Supports opsets 7 to <see cref="MaxOpset"/>, initializers (inline and external data),
/// value_info, and symbolic (dynamic) dimensions.
/// </summary>
public static class OnnxImporter
{
    /// <summary>Oldest default-domain opset accepted.</summary>
    public const int MinOpset = 7;

    /// <summary>Newest default-domain opset accepted.</summary>
    public const int MaxOpset = 18;

    /// <summary>Largest model file accepted (protobuf's own limit).</summary>
    public const long MaxModelBytes = int.MaxValue;

    /// <summary>Imports a model file; external data is resolved next to it.</summary>
    public static Graph.Graph Import(string path)
    {
        var fi = new FileInfo(path);
        if (!fi.Exists) throw new FileNotFoundException($"no such model file: {path}", path);
        if (fi.Length > MaxModelBytes) throw new ModelFormatException($"file is {fi.Length} bytes; the ONNX limit is {MaxModelBytes}", path);
        return Import(File.ReadAllBytes(path), path, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>Imports model bytes. <paramref name="source"/> names them in errors; <paramref name="baseDirectory"/> resolves external data.</summary>
    public static Graph.Graph Import(ReadOnlyMemory<byte> bytes, string? source = null, string? baseDirectory = null)
    {
        ModelProto model;
        try
        {
            var input = new CodedInputStream(bytes.ToArray());
            model = ModelProto.Parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFormatException($"not a valid ONNX model (protobuf error: {e.Message})", source, inner: e);
        }
        return Import(model, source, baseDirectory);
    }

    internal static Graph.Graph Import(ModelProto model, string? source, string? baseDirectory)
    {
        if (model.Graph is null)
            throw new ModelFormatException("not an ONNX model: no graph (is this an ONNX file?)", source);
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var o in model.OpsetImport) opsets[OnnxOpTable.NormalizeDomain(o.Domain)] = o.Version;
        if (!opsets.TryGetValue("", out long opset))
        {
            if (model.OpsetImport.Count == 0) opset = MinOpset;   // IR version 2 models predate opset_import
            else throw new ModelFormatException("the model does not import the default ONNX opset", source, "opset_import");
        }
        if (opset < MinOpset || opset > MaxOpset)
            throw new ModelFormatException($"default-domain opset {opset} is not supported (supported: {MinOpset}..{MaxOpset})", source, "opset_import");

        var gp = model.Graph;
        var graph = new Graph.Graph(string.IsNullOrEmpty(gp.Name) ? "graph" : gp.Name);
        graph.Metadata["onnx.opset"] = opset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (model.HasProducerName) graph.Metadata["producer"] = model.ProducerName + (model.HasProducerVersion ? " " + model.ProducerVersion : "");
        foreach (var kv in model.MetadataProps) graph.Metadata[kv.Key] = kv.Value;

        var initNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in gp.Initializer)
        {
            if (string.IsNullOrEmpty(t.Name)) throw new ModelFormatException("an initializer has no name", source, "graph.initializer");
            if (!initNames.Add(t.Name)) throw new ModelFormatException($"initializer '{t.Name}' is defined twice", source, t.Name);
            graph.AddConstant(t.Name, OnnxTensors.FromProto(t, source, $"initializer '{t.Name}'", baseDirectory));
        }
        if (gp.SparseInitializer.Count > 0) throw new ModelFormatException("sparse initializers are not supported", source, "graph.sparse_initializer");

        foreach (var vi in gp.Input)
        {
            if (initNames.Contains(vi.Name)) continue;   // IR < 4 lists initializers as inputs too
            var (type, shape) = ReadType(vi, source);
            graph.AddInput(vi.Name, type, shape);
        }
        foreach (var vi in gp.ValueInfo)
        {
            if (string.IsNullOrEmpty(vi.Name) || vi.Type?.TensorType is null) continue;
            var v = graph.GetOrCreateValue(vi.Name);
            var (type, shape) = ReadType(vi, source);
            if (v.DataType == DataType.Undefined) v.DataType = type;
            v.DeclaredShape ??= shape;
        }

        int index = 0;
        foreach (var np in gp.Node)
        {
            string name = string.IsNullOrEmpty(np.Name) ? $"{np.OpType}_{index}" : np.Name;
            index++;
            string domain = OnnxOpTable.NormalizeDomain(np.Domain);
            long nodeOpset = opsets.GetValueOrDefault(domain, -1);
            if (nodeOpset < 0)
                throw new ModelFormatException($"domain '{np.Domain}' is used but not imported in opset_import", source, $"node '{name}' ({np.OpType})");
            var row = OnnxOpTable.Find(domain, np.OpType, nodeOpset)
                ?? throw new UnsupportedOperatorException(name, np.OpType, np.Domain, nodeOpset);
            var inputs = new List<Value?>(np.Input.Count);
            foreach (var inName in np.Input)
                inputs.Add(string.IsNullOrEmpty(inName) ? null : graph.GetOrCreateValue(inName));
            var node = new OnnxNode(np, name, nodeOpset, inputs, source, (stem, t) => graph.AddConstant(graph.UniqueValueName(stem), t));
            var op = row.Import(node);
            var outNames = np.Output.Select((o, i) => string.IsNullOrEmpty(o) ? graph.UniqueValueName($"{name}/unused_{i}") : o).ToArray();
            graph.AddNode(name, op, node.Inputs, outNames);
        }

        foreach (var vi in gp.Output)
        {
            var v = graph.FindValue(vi.Name) ?? throw new ModelFormatException($"graph output '{vi.Name}' is not defined", source, vi.Name);
            if (vi.Type?.TensorType is not null)
            {
                var (type, shape) = ReadType(vi, source);
                if (v.DataType == DataType.Undefined) v.DataType = type;
                v.DeclaredShape ??= shape;
            }
            graph.AddOutput(v);
        }
        graph.Validate(source);
        return graph;
    }

    private static (DataType Type, IReadOnlyList<Dim>? Shape) ReadType(ValueInfoProto vi, string? source)
    {
        var tt = vi.Type?.TensorType;
        if (tt is null)
        {
            if (vi.Type is null) return (DataType.Undefined, null);
            throw new ModelFormatException("only tensor types are supported (not sequences, maps or optionals)", source, vi.Name);
        }
        var type = tt.HasElemType ? OnnxTensors.ToDataType(tt.ElemType, source, vi.Name) : DataType.Undefined;
        if (tt.Shape is null) return (type, null);
        if (tt.Shape.Dim.Count > Shape.MaxRank)
            throw new ModelFormatException($"rank {tt.Shape.Dim.Count} exceeds the limit of {Shape.MaxRank}", source, vi.Name);
        var dims = new Dim[tt.Shape.Dim.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            var d = tt.Shape.Dim[i];
            if (d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue)
            {
                if (d.DimValue < 0 || d.DimValue > Shape.MaxElements)
                    throw new ModelFormatException($"dimension {d.DimValue} is out of range", source, vi.Name);
                dims[i] = Dim.Known((int)d.DimValue);
            }
            else dims[i] = Dim.Unknown(d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? d.DimParam : null);
        }
        return (type, dims);
    }
}
