using Depthwise.Formats.Onnx;
using Depthwise.Formats.Onnx.Proto;
using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Google.Protobuf;

namespace Depthwise.Tests.Formats.Onnx;

public sealed class OnnxExporterTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("dw-onnx-export-");

    public void Dispose() => _dir.Delete(true);

    /// <summary>y = Reshape(Relu(x + b), [-1, 2]) with a dynamic batch; nodes added out of order on purpose.</summary>
    private static Graph.Graph BuiltGraph()
    {
        var g = new Graph.Graph("built");
        var x = g.AddInput("x", DataType.Float32, [Dim.Unknown("N"), Dim.Known(4)]);
        var b = g.AddConstant("b", Tensor.FromArray(new Shape(4), new float[] { -1, 0, 1, 2 }));
        var s = g.AddConstant("s", Tensor.FromArray(new Shape(2), new long[] { -1, 2 }));
        var r = g.GetOrCreateValue("r");
        g.AddOutput(g.AddNode("reshape", new ReshapeOp(), [r, s], ["y"]).Outputs[0]);
        var sum = g.AddNode("add", new AddOp(), [x, b], ["sum"]).Outputs[0];
        g.AddNode("relu", new ReluOp(), [sum], ["r"]);
        g.Metadata["onnx.opset"] = "13";
        g.Metadata["producer"] = "somebody 1.0";
        g.Metadata["author"] = "tests";
        return g;
    }

    [Fact]
    public void WritesTheModelFieldsNamesAndShapes()
    {
        var m = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(BuiltGraph()));
        Assert.Equal(8, m.IrVersion);
        Assert.Equal(OnnxExporter.TargetOpset, 18);
        var opset = Assert.Single(m.OpsetImport);
        Assert.Equal("", opset.Domain);
        Assert.Equal(18, opset.Version);
        Assert.Equal("depthwise", m.ProducerName);
        var meta = Assert.Single(m.MetadataProps);
        Assert.Equal(("author", "tests"), (meta.Key, meta.Value));

        var g = m.Graph;
        Assert.Equal("built", g.Name);
        Assert.Equal(["add", "relu", "reshape"], g.Node.Select(n => n.Name));
        Assert.Equal(["Add", "Relu", "Reshape"], g.Node.Select(n => n.OpType));
        Assert.Equal(["x", "b"], g.Node[0].Input);
        Assert.Equal(["sum"], g.Node[0].Output);
        Assert.Equal(["r", "s"], g.Node[2].Input);

        Assert.Equal(["b", "s"], g.Initializer.Select(t => t.Name));
        var b = g.Initializer[0];
        Assert.Equal(1, b.DataType);
        Assert.Equal([4L], b.Dims);
        Assert.True(b.HasRawData);
        Assert.Empty(b.FloatData);
        Assert.Equal(new float[] { -1, 0, 1, 2 }, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(b.RawData.Span).ToArray());
        Assert.Equal(7, g.Initializer[1].DataType);

        var x = Assert.Single(g.Input);
        Assert.Equal("x", x.Name);
        Assert.Equal(1, x.Type.TensorType.ElemType);
        Assert.Equal("N", x.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(4, x.Type.TensorType.Shape.Dim[1].DimValue);

        var y = Assert.Single(g.Output);
        Assert.Equal("y", y.Name);
        Assert.Equal(1, y.Type.TensorType.ElemType);   // inferred: the graph was built without output types
        Assert.Null(y.Type.TensorType.Shape);
    }

    [Fact]
    public void ExportedFileImportsAndRunsTheSame()
    {
        var path = Path.Combine(_dir.FullName, "built.onnx");
        var original = BuiltGraph();
        OnnxExporter.Export(original, path);
        var session = InferenceSession.Load(path);
        Assert.Equal("N", session.Inputs[0].Shape![0].Name);
        Assert.Equal("tests", session.Graph.Metadata["author"]);
        Assert.Equal("18", session.Graph.Metadata["onnx.opset"]);
        var x = Tensor.FromArray(new Shape(3, 4), Enumerable.Range(0, 12).Select(i => i * 0.75f - 4).ToArray());
        var expected = new InferenceSession(original).Run(x)[0];
        var actual = session.Run(x)[0];
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.ToArray<float>(), actual.ToArray<float>());
        Assert.Equal(OnnxModels.AddReluReshapeReference(x.ToArray<float>()), actual.ToArray<float>());
    }

    [Fact]
    public void KeepsValueInfoOfIntermediateValues()
    {
        var m = OnnxModels.AddReluReshape();
        m.Graph.ValueInfo.Add(OnnxModels.Info("sum", OnnxModels.F32, "N", 4));
        var exported = ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(OnnxImporter.Import(m.ToByteArray())));
        var vi = Assert.Single(exported.Graph.ValueInfo);
        Assert.Equal("sum", vi.Name);
        Assert.Equal("N", vi.Type.TensorType.Shape.Dim[0].DimParam);
        var d0 = exported.Graph.Output[0].Type.TensorType.Shape.Dim[0];   // declared as an unnamed unknown dim
        Assert.Equal(TensorShapeProto.Types.Dimension.ValueOneofCase.None, d0.ValueCase);
    }

    /// <summary>Node tests whose ops exist now: import, export, re-import, and run both on the same inputs.</summary>
    [SkippableTheory]
    [InlineData("test_relu")]
    [InlineData("test_add")]
    [InlineData("test_add_bcast")]
    [InlineData("test_add_uint8")]
    [InlineData("test_reshape_negative_dim")]
    [InlineData("test_reshape_allowzero_reordered")]
    [InlineData("test_reshape_zero_and_negative_dim")]
    [InlineData("test_reshape_reordered_all_dims")]
    public void NodeTestModelsRoundTrip(string test)
    {
        var dir = Path.Combine(NodeTests.Root, test);
        Skip.IfNot(Directory.Exists(dir), $"ONNX node test {test} not found at {dir} (install Debian libonnx-testdata)");
        var original = OnnxImporter.Import(Path.Combine(dir, "model.onnx"));
        var bytes = OnnxExporter.ToBytes(original);
        var again = OnnxImporter.Import(bytes, "exported");

        Assert.Equal(original.Inputs.Select(v => (v.Name, v.DataType)), again.Inputs.Select(v => (v.Name, v.DataType)));
        Assert.Equal(original.Outputs.Select(v => v.Name), again.Outputs.Select(v => v.Name));
        Assert.Equal(original.Nodes.Select(n => (n.Name, n.Op.OpType)), again.Nodes.Select(n => (n.Name, n.Op.OpType)));

        // Official inputs, with float inputs replaced by seeded random values so the comparison is not only on one case.
        var rnd = new Random(test.Length);
        var inputs = Directory.GetFiles(Path.Combine(dir, "test_data_set_0"), "input_*.pb").Order(StringComparer.Ordinal)
            .Select(OnnxTestCase.ReadTensorFile)
            .Select(t => t.DataType == DataType.Float32
                ? Tensor.FromArray(t.Shape, Enumerable.Range(0, t.ElementCount).Select(_ => (float)(rnd.NextDouble() * 4 - 2)).ToArray())
                : t)
            .ToArray();
        var expected = new InferenceSession(original).Run(inputs);
        var actual = new InferenceSession(again).Run(inputs);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].DataType, actual[i].DataType);
            Assert.Equal(expected[i].Shape, actual[i].Shape);
            Assert.Equal(expected[i].Bytes.ToArray(), actual[i].Bytes.ToArray());
        }
        // And the exported model still passes the official test data.
        var caseDir = Directory.CreateDirectory(Path.Combine(_dir.FullName, test));
        File.WriteAllBytes(Path.Combine(caseDir.FullName, "model.onnx"), bytes);
        CopyDirectory(Path.Combine(dir, "test_data_set_0"), Path.Combine(caseDir.FullName, "test_data_set_0"));
        var r = OnnxTestCase.Run(caseDir.FullName);
        Assert.True(r.Status == TestCaseStatus.Pass, r.Message);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }

    private sealed class NoExportOp : Op
    {
        public override string OpType => "Mystery";
        public override void InferOutputs(OpContext ctx) => ctx.SetOutput(0, ctx.InputType(0), ctx.InputShape(0));
        public override Kernel CreateKernel(OpContext ctx) => CopyKernel.Instance;
    }

    [Fact]
    public void AnOpWithoutAnExportRowIsNamed()
    {
        var g = new Graph.Graph();
        var x = g.AddInput("x", DataType.Float32, [Dim.Known(2)]);
        var r = g.AddNode("relu", new ReluOp(), [x], ["r"]).Outputs[0];
        g.AddOutput(g.AddNode("mystery_node", new NoExportOp(), [r], ["y"]).Outputs[0]);
        var e = Assert.Throws<UnsupportedOperatorException>(() => OnnxExporter.ToBytes(g));
        Assert.Equal("mystery_node", e.NodeName);
        Assert.Equal("Mystery", e.OpType);
        Assert.Contains("no ONNX export", e.Message);
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "m.onnx")));
        Assert.Throws<UnsupportedOperatorException>(() => OnnxExporter.Export(g, Path.Combine(_dir.FullName, "m.onnx")));
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "m.onnx")));
    }

    [Fact]
    public void HelperNodesAndConstantsFromARowGoAroundTheNode()
    {
        var g = new Graph.Graph();
        var x = g.AddInput("x", DataType.Float32, [Dim.Known(2)]);
        g.AddConstant("relu/k", Tensor.Scalar(1f));   // the name the row's constant would take
        var r = g.AddNode("relu", new ReluOp(), [x, null], ["r"]).Outputs[0];
        g.AddOutput(g.AddNode("add", new AddOp(), [r, r], ["y"]).Outputs[0]);

        var reluRow = new OnnxOpRow("", "Relu", 6, typeof(ReluOp), _ => new ReluOp(), (_, e) =>
        {
            var k = e.Constant("k", Tensor.Scalar(2f));
            var scaled = e.FreshName("scaled");
            var pre = new NodeProto { Name = e.FreshName("pre"), OpType = "Mul" };
            pre.Input.Add(e.Inputs[0]);
            pre.Input.Add(k);
            pre.Output.Add(scaled);
            e.Before.Add(pre);
            e.Inputs[0] = scaled;
            var post = new NodeProto { Name = e.FreshName("post"), OpType = "Identity" };
            post.Input.Add(e.Outputs[0]);
            post.Output.Add(e.FreshName("copy"));
            e.After.Add(post);
        });
        var m = OnnxExporter.ToProto(g, t => t == typeof(ReluOp) ? reluRow : OnnxOpTable.FindExport(t));
        Assert.Equal(["Mul", "Relu", "Identity", "Add"], m.Graph.Node.Select(n => n.OpType));
        Assert.Equal(["relu/pre", "relu", "relu/post", "add"], m.Graph.Node.Select(n => n.Name));
        Assert.Equal(["relu/scaled"], m.Graph.Node[1].Input);   // the omitted trailing input is dropped
        Assert.Equal("relu/k_1", m.Graph.Node[0].Input[1]);
        Assert.Contains(m.Graph.Initializer, t => t.Name == "relu/k_1");
        Assert.DoesNotContain(m.Graph.Initializer, t => t.Name == "relu/k");   // unused constants are not written
    }

    [Fact]
    public void QuantizedValuesAreRefused()
    {
        var g = new Graph.Graph();
        var x = g.AddInput("x", DataType.UInt8, [Dim.Known(2)]);
        x.Quant = QuantParams.PerTensor(0.5f, 3);
        g.AddOutput(g.AddNode("relu", new ReluOp(), [x], ["y"]).Outputs[0]);
        var e = Assert.Throws<ModelFormatException>(() => OnnxExporter.ToBytes(g));
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidGraphsAreRejectedBeforeWriting()
    {
        var g = new Graph.Graph();
        var x = g.AddInput("x", DataType.Float32, [Dim.Known(2)]);
        g.AddOutput(g.AddNode("add", new AddOp(), [x, g.GetOrCreateValue("nowhere")], ["y"]).Outputs[0]);
        Assert.Contains("nowhere", Assert.Throws<ModelFormatException>(() => OnnxExporter.ToBytes(g)).Message);
    }
}
