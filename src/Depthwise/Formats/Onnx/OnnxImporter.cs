using System.Globalization;
using Depthwise.Formats.Onnx.Proto;
using Depthwise.Graph;
using Depthwise.Tensors;
using Google.Protobuf;

namespace Depthwise.Formats.Onnx;

/// <summary>
/// Reads an ONNX model into the graph IR. Translates only: every node goes through its row in <see cref="OnnxOpTable"/>;
/// nothing is computed here. Supports opsets up to <see cref="MaxOpset"/> (from opset 7 for every operator in our list, and
/// older where the operator's semantics did not change: each row declares the first opset it covers), initializers (inline and external data),
/// value_info, symbolic (dynamic) dimensions, IR 3 models that list initializers as inputs, and nodes in any order.
/// Every problem is a <see cref="DepthwiseException"/> naming the file and the node or field.
/// </summary>
public static class OnnxImporter
{
    /// <summary>
    /// Oldest default-domain opset accepted for a model. Whether each node loads is decided by its operator's row
    /// (the since-version of the form it implements), so an opset-1 model whose operators never changed loads,
    /// while one that uses, say, Add-6 (legacy broadcast attribute) is refused naming the node.
    /// </summary>
    public const int MinOpset = 1;

    /// <summary>Newest default-domain opset accepted.</summary>
    public const int MaxOpset = 18;

    /// <summary>Largest model file accepted (protobuf's own limit).</summary>
    public const long MaxModelBytes = int.MaxValue;

    /// <summary>Imports a model file; external data is resolved next to it.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="DepthwiseException">The file is not a valid or supported ONNX model.</exception>
    public static Graph.Graph Import(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileInfo fi;
        try { fi = new FileInfo(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new FileNotFoundException($"not a usable file path: {path} ({e.Message})", path, e);
        }
        if (!fi.Exists) throw new FileNotFoundException($"no such model file: {path}", path);
        if (fi.Length > MaxModelBytes) throw new ModelFormatException($"file is {fi.Length} bytes; the ONNX limit is {MaxModelBytes}", path);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"cannot read the file: {e.Message}", path, inner: e);
        }
        return Import(bytes, path, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>Imports model bytes. <paramref name="source"/> names them in errors; <paramref name="baseDirectory"/> resolves external data.</summary>
    /// <exception cref="DepthwiseException">The bytes are not a valid or supported ONNX model.</exception>
    public static Graph.Graph Import(ReadOnlyMemory<byte> bytes, string? source = null, string? baseDirectory = null)
    {
        CheckNotAnotherFormat(bytes.Span, source);
        return Import(Parse(bytes, source), source, baseDirectory);
    }

    /// <summary>Parses the protobuf, turning every parser failure into a <see cref="ModelFormatException"/> with the byte offset.</summary>
    private static ModelProto Parse(ReadOnlyMemory<byte> bytes, string? source)
    {
        byte[] array;
        int start, length;
        if (System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Array is not null)
        {
            array = segment.Array;
            start = segment.Offset;
            length = segment.Count;
        }
        else
        {
            array = bytes.ToArray();
            start = 0;
            length = array.Length;
        }
        var input = new CodedInputStream(array, start, length);
        try
        {
            return ModelProto.Parser.ParseFrom(input);
        }
        // The parser is third-party code fed untrusted bytes: whatever it throws on them is a format error
        // (InvalidProtocolBufferException mostly, but malformed input has also raised other types).
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            string detail = e is InvalidProtocolBufferException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            throw new ModelFormatException($"not a valid ONNX model (protobuf error: {detail})", source,
                "byte " + input.Position.ToString(CultureInfo.InvariantCulture), e);
        }
    }

    /// <summary>Names common files that are not ONNX models (an image, a TFLite model, an archive) instead of a protobuf error.</summary>
    private static void CheckNotAnotherFormat(ReadOnlySpan<byte> head, string? source)
    {
        string? what = null;
        if (head.Length == 0) what = "the file is empty";
        else if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G'])) what = "this is a PNG image, not a model";
        else if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) what = "this is a JPEG image, not a model";
        else if (head.Length >= 8 && head[4..8].SequenceEqual("TFL3"u8)) what = "this is a TensorFlow Lite model, not an ONNX model";
        else if (head.StartsWith("PK\u0003\u0004"u8)) what = "this is a ZIP archive (e.g. a PyTorch checkpoint), not an ONNX model";
        else if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B])) what = "this is a gzip file; decompress it first";
        if (what is not null) throw new ModelFormatException(what, source, "byte 0");
    }

    internal static Graph.Graph Import(ModelProto model, string? source, string? baseDirectory)
    {
        if (model.Graph is null)
            throw new ModelFormatException("not an ONNX model: no graph (is this an ONNX file?)", source, "graph");
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var o in model.OpsetImport) opsets[OnnxOpTable.NormalizeDomain(o.Domain)] = o.Version;
        if (model.OpsetImport.Count == 0)
            throw new ModelFormatException("the model imports no opset (opset_import is empty; every model from IR version 3 on names one)", source, "opset_import");
        // A model that only imports other domains (e.g. ai.onnx.preview.training) is fine until a node needs the default one.
        bool hasDefault = opsets.TryGetValue("", out long opset);
        if (hasDefault && (opset < MinOpset || opset > MaxOpset))
            throw new ModelFormatException($"default-domain opset {opset} is not supported (supported: {MinOpset}..{MaxOpset})", source, "opset_import");

        var gp = model.Graph;
        var graph = new Graph.Graph(string.IsNullOrEmpty(gp.Name) ? "graph" : gp.Name);
        if (hasDefault) graph.Metadata["onnx.opset"] = opset.ToString(CultureInfo.InvariantCulture);
        if (model.HasProducerName) graph.Metadata["producer"] = model.ProducerName + (model.HasProducerVersion ? " " + model.ProducerVersion : "");
        foreach (var kv in model.MetadataProps)
            if (kv.Key != "onnx.opset" && kv.Key != "producer") graph.Metadata[kv.Key] = kv.Value;

        if (gp.SparseInitializer.Count > 0) throw new ModelFormatException("sparse initializers are not supported", source, "graph.sparse_initializer");
        var initNames = new HashSet<string>(StringComparer.Ordinal);
        // Initializers of an element type Depthwise lacks (double, string...) are an error only if something reads them.
        var unusable = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < gp.Initializer.Count; i++)
        {
            var t = gp.Initializer[i];
            string where = $"initializer '{t.Name}'";
            if (string.IsNullOrEmpty(t.Name)) throw new ModelFormatException($"initializer #{i} has no name", source, "graph.initializer");
            if (!initNames.Add(t.Name)) throw new ModelFormatException($"initializer '{t.Name}' is defined twice", source, where);
            if (!OnnxTensors.IsSupported(t.DataType))
            {
                unusable[t.Name] = t.DataType;
                continue;
            }
            graph.AddConstant(t.Name, OnnxTensors.FromProto(t, source, where, baseDirectory));
        }

        var inputNames = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < gp.Input.Count; i++)
        {
            var vi = gp.Input[i];
            if (string.IsNullOrEmpty(vi.Name)) throw new ModelFormatException($"graph input #{i} has no name", source, "graph.input");
            // IR < 4 lists every initializer as an input too; from IR 4 on such an input is an overridable default,
            // which Depthwise treats as the constant it usually is.
            if (initNames.Contains(vi.Name)) continue;
            if (!inputNames.Add(vi.Name)) throw new ModelFormatException($"graph input '{vi.Name}' is declared twice", source, $"input '{vi.Name}'");
            var (type, shape) = ReadType(vi, source, $"input '{vi.Name}'");
            graph.AddInput(vi.Name, type, shape);
        }

        for (int index = 0; index < gp.Node.Count; index++)
            AddNode(graph, gp.Node[index], index, opsets, initNames, inputNames, unusable, source);

        // value_info only annotates values the nodes use or produce; entries for unknown names are ignored.
        foreach (var vi in gp.ValueInfo)
        {
            if (string.IsNullOrEmpty(vi.Name) || graph.FindValue(vi.Name) is not { } v || v.IsConstant || inputNames.Contains(vi.Name)) continue;
            if (vi.Type is not null && vi.Type.TensorType is null) continue;   // a non-tensor annotation; the nodes decide
            var (type, shape) = ReadType(vi, source, $"value_info '{vi.Name}'");
            if (v.DataType == DataType.Undefined) v.DataType = type;
            v.DeclaredShape ??= shape;
        }

        for (int i = 0; i < gp.Output.Count; i++)
        {
            var vi = gp.Output[i];
            if (string.IsNullOrEmpty(vi.Name)) throw new ModelFormatException($"graph output #{i} has no name", source, "graph.output");
            if (unusable.TryGetValue(vi.Name, out int utype)) throw UnsupportedInitializer(vi.Name, utype, source, $"output '{vi.Name}'");
            var v = graph.FindValue(vi.Name) ?? throw new ModelFormatException($"graph output '{vi.Name}' is not defined by any node, input or initializer", source, $"output '{vi.Name}'");
            if (vi.Type is not null)
            {
                var (type, shape) = ReadType(vi, source, $"output '{vi.Name}'");
                if (v.DataType == DataType.Undefined) v.DataType = type;
                v.DeclaredShape ??= shape;
            }
            graph.AddOutput(v);
        }
        if (graph.Outputs.Count == 0) throw new ModelFormatException("the graph has no outputs", source, "graph.output");
        graph.Validate(source);
        return graph;
    }

    private static ModelFormatException UnsupportedInitializer(string name, int onnxType, string? source, string where) =>
        new($"initializer '{name}' has element type {OnnxTensors.TypeName(onnxType)}, which is not supported ({OnnxTensors.SupportedList})", source, where);

    private static void AddNode(Graph.Graph graph, NodeProto np, int index, Dictionary<string, long> opsets,
        HashSet<string> initNames, HashSet<string> inputNames, Dictionary<string, int> unusable, string? source)
    {
        string name = string.IsNullOrEmpty(np.Name) ? $"{(string.IsNullOrEmpty(np.OpType) ? "node" : np.OpType)}_{index}" : np.Name;
        string where = $"node '{name}' ({np.OpType})";
        if (string.IsNullOrEmpty(np.OpType)) throw new ModelFormatException($"node #{index} has no op_type", source, where);
        foreach (var inName in np.Input)
            if (unusable.TryGetValue(inName, out int type)) throw UnsupportedInitializer(inName, type, source, where);
        string domain = OnnxOpTable.NormalizeDomain(np.Domain);
        long nodeOpset = opsets.GetValueOrDefault(domain, -1);
        if (nodeOpset < 0)
            throw new ModelFormatException($"domain '{(domain.Length == 0 ? "ai.onnx" : np.Domain)}' is used but not imported in opset_import", source, where);

        // Check the outputs before the row runs, so every naming problem is reported with the file and node.
        var outNames = new string[np.Output.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < outNames.Length; i++)
        {
            string o = np.Output[i];
            if (string.IsNullOrEmpty(o)) { outNames[i] = graph.UniqueValueName($"{name}/unused_{i}"); continue; }
            if (!seen.Add(o)) throw new ModelFormatException($"output '{o}' is listed twice", source, where);
            if (initNames.Contains(o)) throw new ModelFormatException($"output '{o}' redefines an initializer", source, where);
            if (inputNames.Contains(o)) throw new ModelFormatException($"output '{o}' redefines a graph input", source, where);
            if (graph.FindValue(o)?.Producer is { } other)
                throw new ModelFormatException($"output '{o}' is also produced by node '{other.Name}'", source, where);
            outNames[i] = o;
        }

        var row = OnnxOpTable.Find(domain, np.OpType, nodeOpset)
            ?? throw new UnsupportedOperatorException(name, np.OpType, np.Domain, nodeOpset,
                OnnxOpTable.OldestSupported(domain, np.OpType) is int since ? $"only the forms from opset {since} on are implemented" : null);
        var inputs = new List<Value?>(np.Input.Count);
        foreach (var inName in np.Input)
            inputs.Add(string.IsNullOrEmpty(inName) ? null : graph.GetOrCreateValue(inName));
        var node = new OnnxNode(np, name, nodeOpset, inputs, source, (stem, t) => graph.AddConstant(graph.UniqueValueName(stem), t));
        Ops.Op op;
        try
        {
            op = row.Import(node);
        }
        // Rows read attributes a model may set to anything; an unexpected failure there is still the model's fault.
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException
                                  or OverflowException or InvalidCastException or KeyNotFoundException or FormatException)
        {
            throw new ModelFormatException($"invalid attributes or inputs: {e.Message}", source, where, e);
        }
        graph.AddNode(name, op, node.Inputs, outNames);
    }

    private static (DataType Type, IReadOnlyList<Dim>? Shape) ReadType(ValueInfoProto vi, string? source, string where)
    {
        var tt = vi.Type?.TensorType;
        if (tt is null)
        {
            if (vi.Type is null) return (DataType.Undefined, null);
            throw new ModelFormatException($"{vi.Type.ValueCase switch
            {
                TypeProto.ValueOneofCase.SequenceType => "a sequence",
                TypeProto.ValueOneofCase.MapType => "a map",
                TypeProto.ValueOneofCase.OptionalType => "an optional",
                TypeProto.ValueOneofCase.SparseTensorType => "a sparse tensor",
                _ => "a non-tensor",
            }} type is not supported (only tensors are)", source, where);
        }
        var type = tt.HasElemType && tt.ElemType != 0 ? OnnxTensors.ToDataType(tt.ElemType, source, where) : DataType.Undefined;
        if (tt.Shape is null) return (type, null);
        if (tt.Shape.Dim.Count > Shape.MaxRank)
            throw new ModelFormatException($"rank {tt.Shape.Dim.Count} exceeds the limit of {Shape.MaxRank}", source, where);
        var dims = new Dim[tt.Shape.Dim.Count];
        long known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            var d = tt.Shape.Dim[i];
            if (d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue)
            {
                // Some exporters write -1 for a dynamic dimension.
                if (d.DimValue == -1) { dims[i] = Dim.Unknown(); continue; }
                if (d.DimValue < 0 || d.DimValue > Shape.MaxElements)
                    throw new ModelFormatException($"dimension {i} is {d.DimValue}; it must be in 0..{Shape.MaxElements}", source, where);
                dims[i] = Dim.Known((int)d.DimValue);
                known *= d.DimValue;
                if (known > Shape.MaxElements)
                    throw new ModelFormatException($"the declared shape has more than {Shape.MaxElements} elements", source, where);
            }
            else dims[i] = Dim.Unknown(d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam && d.DimParam.Length > 0 ? d.DimParam : null);
        }
        return (type, dims);
    }
}
