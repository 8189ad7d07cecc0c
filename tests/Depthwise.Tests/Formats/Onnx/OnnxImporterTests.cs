using Depthwise.Formats.Onnx;
using Depthwise.Formats.Onnx.Proto;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Google.Protobuf;
using static Depthwise.Tests.Formats.Onnx.OnnxModels;

namespace Depthwise.Tests.Formats.Onnx;

public sealed class OnnxImporterTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("dw-onnx-import-");

    public void Dispose() => _dir.Delete(true);

    private static float[] Run(Graph.Graph g, float[] x, int batch) =>
        new InferenceSession(g).Run(Tensor.FromArray(new Shape(batch, 4), x))[0].ToArray<float>();

    [Fact]
    public void ImportsAModelAndRunsItForSeveralBatchSizes()
    {
        var g = OnnxImporter.Import(AddReluReshape().ToByteArray(), "m.onnx");
        var x = g.Inputs[0];
        Assert.Equal("x", x.Name);
        Assert.Equal(DataType.Float32, x.DataType);
        Assert.Equal("N", x.DeclaredShape![0].Name);
        Assert.False(x.DeclaredShape[0].IsKnown);
        Assert.Equal(4, x.DeclaredShape[1].Size);
        Assert.Equal("13", g.Metadata["onnx.opset"]);
        foreach (int n in new[] { 1, 3, 7 })
        {
            var data = Enumerable.Range(0, n * 4).Select(i => (float)(i % 5) - 2).ToArray();
            Assert.Equal(AddReluReshapeReference(data), Run(g, data, n));
        }
    }

    [Fact]
    public void ReadsExternalDataWithOffsetAndLength()
    {
        var m = AddReluReshape();
        var b = m.Graph.Initializer[0];
        var raw = b.RawData.ToByteArray();
        b.ClearRawData();
        b.DataLocation = TensorProto.Types.DataLocation.External;
        b.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights/b.bin" });
        b.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "12" });
        b.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "16" });
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "weights"));
        File.WriteAllBytes(Path.Combine(_dir.FullName, "weights/b.bin"), [.. new byte[12], .. raw, 1, 2, 3]);
        var path = Path.Combine(_dir.FullName, "model.onnx");
        File.WriteAllBytes(path, m.ToByteArray());

        var g = OnnxImporter.Import(path);
        Assert.Equal(new float[] { -1, 0, 1, 2 }, g.FindValue("b")!.Constant!.ToArray<float>());
        Assert.Equal(new float[] { 0, 1, 2, 3 }, Run(g, [1, 1, 1, 1], 1));

        // Without offset and length the tensor is read from the start of the file.
        b.ExternalData.Clear();
        b.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "b0.bin" });
        File.WriteAllBytes(Path.Combine(_dir.FullName, "b0.bin"), raw);
        File.WriteAllBytes(path, m.ToByteArray());
        Assert.Equal(new float[] { -1, 0, 1, 2 }, OnnxImporter.Import(path).FindValue("b")!.Constant!.ToArray<float>());
    }

    private ModelFormatException ExternalError(params (string Key, string Value)[] entries)
    {
        var m = AddReluReshape();
        var b = m.Graph.Initializer[0];
        b.ClearRawData();
        b.DataLocation = TensorProto.Types.DataLocation.External;
        foreach (var (k, v) in entries) b.ExternalData.Add(new StringStringEntryProto { Key = k, Value = v });
        var sub = Directory.CreateDirectory(Path.Combine(_dir.FullName, "model"));
        File.WriteAllBytes(Path.Combine(sub.FullName, "short.bin"), new byte[10]);
        File.WriteAllBytes(Path.Combine(_dir.FullName, "outside.bin"), new byte[16]);
        var path = Path.Combine(sub.FullName, "model.onnx");
        File.WriteAllBytes(path, m.ToByteArray());
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(path));
        Assert.Equal(path, e.File);
        Assert.Contains("initializer 'b'", e.Message);
        return e;
    }

    [Fact]
    public void RejectsBadExternalDataNamingFileAndInitializer()
    {
        Assert.Contains("does not exist", ExternalError(("location", "missing.bin")).Message);
        Assert.Contains("inside the model's folder", ExternalError(("location", "../outside.bin")).Message);
        Assert.Contains("inside the model's folder", ExternalError(("location", "sub/../../outside.bin")).Message);
        Assert.Contains("inside the model's folder", ExternalError(("location", Path.Combine(_dir.FullName, "outside.bin"))).Message);
        Assert.Contains("inside the model's folder", ExternalError(("location", "a\0b")).Message);
        Assert.Contains("without a location", ExternalError(("offset", "0")).Message);
        Assert.Contains("has 10 bytes", ExternalError(("location", "short.bin")).Message);
        Assert.Contains("has 10 bytes", ExternalError(("location", "short.bin"), ("offset", "8")).Message);
        Assert.Contains("has 10 bytes", ExternalError(("location", "short.bin"), ("offset", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture))).Message);
        Assert.Contains("bad external data offset", ExternalError(("location", "short.bin"), ("offset", "-4")).Message);
        Assert.Contains("bad external data offset", ExternalError(("location", "short.bin"), ("offset", "99999999999999999999999")).Message);
        Assert.Contains("bad external data length", ExternalError(("location", "short.bin"), ("length", "x")).Message);
        Assert.Contains("does not match", ExternalError(("location", "short.bin"), ("length", "8")).Message);
    }

    [Fact]
    public void RefusesExternalDataForAModelLoadedFromMemory()
    {
        var m = AddReluReshape();
        var b = m.Graph.Initializer[0];
        b.ClearRawData();
        b.DataLocation = TensorProto.Types.DataLocation.External;
        b.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "b.bin" });
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray(), "mem"));
        Assert.Contains("loaded from memory", e.Message);
    }

    [Fact]
    public void ValueInfoAnnotatesIntermediateValues()
    {
        var m = AddReluReshape();
        m.Graph.ValueInfo.Add(Info("sum", F32, "N", 4));
        m.Graph.ValueInfo.Add(Info("not_used_anywhere", F32, 3));
        var g = OnnxImporter.Import(m.ToByteArray());
        var sum = g.FindValue("sum")!;
        Assert.Equal(DataType.Float32, sum.DataType);
        Assert.Equal("N", sum.DeclaredShape![0].Name);
        Assert.Null(g.FindValue("not_used_anywhere"));

        m.Graph.ValueInfo.Add(Info("r", F32, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray(), "vi.onnx"));
        Assert.Contains("value_info 'r'", e.Message);
        Assert.Contains("vi.onnx", e.Message);
    }

    [Fact]
    public void ReadsDynamicDimensionsFromDimParamMinusOneOrNothing()
    {
        var m = AddReluReshape();
        m.Graph.Input[0] = Info("x", F32, -1, 4);
        Assert.False(OnnxImporter.Import(m.ToByteArray()).Inputs[0].DeclaredShape![0].IsKnown);
        m.Graph.Input[0] = Info("x", F32, null, 4);
        var g = OnnxImporter.Import(m.ToByteArray());
        Assert.False(g.Inputs[0].DeclaredShape![0].IsKnown);
        Assert.Equal(AddReluReshapeReference([5, -5, 0, 0, 1, 2, 3, 4]), Run(g, [5, -5, 0, 0, 1, 2, 3, 4], 2));
    }

    [Fact]
    public void Ir3ModelsListingInitializersAsInputsImportThemAsConstants()
    {
        var m = AddReluReshape();
        m.IrVersion = 3;
        m.Graph.Input.Add(Info("b", F32, 4));
        m.Graph.Input.Add(Info("s", I64, 2));
        var g = OnnxImporter.Import(m.ToByteArray());
        Assert.Single(g.Inputs);
        Assert.True(g.FindValue("b")!.IsConstant);
        Assert.Equal(AddReluReshapeReference([1, 2, 3, 4]), Run(g, [1, 2, 3, 4], 1));
    }

    [Fact]
    public void NodesInAnyOrderAreSortedAndCyclesAreRejected()
    {
        var m = AddReluReshape();
        var nodes = m.Graph.Node.Reverse().ToArray();
        m.Graph.Node.Clear();
        m.Graph.Node.AddRange(nodes);
        var g = OnnxImporter.Import(m.ToByteArray());
        Assert.Equal(["add", "relu", "reshape"], g.TopologicalOrder().Select(n => n.Name));
        Assert.Equal(AddReluReshapeReference([1, -2, 3, -4]), Run(g, [1, -2, 3, -4], 1));

        m = AddReluReshape();
        m.Graph.Node[0].Input[1] = "r";   // add reads relu's output, which reads add's output
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray(), "cycle.onnx"));
        Assert.Contains("cycle", e.Message);
        Assert.Contains("cycle.onnx", e.Message);
    }

    [Fact]
    public void DuplicateNamesAreRejectedNamingFileAndNode()
    {
        ModelFormatException Fails(Action<ModelProto> edit)
        {
            var m = AddReluReshape();
            edit(m);
            var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray(), "dup.onnx"));
            Assert.Equal("dup.onnx", e.File);
            return e;
        }
        Assert.Contains("defined twice", Fails(m => m.Graph.Initializer.Add(Floats("b", [1], 0))).Message);
        Assert.Contains("declared twice", Fails(m => m.Graph.Input.Add(Info("x", F32, 1, 4))).Message);
        var e = Fails(m => m.Graph.Node[1].Output[0] = "sum");
        Assert.Contains("node 'relu'", e.Message);
        Assert.Contains("also produced by node 'add'", e.Message);
        Assert.Contains("redefines a graph input", Fails(m => m.Graph.Node[1].Output[0] = "x").Message);
        Assert.Contains("redefines an initializer", Fails(m => m.Graph.Node[1].Output[0] = "b").Message);
        Assert.Contains("listed twice", Fails(m => m.Graph.Node[1].Output.Add("r")).Message);
        Assert.Contains("no name", Fails(m => m.Graph.Input.Add(Info("", F32, 1))).Message);
        Assert.Contains("no name", Fails(m => m.Graph.Initializer.Add(Floats("", [1], 0))).Message);

        // Duplicate node names are legal ONNX: the graph keeps both nodes under distinct names.
        var ok = AddReluReshape();
        ok.Graph.Node[1].Name = "add";
        var g = OnnxImporter.Import(ok.ToByteArray());
        Assert.Equal(3, g.Nodes.Select(n => n.Name).Distinct().Count());
    }

    [Fact]
    public void AttributesOfUnknownOrWrongTypeAreRejectedNamingNodeAndAttribute()
    {
        var m = AddReluReshape();
        m.Opset(14);
        var reshape = m.Graph.Node[2];
        reshape.Attribute.Add(new AttributeProto { Name = "allowzero", Type = (AttributeProto.Types.AttributeType)99, I = 1 });
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray(), "attr.onnx"));
        Assert.Contains("node 'reshape' (Reshape)", e.Message);
        Assert.Contains("'allowzero'", e.Message);
        Assert.Contains("attr.onnx", e.Message);

        reshape.Attribute[0] = new AttributeProto { Name = "allowzero", Type = AttributeProto.Types.AttributeType.Float, F = 1 };
        Assert.Contains("'allowzero'", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray())).Message);

        reshape.Attribute[0] = new AttributeProto { Name = "allowzero" };   // no type and no value
        Assert.Contains("'allowzero'", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray())).Message);

        // An old exporter's untyped attribute is typed by the field that carries its value.
        reshape.Attribute[0] = new AttributeProto { Name = "allowzero", I = 1 };
        Assert.True(((Depthwise.Ops.ReshapeOp)OnnxImporter.Import(m.ToByteArray()).Nodes[2].Op).AllowZero);
    }

    [Fact]
    public void UnknownOperatorsAndDomainsAreNamed()
    {
        var m = AddReluReshape();
        m.Graph.Node[1].OpType = "Frobnicate";
        var e = Assert.Throws<UnsupportedOperatorException>(() => OnnxImporter.Import(m.ToByteArray()));
        Assert.Equal("relu", e.NodeName);
        Assert.Equal("Frobnicate", e.OpType);

        m = AddReluReshape();
        m.Graph.Node[1].Domain = "com.example";
        var e2 = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray()));
        Assert.Contains("'com.example' is used but not imported", e2.Message);

        m = AddReluReshape();
        m.OpsetImport[0].Domain = "com.example";   // the default domain is not imported at all
        e2 = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray()));
        Assert.Contains("node 'add' (Add)", e2.Message);
        Assert.Contains("'ai.onnx' is used but not imported", e2.Message);

        m = AddReluReshape();
        m.Graph.Input[0].Type = new TypeProto { SequenceType = new TypeProto.Types.Sequence() };
        e2 = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray()));
        Assert.Contains("input 'x'", e2.Message);
        Assert.Contains("sequence type is not supported", e2.Message);

        m = AddReluReshape();
        m.OpsetImport.Clear();
        Assert.Contains("imports no opset", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray())).Message);

        m = AddReluReshape();
        m.OpsetImport[0].Version = 99;
        Assert.Contains("opset 99", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray())).Message);
    }

    [Fact]
    public void InitializersOfUnsupportedTypesFailOnlyWhenUsed()
    {
        var m = AddReluReshape();
        var d = new TensorProto { Name = "unused_double", DataType = F64 };
        d.Dims.Add(1);
        d.DoubleData.Add(1.5);
        m.Graph.Initializer.Add(d);
        Assert.Null(OnnxImporter.Import(m.ToByteArray()).FindValue("unused_double"));

        m.Graph.Node[1].Input.Add("unused_double");
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray(), "d.onnx"));
        Assert.Contains("initializer 'unused_double'", e.Message);
        Assert.Contains("DOUBLE", e.Message);
        Assert.Contains("node 'relu' (Relu)", e.Message);
        Assert.Equal("d.onnx", e.File);
    }

    [Fact]
    public void TypedDataFieldsAreReadAndCountsChecked()
    {
        var m = AddReluReshape();
        var b = new TensorProto { Name = "b", DataType = F32 };
        b.Dims.Add(4);
        b.FloatData.AddRange([-1f, 0, 1, 2]);
        m.Graph.Initializer[0] = b;
        Assert.Equal(new float[] { -1, 0, 1, 2 }, OnnxImporter.Import(m.ToByteArray()).FindValue("b")!.Constant!.ToArray<float>());
        b.FloatData.Add(3);
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray(), "f.onnx"));
        Assert.Contains("float_data holds 5 values", e.Message);
        Assert.Contains("initializer 'b'", e.Message);
    }
}

internal static class ModelProtoExtensions
{
    public static void Opset(this ModelProto m, long version) => m.OpsetImport[0].Version = version;
}
