using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Runtime;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

/// <summary>
/// Conv's fused epilogue (residual input 3 and <see cref="ConvOp.Activation"/>): the reference kernel must compute
/// exactly what the separate Add and activation nodes compute, in both layouts, and the exporter must write it back
/// as those nodes.
/// </summary>
public class ConvOpFusionTests
{
    public static TheoryData<string> Activations => new() { "None", "Relu", "Clip", "ClipMinOnly", "HardSwish", "Sigmoid", "SiLU" };

    private static ConvActivation Activation(string name) => name switch
    {
        "Relu" => ConvActivation.Relu,
        "Clip" => ConvActivation.Clip(0, 6),
        "ClipMinOnly" => ConvActivation.Clip(-0.25f, float.PositiveInfinity),
        "HardSwish" => ConvActivation.HardSwish,
        "Sigmoid" => ConvActivation.Sigmoid,
        "SiLU" => ConvActivation.SiLU,
        _ => ConvActivation.None,
    };

    /// <summary>The unfused graph: Conv, then Add(residual) when asked, then the activation as ONNX nodes.</summary>
    private static Graph.Graph Unfused(ConvOp conv, ConvActivation act, Shape x, Tensor w, Tensor b, Shape? residual)
    {
        var g = new Graph.Graph("unfused");
        var xv = g.AddInput("x", DataType.Float32, x.ToArray().Select(Dim.Known).ToArray());
        var y = g.AddNode("conv", conv, [xv, g.AddConstant("w", w), g.AddConstant("b", b)], ["conv"]).Outputs[0];
        if (residual is { } rs)
        {
            var r = g.AddInput("r", DataType.Float32, rs.ToArray().Select(Dim.Known).ToArray());
            y = g.AddNode("add", new AddOp(), [y, r], ["add"]).Outputs[0];
        }
        y = act.Kind switch
        {
            ConvActivationKind.Relu => g.AddNode("act", new ReluOp(), [y], ["act"]).Outputs[0],
            ConvActivationKind.Clip => g.AddNode("act", new ClipOp(), [y, g.AddConstant("lo", Tensor.Scalar(act.Min)),
                float.IsPositiveInfinity(act.Max) ? null : g.AddConstant("hi", Tensor.Scalar(act.Max))], ["act"]).Outputs[0],
            ConvActivationKind.HardSwish => g.AddNode("act", new HardSwishOp(), [y], ["act"]).Outputs[0],
            ConvActivationKind.Sigmoid => g.AddNode("act", new SigmoidOp(), [y], ["act"]).Outputs[0],
            ConvActivationKind.SiLU => g.AddNode("mul", new MulOp(), [y, g.AddNode("act", new SigmoidOp(), [y], ["sig"]).Outputs[0]], ["act"]).Outputs[0],
            _ => y,
        };
        g.AddOutput(y);
        return g;
    }

    private static Tensor RunNone(Graph.Graph g, params Tensor[] inputs) =>
        new InferenceSession(g, new SessionOptions { OptimizationLevel = OptimizationLevel.None }).Run(inputs)[0];

    [Theory]
    [MemberData(nameof(Activations))]
    public void FusedEpilogueEqualsSeparateNodes(string activation)
    {
        var act = Activation(activation);
        // Depthwise (direct path) and pointwise (blocked path), with and without a residual, in both layouts.
        foreach (var (xd, wd, group, pads) in new[] { (new[] { 2, 6, 7, 5 }, new[] { 6, 1, 3, 3 }, 6, new[] { 1, 1, 1, 1 }), (new[] { 1, 5, 9, 15 }, new[] { 7, 5, 1, 1 }, 1, new[] { 0, 0, 0, 0 }) })
        {
            var x = Random(1, xd);
            var w = Random(2, wd);
            var b = Random(3, wd[0]);
            var conv = new ConvOp { Group = group, Pads = pads };
            var yShape = new Shape(xd[0], wd[0], xd[2], xd[3]);
            var r = Tensor.FromArray(yShape, Random(4, yShape.ToArray()).ToArray<float>().Select(v => v * 3).ToArray());
            foreach (bool withResidual in new[] { false, true })
            {
                var expected = withResidual ? RunNone(Unfused(conv, act, x.Shape, w, b, yShape), x, r) : RunNone(Unfused(conv, act, x.Shape, w, b, null), x);
                foreach (var layout in new[] { ChannelLayout.ChannelsFirst, ChannelLayout.ChannelsLast })
                {
                    var fused = conv.With(layout, act);
                    bool last = layout == ChannelLayout.ChannelsLast;
                    var xin = last ? ChannelsLastOpTests.ToNhwc(x) : x;
                    var rin = last ? ChannelsLastOpTests.ToNhwc(r) : r;
                    var y = ChannelsLastOpTests.RunUnoptimized(fused, withResidual ? [xin, w, b, rin] : [xin, w, b], 1, 2);
                    if (last) y = ChannelsLastOpTests.ToNchw(y);
                    Assert.Equal(expected.Shape, y.Shape);
                    // Channels-last with constant weights runs the fast kernels (FMA, other summation order): close,
                    // not bit-identical; channels-first runs the reference, which must match the separate nodes exactly.
                    if (last) AssertClose(expected.Shape, expected.ToArray<float>(), y, rtol: 1e-4, atol: 2e-5);
                    else Assert.Equal(expected.ToArray<float>(), y.ToArray<float>());
                }
            }
        }
    }

    [Fact]
    public void ResidualWithoutBiasAndShapeMismatch()
    {
        var x = Random(1, 1, 2, 4, 4);
        var w = Random(2, 3, 2, 1, 1);
        var r = Random(3, 1, 3, 4, 4);
        var y = GraphFactory.RunOp(new ConvOp(), [x, w, null, r])[0];
        var plain = GraphFactory.RunOp(new ConvOp(), [x, w])[0];
        Assert.Equal(plain.ToArray<float>().Zip(r.ToArray<float>(), (a, c) => a + c).ToArray(), y.ToArray<float>());
        var ex = Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ConvOp(), [x, w, null, Random(3, 1, 3, 1, 1)]));
        Assert.Contains("residual", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ActivationBoundsForMinMaxKernels()
    {
        Assert.True(ConvActivation.None.IsMinMax);
        Assert.Equal((float.NegativeInfinity, float.PositiveInfinity), ConvActivation.None.Bounds);
        Assert.Equal((0f, float.PositiveInfinity), ConvActivation.Relu.Bounds);
        Assert.Equal((0f, 6f), ConvActivation.Clip(0, 6).Bounds);
        Assert.False(ConvActivation.HardSwish.IsMinMax);
        Assert.Equal("Clip(0, 6)", ConvActivation.Clip(0, 6).ToString());
        Assert.Equal(3f, ConvActivation.HardSwish.Invoke(3f));
        Assert.Equal(0f, ConvActivation.Relu.Invoke(-2f));
    }
}
