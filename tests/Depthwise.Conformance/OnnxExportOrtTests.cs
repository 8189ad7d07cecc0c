using Depthwise.Formats.Onnx;
using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Conformance;

/// <summary>Models written by <see cref="OnnxExporter"/> must load in ONNX Runtime and give Depthwise's answers.</summary>
public sealed class OnnxExportOrtTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("dw-export-ort-");

    public void Dispose() => _dir.Delete(true);

    /// <summary>
    /// out = Reshape(Relu((x + y) + b), [0, -1]), plus the intermediate sum as a second output; x has a dynamic batch.
    /// Built with the Graph API (no output types or shapes declared) so the exporter fills them in.
    /// </summary>
    private static Graph.Graph MultiOpGraph()
    {
        var g = new Graph.Graph("export_ort");
        var x = g.AddInput("x", DataType.Float32, [Dim.Unknown("batch"), Dim.Known(2), Dim.Known(3)]);
        var y = g.AddInput("y", DataType.Float32, [Dim.Known(3)]);
        var b = g.AddConstant("bias", Tensor.FromArray(new Shape(2, 1), new float[] { 0.25f, -0.5f }));
        var s = g.AddConstant("shape", Tensor.FromArray(new Shape(2), new long[] { 0, -1 }));
        var sum = g.AddNode("add_xy", new AddOp(), [x, y], ["sum"]).Outputs[0];
        var biased = g.AddNode("add_bias", new AddOp(), [sum, b], ["biased"]).Outputs[0];
        var r = g.AddNode("relu", new ReluOp(), [biased], ["relu_out"]).Outputs[0];
        g.AddOutput(g.AddNode("flatten", new ReshapeOp(), [r, s], ["out"]).Outputs[0]);
        g.AddOutput(sum);
        g.Metadata["purpose"] = "export test";
        return g;
    }

    [SkippableFact]
    public void OrtRunsTheExportedModelAndAgreesWithDepthwise()
    {
        Skip.If(OrtPeer.Unavailable is not null, OrtPeer.Unavailable);
        var graph = MultiOpGraph();
        var path = Path.Combine(_dir.FullName, "export_ort.onnx");
        OnnxExporter.Export(graph, path);

        var rnd = new Random(5);
        foreach (int batch in new[] { 1, 3 })
        {
            var x = Tensor.FromArray(new Shape(batch, 2, 3), Enumerable.Range(0, batch * 6).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray());
            var y = Tensor.FromArray(new Shape(3), Enumerable.Range(0, 3).Select(_ => (float)(rnd.NextDouble() * 2 - 1)).ToArray());
            var ours = new InferenceSession(graph).Run(x, y);
            var reloaded = InferenceSession.Load(path).Run(x, y);
            var theirs = OrtPeer.Run(path, [x, y]);

            Assert.Equal(new Shape(batch, 6), ours[0].Shape);
            Assert.Equal(ours[0].ToArray<float>(), reloaded[0].ToArray<float>());
            Assert.Equal(ours[1].ToArray<float>(), reloaded[1].ToArray<float>());
            Assert.Equal(ours[0].Shape, theirs["out"].Shape);
            Assert.Equal(ours[0].ToArray<float>(), theirs["out"].ToArray<float>());
            Assert.Equal(ours[1].Shape, theirs["sum"].Shape);
            Assert.Equal(ours[1].ToArray<float>(), theirs["sum"].ToArray<float>());
        }
    }
}
