using Depthwise.Formats.Onnx.Proto;
using Depthwise.Graph;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Google.Protobuf;

namespace Depthwise.Formats.Onnx;

/// <summary>
/// Writes a graph as an ONNX model at one opset (<see cref="TargetOpset"/>): every node goes through its operator's
/// export row in <see cref="OnnxOpTable"/>, constants become initializers (raw_data), value names are kept, and
/// declared input/output shapes keep their symbolic dimensions as <c>dim_param</c>.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The default-domain opset every exported model imports (export rows write this form).</summary>
    public const int TargetOpset = 18;

    /// <summary>The ONNX IR version written (IR 8 is the one that goes with opset 18).</summary>
    public const long IrVersion = 8;

    /// <summary>The producer_name written.</summary>
    public const string ProducerName = "depthwise";

    /// <summary>Metadata keys the importer derives from the model itself; they are not written back as metadata_props.</summary>
    private static readonly string[] DerivedMetadataKeys = ["onnx.opset", "producer"];

    /// <summary>Writes <paramref name="graph"/> to <paramref name="path"/> as an ONNX model.</summary>
    /// <exception cref="UnsupportedOperatorException">A node's operator has no ONNX export.</exception>
    /// <exception cref="ModelFormatException">The graph is malformed or cannot be expressed in one ONNX file.</exception>
    public static void Export(Graph.Graph graph, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = ToBytes(graph);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>The ONNX model bytes for <paramref name="graph"/>.</summary>
    /// <exception cref="UnsupportedOperatorException">A node's operator has no ONNX export.</exception>
    /// <exception cref="ModelFormatException">The graph is malformed or cannot be expressed in one ONNX file.</exception>
    public static byte[] ToBytes(Graph.Graph graph) => ToProto(graph).ToByteArray();

    /// <summary>The ONNX model for <paramref name="graph"/>, using the op table's export rows.</summary>
    internal static ModelProto ToProto(Graph.Graph graph) => ToProto(graph, OnnxOpTable.FindExport);

    /// <summary>The ONNX model for <paramref name="graph"/>; <paramref name="findExport"/> maps an op class to its row (tests substitute it).</summary>
    internal static ModelProto ToProto(Graph.Graph graph, Func<Type, OnnxOpRow?> findExport)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(findExport);
        graph.Validate();
        var order = graph.TopologicalOrder();

        var gp = new GraphProto { Name = graph.Name };
        var used = new HashSet<string>(graph.Values.Keys, StringComparer.Ordinal);
        foreach (var n in graph.Nodes) used.Add(n.Name);
        int fresh = 0;
        string FreshName(string stem)
        {
            if (used.Add(stem)) return stem;
            string name;
            do { name = $"{stem}_{++fresh}"; } while (!used.Add(name));
            return name;
        }

        long totalBytes = 0;
        var written = new HashSet<Value>();
        void AddInitializer(string name, Tensor t)
        {
            totalBytes += t.Bytes.Length;
            if (totalBytes > OnnxImporter.MaxModelBytes - (1L << 20))
                throw new ModelFormatException($"the constants exceed the {OnnxImporter.MaxModelBytes}-byte limit of one ONNX file (export with external data is not supported)", location: name);
            gp.Initializer.Add(OnnxTensors.ToProto(t, name));
        }
        void WriteConstant(Value v)
        {
            if (v.Constant is not { } c || !written.Add(v)) return;
            CheckNotQuantized(v);
            AddInitializer(v.Name, c);
        }

        foreach (var v in graph.Inputs)
        {
            CheckNotQuantized(v);
            gp.Input.Add(ValueInfo(v.Name, v.DataType, v.DeclaredShape));
        }

        var domains = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var node in order)
        {
            var row = findExport(node.Op.GetType());
            if (row?.Export is null)
                throw new UnsupportedOperatorException(node.Name, node.Op.OpType, "", TargetOpset, $"{node.Op.GetType().Name} has no ONNX export");
            foreach (var v in node.Inputs) if (v is not null) WriteConstant(v);
            var np = new NodeProto { Name = node.Name, OpType = node.Op.OpType };
            if (row.Domain.Length > 0)
            {
                np.Domain = row.Domain;
                domains.Add(row.Domain);
            }
            foreach (var v in node.Inputs) np.Input.Add(v?.Name ?? "");
            foreach (var v in node.Outputs)
            {
                CheckNotQuantized(v);
                np.Output.Add(v.Name);
            }
            var e = new OnnxExportNode(np, (stem, t) => { var name = FreshName(stem); AddInitializer(name, t); return name; }, FreshName);
            row.Export(node.Op, e);
            // Trailing omitted optional inputs are simply left out.
            while (np.Input.Count > 0 && np.Input[^1].Length == 0) np.Input.RemoveAt(np.Input.Count - 1);
            gp.Node.AddRange(e.Before);
            gp.Node.Add(np);
            gp.Node.AddRange(e.After);
        }

        DataType[]? inferred = null;
        for (int i = 0; i < graph.Outputs.Count; i++)
        {
            var v = graph.Outputs[i];
            WriteConstant(v);
            var type = v.DataType;
            if (type == DataType.Undefined)
            {
                inferred ??= InferOutputTypes(graph);
                type = inferred?[i] ?? DataType.Undefined;
            }
            gp.Output.Add(ValueInfo(v.Name, type, v.DeclaredShape));
        }

        // Intermediate values keep the shapes the source model declared for them.
        var isIo = new HashSet<Value>(graph.Inputs);
        isIo.UnionWith(graph.Outputs);
        foreach (var node in order)
            foreach (var v in node.Outputs)
                if (!isIo.Contains(v) && v.DataType != DataType.Undefined && v.DeclaredShape is not null)
                    gp.ValueInfo.Add(ValueInfo(v.Name, v.DataType, v.DeclaredShape));

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = gp,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = TargetOpset });
        foreach (var d in domains) model.OpsetImport.Add(new OperatorSetIdProto { Domain = d, Version = 1 });
        foreach (var kv in graph.Metadata)
            if (Array.IndexOf(DerivedMetadataKeys, kv.Key) < 0)
                model.MetadataProps.Add(new StringStringEntryProto { Key = kv.Key, Value = kv.Value });
        return model;
    }

    private static ValueInfoProto ValueInfo(string name, DataType type, IReadOnlyList<Dim>? shape)
    {
        var tt = new TypeProto.Types.Tensor();
        if (type != DataType.Undefined) tt.ElemType = OnnxTensors.ToOnnxType(type);
        if (shape is not null)
        {
            var sp = new TensorShapeProto();
            foreach (var d in shape)
            {
                var dp = new TensorShapeProto.Types.Dimension();
                if (d.IsKnown) dp.DimValue = d.Size;
                else if (!string.IsNullOrEmpty(d.Name)) dp.DimParam = d.Name;
                sp.Dim.Add(dp);
            }
            tt.Shape = sp;
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tt } };
    }

    /// <summary>
    /// Element types of the graph outputs, found by compiling a plan for the declared input shapes (unknown dims as 1),
    /// for graphs built in code whose outputs carry no type. Null when that plan cannot be compiled.
    /// </summary>
    private static DataType[]? InferOutputTypes(Graph.Graph graph)
    {
        try
        {
            var session = new InferenceSession(graph);
            var plan = session.GetPlan(session.DefaultInputShapes());
            return plan.OutputTypes.ToArray();
        }
        catch (DepthwiseException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;   // a declared input shape too large to build
        }
    }

    private static void CheckNotQuantized(Value v)
    {
        if (v.Quant is not null || v.Constant?.Quant is not null)
            throw new ModelFormatException($"value '{v.Name}' has quantization parameters, which cannot be exported to ONNX yet", location: v.Name);
    }
}
