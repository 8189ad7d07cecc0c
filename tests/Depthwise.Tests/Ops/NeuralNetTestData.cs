using Depthwise.Formats.Onnx;
using Depthwise.Formats.Onnx.Proto;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Google.Protobuf;

namespace Depthwise.Tests.Ops;

/// <summary>Seeded random tensors, closeness checks and index helpers shared by the neural-net operator tests.</summary>
internal static class NeuralNetTestData
{
    /// <summary>A float32 tensor of <paramref name="dims"/> with values uniform in [-1, 1) from <paramref name="seed"/>.</summary>
    public static Tensor Random(int seed, params int[] dims)
    {
        var rng = new Random(seed);
        var shape = new Shape(dims);
        var data = new float[shape.ElementCount];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.FromArray(shape, data);
    }

    /// <summary>Asserts shapes are equal and every element is within atol + rtol·|expected|.</summary>
    public static void AssertClose(Shape expectedShape, float[] expected, Tensor actual, double rtol = 1e-4, double atol = 1e-5)
    {
        Assert.Equal(expectedShape, actual.Shape);
        var a = actual.ToArray<float>();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            double err = Math.Abs(a[i] - expected[i]);
            if (!(err <= atol + rtol * Math.Abs(expected[i])) && !(float.IsNaN(a[i]) && float.IsNaN(expected[i])))
                Assert.Fail($"element {i}: {a[i]:g9}, expected {expected[i]:g9} (shape {expectedShape})");
        }
    }

    /// <summary>Row-major multi-index of flat position <paramref name="flat"/> in <paramref name="dims"/>.</summary>
    public static int[] Unflatten(int flat, int[] dims)
    {
        var idx = new int[dims.Length];
        for (int d = dims.Length - 1; d >= 0; d--) { idx[d] = flat % dims[d]; flat /= dims[d]; }
        return idx;
    }

    /// <summary>Row-major flat position of <paramref name="idx"/> in <paramref name="dims"/>.</summary>
    public static int Flatten(int[] idx, int[] dims)
    {
        int f = 0;
        for (int d = 0; d < dims.Length; d++) f = f * dims[d] + idx[d];
        return f;
    }

    /// <summary>Product of <paramref name="dims"/>.</summary>
    public static int Count(int[] dims) => dims.Aggregate(1, (a, b) => a * b);

    /// <summary>
    /// Imports a one-node ONNX model at <paramref name="opset"/> (inputs are graph inputs of the given tensors' types
    /// and shapes) and runs it: checks the importer row for that opset end to end.
    /// </summary>
    public static Tensor[] RunOnnxNode(string opType, long opset, Action<NodeProto> configure, Tensor[] inputs, int outputs = 1)
    {
        var node = new NodeProto { OpType = opType, Name = "n" };
        var graph = new GraphProto { Name = "g" };
        for (int i = 0; i < inputs.Length; i++)
        {
            node.Input.Add($"x{i}");
            graph.Input.Add(ValueInfo($"x{i}", inputs[i]));
        }
        for (int i = 0; i < outputs; i++)
        {
            node.Output.Add($"y{i}");
            graph.Output.Add(new ValueInfoProto { Name = $"y{i}" });
        }
        configure(node);
        graph.Node.Add(node);
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        var session = InferenceSession.FromBytes(model.ToByteArray());
        return session.Run(inputs);
    }

    private static ValueInfoProto ValueInfo(string name, Tensor t)
    {
        var tt = new TypeProto.Types.Tensor { ElemType = OnnxTensors.ToOnnxType(t.DataType), Shape = new TensorShapeProto() };
        foreach (var d in t.Shape.Dims) tt.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tt } };
    }

    /// <summary>Adds an int attribute.</summary>
    public static void Attr(this NodeProto n, string name, long value) =>
        n.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });

    /// <summary>Adds a float attribute.</summary>
    public static void Attr(this NodeProto n, string name, float value) =>
        n.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value });

    /// <summary>Adds a string attribute.</summary>
    public static void Attr(this NodeProto n, string name, string value) =>
        n.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) });

    /// <summary>Adds an ints attribute.</summary>
    public static void Attr(this NodeProto n, string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        n.Attribute.Add(a);
    }

    /// <summary>
    /// Runs an ONNX node test whose model imports an opset older than the importer accepts, with the opset raised to
    /// <paramref name="opset"/>: for operators whose semantics have not changed since (GlobalAveragePool-1...).
    /// </summary>
    public static void AssertNodeTestPassesAtOpset(string testName, long opset)
    {
        var dir = Path.Combine(NodeTests.Root, testName);
        Skip.IfNot(Directory.Exists(dir), $"ONNX node test {testName} not found under {NodeTests.Root}");
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(dir, "model.onnx")));
        foreach (var o in model.OpsetImport) if (o.Domain is "" or "ai.onnx") o.Version = opset;
        var session = InferenceSession.FromBytes(model.ToByteArray());
        foreach (var set in Directory.GetDirectories(dir, "test_data_set_*"))
        {
            var inputs = Directory.GetFiles(set, "input_*.pb").Order(StringComparer.Ordinal).Select(OnnxTestCase.ReadTensorFile).ToArray();
            var expected = Directory.GetFiles(set, "output_*.pb").Order(StringComparer.Ordinal).Select(OnnxTestCase.ReadTensorFile).ToArray();
            var actual = session.Run(inputs);
            for (int i = 0; i < expected.Length; i++)
            {
                var msg = OnnxTestCase.Compare(actual[i], expected[i], OnnxTestCase.DefaultRtol, OnnxTestCase.DefaultAtol, out _);
                Assert.True(msg is null, $"{testName} {Path.GetFileName(set)} output {i}: {msg}");
            }
        }
    }
}
