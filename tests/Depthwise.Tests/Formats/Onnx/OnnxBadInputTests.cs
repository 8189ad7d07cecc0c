using Depthwise.Formats;
using Depthwise.Formats.Onnx;
using Depthwise.Formats.Onnx.Proto;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Google.Protobuf;
using static Depthwise.Tests.Formats.Onnx.OnnxModels;

namespace Depthwise.Tests.Formats.Onnx;

/// <summary>Files that are not (valid) ONNX models, and inputs that do not fit: each must fail fast with a typed, specific error.</summary>
public sealed class OnnxBadInputTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("dw-onnx-bad-");

    public void Dispose() => _dir.Delete(true);

    private string Write(string name, byte[] bytes)
    {
        var p = Path.Combine(_dir.FullName, name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    /// <summary>Runs <paramref name="f"/> and asserts it threw <typeparamref name="T"/> having allocated less than <paramref name="maxBytes"/>.</summary>
    private static T ThrowsWithin<T>(long maxBytes, Action f) where T : Exception
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<T>(f);
        long used = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(used < maxBytes, $"allocated {used} bytes before failing");
        return e;
    }

    [Fact]
    public void TruncatedFilesFailWithAFormatError()
    {
        var bytes = AddReluReshape().ToByteArray();
        for (int len = 0; len < bytes.Length; len++)
        {
            var e = Record.Exception(() => OnnxImporter.Import(bytes.AsMemory(0, len), "cut.onnx"));
            Assert.True(e is DepthwiseException, $"cut at {len} of {bytes.Length}: {e}");
            Assert.Contains("cut.onnx", e.Message);
        }
        // Cut inside the graph's length-delimited field: the parser itself notices.
        var path = Write("cut.onnx", bytes[..(bytes.Length - 5)]);
        var pe = Assert.Throws<ModelFormatException>(() => InferenceSession.Load(path));
        Assert.Contains("protobuf", pe.Message);
        Assert.Equal(path, pe.File);
        Assert.StartsWith("byte ", pe.Location);
    }

    [Fact]
    public void RandomBytesFailWithAFormatError()
    {
        var rnd = new Random(11);
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[rnd.Next(1, 400)];
            rnd.NextBytes(bytes);
            Assert.ThrowsAny<DepthwiseException>(() => OnnxImporter.Import(bytes, "random"));
        }
    }

    [Fact]
    public void OtherFileKindsAreNamed()
    {
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];
        byte[] tflite = [0x1C, 0, 0, 0, (byte)'T', (byte)'F', (byte)'L', (byte)'3', 0x14, 0x00, 0x20, 0x00];
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F'];
        Assert.Contains("PNG image", Assert.Throws<ModelFormatException>(() => InferenceSession.Load(Write("cat.onnx", png))).Message);
        Assert.Contains("PNG image", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(png)).Message);
        Assert.Contains("JPEG image", Assert.Throws<ModelFormatException>(() => InferenceSession.Load(Write("cat.jpg", jpeg))).Message);
        Assert.Contains("TensorFlow Lite", Assert.Throws<ModelFormatException>(() => ModelLoader.Load(Write("m.tflite", tflite))).Message);
        Assert.Contains("TensorFlow Lite", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(tflite)).Message);
        var empty = Write("empty.onnx", []);
        var e = Assert.Throws<ModelFormatException>(() => InferenceSession.Load(empty));
        Assert.Contains("empty", e.Message);
        Assert.Equal(empty, e.File);
        Assert.Throws<FileNotFoundException>(() => InferenceSession.Load(Path.Combine(_dir.FullName, "nope.onnx")));
        Assert.Throws<FileNotFoundException>(() => OnnxImporter.Import(_dir.FullName));   // a folder is not a model file
        // A valid protobuf that is not a model (a serialized TensorProto), and a model without a graph.
        Assert.Contains("protobuf", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(Floats("t", [1], 1).ToByteArray())).Message);
        Assert.Contains("no graph", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(new ModelProto { IrVersion = 8 }.ToByteArray())).Message);
    }

    [Fact]
    public void AMissingInitializerIsADanglingInputNamingTheNode()
    {
        var m = AddReluReshape();
        m.Graph.Initializer.RemoveAt(0);   // "b"
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray(), "dangling.onnx"));
        Assert.Contains("'b'", e.Message);
        Assert.Contains("node 'add' (Add)", e.Message);
        Assert.Equal("dangling.onnx", e.File);

        m = AddReluReshape();
        m.Graph.Output[0].Name = "nothing";
        Assert.Contains("'nothing'", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(m.ToByteArray())).Message);
    }

    [Fact]
    public void InconsistentShapesFailAtPlanCompileNamingTheNode()
    {
        var m = AddReluReshape();
        m.Graph.Initializer[0] = Floats("b", [3], 1, 2, 3);   // [N,4] + [3] does not broadcast
        var session = new InferenceSession(OnnxImporter.Import(m.ToByteArray()));
        var e = Assert.Throws<ShapeMismatchException>(() => session.GetPlan([new Shape(2, 4)]));
        Assert.Equal("add", e.NodeName);
        Assert.Contains("[2,4]", e.Message);

        m = AddReluReshape();
        m.Graph.Initializer[1] = Int64s("s", [2], 3, 3);   // 4N elements cannot be 9
        session = new InferenceSession(OnnxImporter.Import(m.ToByteArray()));
        Assert.Equal("reshape", Assert.Throws<ShapeMismatchException>(() => session.Run(Tensor.Zeros(DataType.Float32, new Shape(1, 4)))).NodeName);
    }

    [Fact]
    public void TensorsClaimingATrillionElementsFailWithoutAllocating()
    {
        // An initializer whose dims claim 10^12 elements (with no data to back them).
        var m = AddReluReshape();
        var b = new TensorProto { Name = "b", DataType = F32 };
        b.Dims.AddRange([1_000_000, 1_000_000]);
        m.Graph.Initializer[0] = b;
        var bytes = m.ToByteArray();
        var e = ThrowsWithin<ModelFormatException>(1 << 20, () => OnnxImporter.Import(bytes, "big.onnx"));
        Assert.Contains("initializer 'b'", e.Message);

        b.Dims.Clear();
        b.Dims.Add(1_000_000_000_000);
        bytes = m.ToByteArray();
        ThrowsWithin<ModelFormatException>(1 << 20, () => OnnxImporter.Import(bytes, "big.onnx"));

        // Dims within the element limit whose typed data is missing: counted before the tensor is allocated.
        b.Dims.Clear();
        b.Dims.Add(200_000_000);
        bytes = m.ToByteArray();
        e = ThrowsWithin<ModelFormatException>(1 << 20, () => OnnxImporter.Import(bytes, "big.onnx"));
        Assert.Contains("float_data holds 0 values", e.Message);

        // A declared input of 10^12 elements, as one dim or as a product of dims.
        m = AddReluReshape();
        m.Graph.Input[0] = Info("x", F32, 1_000_000_000_000, 4);
        bytes = m.ToByteArray();
        Assert.Contains("input 'x'", ThrowsWithin<ModelFormatException>(1 << 20, () => OnnxImporter.Import(bytes, "big.onnx")).Message);
        m.Graph.Input[0] = Info("x", F32, 1_000_000, 1_000_000);
        bytes = m.ToByteArray();
        Assert.Contains("input 'x'", ThrowsWithin<ModelFormatException>(1 << 20, () => OnnxImporter.Import(bytes, "big.onnx")).Message);
    }

    [Fact]
    public void HugeClaimedLengthFieldsFailWithoutAllocating()
    {
        // ModelProto.graph (field 7, length-delimited) claiming 2 GB, followed by a few bytes.
        byte[] graphField = [0x3A, .. Varint(int.MaxValue - 1), 0x0A, 0x00];
        ThrowsWithin<ModelFormatException>(1 << 20, () => OnnxImporter.Import(graphField, "len.onnx"));

        // A well-formed model whose last initializer's raw_data (field 9) claims 1 GB but holds 4 bytes.
        var m = AddReluReshape();
        var valid = m.ToByteArray();
        byte[] tensor = [0x08, 0x04, 0x10, 0x01, 0x42, 0x01, (byte)'z', 0x4A, .. Varint(1 << 30), 1, 2, 3, 4];
        byte[] graph = [0x2A, .. Varint((ulong)tensor.Length), .. tensor];
        byte[] model = [.. valid, 0x3A, .. Varint((ulong)graph.Length), .. graph];   // a second graph field merges into the first
        var e = ThrowsWithin<ModelFormatException>(1 << 20, () => OnnxImporter.Import(model, "len.onnx"));
        Assert.Contains("protobuf", e.Message);

        // A packed float_data (field 4) claiming 1 GB.
        tensor = [0x08, 0x04, 0x10, 0x01, 0x42, 0x01, (byte)'z', 0x22, .. Varint(1 << 30), 0, 0, 0, 0];
        graph = [0x2A, .. Varint((ulong)tensor.Length), .. tensor];
        model = [.. valid, 0x3A, .. Varint((ulong)graph.Length), .. graph];
        ThrowsWithin<ModelFormatException>(1 << 20, () => OnnxImporter.Import(model, "len.onnx"));

        // Dims of an initializer: a packed int64 list claiming 2^60 entries.
        tensor = [0x0A, .. Varint(1UL << 60), 1, 2, 3];
        graph = [0x2A, .. Varint((ulong)tensor.Length), .. tensor];
        model = [.. valid, 0x3A, .. Varint((ulong)graph.Length), .. graph];
        ThrowsWithin<ModelFormatException>(1 << 20, () => OnnxImporter.Import(model, "len.onnx"));
    }

    [Fact]
    public void MalformedPackedFieldsFailWithAFormatError()
    {
        var valid = AddReluReshape().ToByteArray();
        byte[][] tensors =
        [
            [0x08, 0x01, 0x10, 0x01, 0x42, 0x01, (byte)'z', 0x22, 0x06, 0, 0, 0x80, 0x3F, 0, 0],   // float_data: 6 bytes
            [0x08, 0x01, 0x10, 0x07, 0x42, 0x01, (byte)'z', 0x3A, 0x02, 0xFF, 0xFF],               // int64_data: unfinished varint
            [0x0A, 0x03, 0xFF, 0xFF, 0xFF, 0x10, 0x01, 0x42, 0x01, (byte)'z'],                   // dims: unfinished varint
            [0x08, 0x01, 0x10, 0x01, 0x42, 0x01, (byte)'z', 0x4F],                                // a field with wire type 7
        ];
        foreach (var tensor in tensors)
        {
            byte[] graph = [0x2A, .. Varint((ulong)tensor.Length), .. tensor];
            byte[] model = [.. valid, 0x3A, .. Varint((ulong)graph.Length), .. graph];
            var e = Assert.ThrowsAny<DepthwiseException>(() => OnnxImporter.Import(model, "packed.onnx"));
            Assert.Contains("packed.onnx", e.Message);
        }
    }

    [Fact]
    public void DeeplyNestedMessagesFailWithAFormatError()
    {
        // Attribute graphs nested far beyond protobuf's recursion limit.
        byte[] inner = [];
        for (int i = 0; i < 200; i++)
        {
            byte[] attr = [0x32, .. Varint((ulong)inner.Length), .. inner];     // AttributeProto.g
            byte[] node = [0x2A, .. Varint((ulong)attr.Length), .. attr];       // NodeProto.attribute
            inner = [0x0A, .. Varint((ulong)node.Length), .. node];             // GraphProto.node
        }
        byte[] model = [0x3A, .. Varint((ulong)inner.Length), .. inner];
        Assert.Contains("protobuf", Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(model, "deep.onnx")).Message);
    }

    [Fact]
    public void WrongInputTypeOrShapeAtRunNamesTheInput()
    {
        var session = new InferenceSession(OnnxImporter.Import(AddReluReshape().ToByteArray()));
        var e = Assert.Throws<InputValidationException>(() => session.Run(Tensor.Zeros(DataType.Int64, new Shape(1, 4))));
        Assert.Equal("x", e.InputName);
        Assert.Contains("int64", e.Message);
        e = Assert.Throws<InputValidationException>(() => session.Run(Tensor.Zeros(DataType.Float32, new Shape(1, 5))));
        Assert.Equal("x", e.InputName);
        Assert.Contains("[1,5]", e.Message);
        e = Assert.Throws<InputValidationException>(() => session.Run(Tensor.Zeros(DataType.Float32, new Shape(4))));
        Assert.Equal("x", e.InputName);
        Assert.Throws<InputValidationException>(() => session.Run(new Dictionary<string, Tensor> { ["y"] = Tensor.Zeros(DataType.Float32, new Shape(1, 4)) }));
    }
}
