using Depthwise.Formats.Onnx;
using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Passes;

/// <summary>
/// An optimized graph exports as plain ONNX: fused activations and residuals come back as their own nodes,
/// channels-last operators between transposes; re-imported, it computes what the optimized graph computes.
/// </summary>
public class OptimizedGraphExportTests
{
    [Fact]
    public void FusedAndChannelsLastNodesExportAsPlainOnnx()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", -1, 4, 6, 6);
        var a = t.Node(new ClipOp(), t.Conv(x, 4, 4, seed: 1), t.Scalar(0), t.Scalar(6));
        var b = t.Node(new HardSwishOp(), t.Node(new AddOp(), t.Conv(a, 4, 4, depthwise: true, seed: 3), a));
        var c0 = t.Conv(b, 4, 4, seed: 5);
        var c = t.Node(new MulOp(), c0, t.Node(new SigmoidOp(), c0));
        var d = t.Node(new SigmoidOp(), t.Conv(c, 4, 4, seed: 7));
        var e = t.Node(new ReluOp(), t.Conv(d, 4, 4, seed: 9));
        var pooled = t.Node(new MaxPoolOp { KernelShape = [2, 2], Strides = [2, 2] }, t.Node(new AveragePoolOp { KernelShape = [3, 3], Pads = [1, 1, 1, 1] }, e));
        var bn = t.Node(new BatchNormalizationOp(), pooled, t.Const(Tensor.FromArray(new Shape(4), [1f, 2, 3, 4])), t.Const(11, 4), t.Const(12, 4),
            t.Const(Tensor.FromArray(new Shape(4), [1f, 1, 2, 2])));
        t.Output(t.Node(new GlobalMaxPoolOp(), bn));
        t.Output(t.Node(new GlobalAveragePoolOp(), bn));

        var optimized = GraphOptimizer.Optimize(t.Graph, OptimizationLevel.All);
        var convs = optimized.Nodes.Where(n => n.Op is ConvOp).Select(n => (ConvOp)n.Op).ToArray();
        Assert.Equal([ConvActivationKind.Clip, ConvActivationKind.HardSwish, ConvActivationKind.SiLU, ConvActivationKind.Sigmoid, ConvActivationKind.Relu],
            convs.Select(op => op.Activation.Kind));
        Assert.All(optimized.Nodes.Where(n => n.Op is IChannelLayoutOp), n => Assert.Equal(ChannelLayout.ChannelsLast, ((IChannelLayoutOp)n.Op).Layout));

        var bytes = OnnxExporter.ToBytes(optimized);
        var model = Depthwise.Formats.Onnx.Proto.ModelProto.Parser.ParseFrom(bytes);
        Assert.All(model.Graph.Node.Where(n => n.OpType == "Conv"), n => Assert.True(n.Input.Count <= 3));
        foreach (var op in new[] { "Clip", "HardSwish", "Sigmoid", "Mul", "Relu", "Add", "Transpose" })
            Assert.Contains(model.Graph.Node, n => n.OpType == op);
        var reimported = OnnxImporter.Import(bytes, "exported");
        Assert.Equal(optimized.Outputs.Select(v => v.Name), reimported.Outputs.Select(v => v.Name));

        var input = Random(4, 2, 4, 6, 6);
        var expected = PassTestGraph.Run(t.Graph, input);
        // The optimized graph runs its channels-last convolutions on the fast kernels (FMA, another summation order):
        // close to the reference, not bit-identical.
        PassTestGraph.AssertSame(expected, PassTestGraph.Run(optimized, input), tolerance: 1e-5);
        PassTestGraph.AssertSame(expected, PassTestGraph.Run(reimported, input));
    }
}
