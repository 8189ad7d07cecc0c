using Depthwise.Formats.Onnx.Proto;
using Google.Protobuf;

namespace Depthwise.Cli.Tests;

/// <summary>Small ONNX models written with the protobuf classes, and copies of ONNX node-test folders.</summary>
internal static class TestModels
{
    /// <summary>Folder of the ONNX backend node tests (Debian libonnx-testdata).</summary>
    public const string NodeTests = "/usr/share/libonnx-testdata/data/node";

    /// <summary>Skips the calling test when the ONNX node tests are not installed.</summary>
    public static void RequireNodeTests() =>
        Skip.IfNot(Directory.Exists(NodeTests), $"ONNX node tests not found at {NodeTests} (install Debian libonnx-testdata)");

    /// <summary>Copies the node test <paramref name="name"/> to <paramref name="target"/> (a new folder).</summary>
    public static string CopyNodeTest(string name, string target)
    {
        var source = Path.Combine(NodeTests, name);
        foreach (var dir in Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
        return target;
    }

    /// <summary>The bias the small net adds: 0.5 + 0.25·i for i in 0..47.</summary>
    public static float[] Bias => Enumerable.Range(0, 48).Select(i => 0.5f + 0.25f * i).ToArray();

    /// <summary>
    /// x: float32[N,3,4,4] → Relu → Reshape(shape = [0,-1]) → Add(bias float32[48]) → output "out/logits:0" float32[N,48]
    /// (a name with characters that must be replaced in a file name). Constants: shape (2 int64) and bias (48 float32).
    /// <paramref name="reshapeTo"/> replaces the Reshape target (e.g. with one that does not fit, to break the plan).
    /// </summary>
    public static string WriteSmallNet(string path, long[]? reshapeTo = null)
    {
        var graph = new GraphProto { Name = "small_net" };
        graph.Input.Add(TensorInfo("x", 1, "N", 3, 4, 4));
        graph.Output.Add(TensorInfo("out/logits:0", 1, "N", 48));
        graph.Initializer.Add(new TensorProto { Name = "shape", DataType = 7, Dims = { 2 }, Int64Data = { reshapeTo ?? [0, -1] } });
        var bias = new TensorProto { Name = "bias", DataType = 1, Dims = { 48 } };
        bias.FloatData.Add(Bias);
        graph.Initializer.Add(bias);
        graph.Node.Add(Node("relu", "Relu", ["x"], ["r"]));
        graph.Node.Add(Node("flatten", "Reshape", ["r", "shape"], ["f"]));
        graph.Node.Add(Node("classifier", "Add", ["f", "bias"], ["out/logits:0"]));
        var model = new ModelProto { IrVersion = 8, ProducerName = "cli-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 14 });
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    /// <summary>The MACs of <see cref="WriteConvNet"/>: 8 output channels × 16×16 positions × 3 input channels × 3×3 taps.</summary>
    public const long ConvNetMacs = 8 * 16 * 16 * 3 * 3 * 3;

    /// <summary>
    /// x: float32[1,3,16,16] → Conv(8 filters 3×3, pads 1, bias) → Relu → GlobalAveragePool → Flatten → y float32[1,8]:
    /// a small net whose Conv does <see cref="ConvNetMacs"/> MACs.
    /// </summary>
    public static string WriteConvNet(string path)
    {
        var graph = new GraphProto { Name = "conv_net" };
        graph.Input.Add(TensorInfo("x", 1, 1, 3, 16, 16));
        graph.Output.Add(TensorInfo("y", 1, 1, 8));
        var rng = new Random(5);
        var w = new TensorProto { Name = "w", DataType = 1, Dims = { 8, 3, 3, 3 } };
        w.FloatData.Add(Enumerable.Range(0, 8 * 27).Select(_ => rng.NextSingle() - 0.5f));
        var b = new TensorProto { Name = "b", DataType = 1, Dims = { 8 } };
        b.FloatData.Add(Enumerable.Range(0, 8).Select(i => 0.1f * i));
        graph.Initializer.Add(w);
        graph.Initializer.Add(b);
        var conv = Node("conv", "Conv", ["x", "w", "b"], ["c"]);
        conv.Attribute.Add(new AttributeProto { Name = "kernel_shape", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 3, 3 } });
        conv.Attribute.Add(new AttributeProto { Name = "pads", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1, 1, 1, 1 } });
        graph.Node.Add(conv);
        graph.Node.Add(Node("relu", "Relu", ["c"], ["r"]));
        graph.Node.Add(Node("pool", "GlobalAveragePool", ["r"], ["p"]));
        graph.Node.Add(Node("flatten", "Flatten", ["p"], ["y"]));
        var model = new ModelProto { IrVersion = 8, ProducerName = "cli-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    /// <summary>
    /// Two inputs, two outputs of different types: q: uint8[1,1000] → Identity → "q_out" uint8[1,1000], and
    /// f: float32[2,3] → Relu → "f_out" float32[2,3]; for the reference-comparison rules (quantized and float).
    /// </summary>
    public static string WriteTwoOutputNet(string path)
    {
        var graph = new GraphProto { Name = "two_outputs" };
        graph.Input.Add(TensorInfo("q", 2, 1, 1000));
        graph.Input.Add(TensorInfo("f", 1, 2, 3));
        graph.Output.Add(TensorInfo("q_out", 2, 1, 1000));
        graph.Output.Add(TensorInfo("f_out", 1, 2, 3));
        graph.Node.Add(Node("copy", "Identity", ["q"], ["q_out"]));
        graph.Node.Add(Node("relu", "Relu", ["f"], ["f_out"]));
        var model = new ModelProto { IrVersion = 8, ProducerName = "cli-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 14 });
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    private static NodeProto Node(string name, string op, string[] inputs, string[] outputs)
    {
        var n = new NodeProto { Name = name, OpType = op };
        n.Input.Add(inputs);
        n.Output.Add(outputs);
        return n;
    }

    /// <summary>A tensor value_info; a string dim is symbolic, an int dim is known.</summary>
    private static ValueInfoProto TensorInfo(string name, int elemType, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string s ? new TensorShapeProto.Types.Dimension { DimParam = s } : new TensorShapeProto.Types.Dimension { DimValue = (int)d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } } };
    }
}
