using Depthwise.Formats;
using Depthwise.Formats.Onnx;
using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Runtime;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Passes;

public class LayoutToChannelsLastTests
{
    private static int Transposes(Graph.Graph g) => g.Nodes.Count(n => n.Op is TransposeOp);

    private static bool AllChannelsLast(Graph.Graph g) =>
        g.Nodes.Where(n => n.Op is IChannelLayoutOp).All(n => ((IChannelLayoutOp)n.Op).Layout == ChannelLayout.ChannelsLast);

    [Fact]
    public void AConvNetBecomesChannelsLastWithOneTransposeAtTheInput()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", -1, 3, 9, 9);
        var a = t.Node(new ReluOp(), t.Node(new ConvOp { Strides = [2, 2], Pads = [1, 1, 1, 1] }, x, t.Const(1, 8, 3, 3, 3), t.Const(2, 8)));
        var p = t.Node(new MaxPoolOp { KernelShape = [2, 2], Pads = [0, 0, 1, 1] }, a);
        var b = t.Conv(t.Conv(p, 8, 8, depthwise: true, seed: 3), 8, 8, seed: 7);
        var s = t.Node(new ClipOp(), t.Node(new AddOp(), b, p), t.Scalar(0), t.Scalar(6));
        var bn = t.Node(new BatchNormalizationOp(), s, t.Const(Tensor.FromArray(new Shape(8), Enumerable.Repeat(1.5f, 8).ToArray())),
            t.Const(11, 8), t.Const(12, 8), t.Const(Tensor.FromArray(new Shape(8), Enumerable.Repeat(2f, 8).ToArray())));
        var gap = t.Node(new GlobalAveragePoolOp(), t.Node(new AveragePoolOp { KernelShape = [3, 3], Pads = [1, 1, 1, 1] }, bn));
        t.Output(t.Node(new GemmOp { TransB = true }, t.Node(new FlattenOp(), gap), t.Const(13, 10, 8), t.Const(14, 10)));
        Assert.True(t.RewriteKeepsOutputs(new LayoutToChannelsLast().Run, [Random(1, 2, 3, 9, 9)], tolerance: 1e-5));
        Assert.True(AllChannelsLast(t.Graph));
        Assert.Equal(1, Transposes(t.Graph));
        Assert.Equal(0, t.Count<ReshapeOp>());   // the GAP → NCHW transpose only moved dims of size 1, then Flatten made it moot
        Assert.False(new LayoutToChannelsLast().Run(t.Graph));
    }

    [Fact]
    public void TransposesMoveThroughConcatResizePadReduceSoftmaxAndSplit()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", -1, 4, 6, 6);
        var a = t.Conv(x, 4, 4, seed: 1);
        var b = t.Node(new SigmoidOp(), t.Conv(x, 4, 2, seed: 3));
        var cat = t.Node(new ConcatOp { Axis = -3 }, a, b);
        var up = t.Node(new ResizeOp { Mode = ResizeMode.Linear }, cat, null, t.Const(Tensor.FromArray(new Shape(4), new[] { 1f, 1, 2, 1.5f })));
        var pad = t.Node(new PadOp(), up, t.Const(Tensor.FromArray(new Shape(8), new long[] { 0, 0, 1, 0, 0, 0, 0, 2 })));
        var mean = t.Node(new ReduceMeanOp(), pad, t.Const(Tensor.FromArray(new Shape(2), new long[] { 2, -1 })));
        var scaled = t.Node(new MulOp(), pad, t.Node(new SigmoidOp(), mean));
        var soft = t.Node(new SoftmaxOp { Axis = 1 }, scaled);
        var split = t.Graph.AddNode("split", new SplitOp { Axis = 1 }, [soft, t.Const(Tensor.FromArray(new Shape(2), new long[] { 2, 4 }))], ["s0", "s1"]);
        t.Output(t.Conv(split.Outputs[0], 2, 3, seed: 9));
        t.Output(t.Node(new AddOp(), t.Conv(split.Outputs[1], 4, 3, seed: 11), t.Const(15, 3, 1, 1)));
        Assert.True(t.RewriteKeepsOutputs(new LayoutToChannelsLast().Run, [Random(1, 2, 4, 6, 6)], tolerance: 1e-5));
        Assert.True(AllChannelsLast(t.Graph), GraphDump.Of(t.Graph));
        Assert.True(3 == Transposes(t.Graph), GraphDump.Of(t.Graph));   // the input, and both outputs back to NCHW
        var resize = (ResizeOp)t.Graph.Nodes.Single(n => n.Op is ResizeOp).Op;
        Assert.Equal([0L, 3, 1, 2], resize.Axes);
        Assert.Equal(3, ((ConcatOp)t.Graph.Nodes.Single(n => n.Op is ConcatOp).Op).Axis);
        Assert.Equal(3, ((SoftmaxOp)t.Graph.Nodes.Single(n => n.Op is SoftmaxOp).Op).Axis);
    }

    [Fact]
    public void ComputedResizeSizesFollowThroughShape()
    {
        // The shape sub-graph PyTorch writes for interpolate(size=other.shape[2:]): it reads NCHW tensors that become
        // transposes; Shape(Transpose(x)) turns into Gather(Shape(x)), so the transposes can go.
        var t = new PassTestGraph();
        var x = t.Input("x", -1, 3, 8, 8);
        var high = t.Conv(t.Node(new ConvOp { Strides = [2, 2] }, x, t.Const(1, 4, 3, 1, 1)), 4, 4, seed: 3);
        var low = t.Conv(x, 3, 4, seed: 5);
        var shapeOfHigh = t.Node(new ShapeOp(), high);
        var nc = t.Node(new SliceOp(), shapeOfHigh, t.Const(Tensor.FromArray(new Shape(1), new long[] { 0 })), t.Const(Tensor.FromArray(new Shape(1), new long[] { 2 })));
        var hw = t.Node(new SliceOp(), t.Node(new ShapeOp(), low), t.Const(Tensor.FromArray(new Shape(1), new long[] { 2 })), t.Const(Tensor.FromArray(new Shape(1), new long[] { 4 })));
        var sizes = t.Node(new ConcatOp { Axis = 0 }, nc, hw);
        var up = t.Node(new ResizeOp { Mode = ResizeMode.Linear }, high, null, null, sizes);
        t.Output(t.Node(new AddOp(), up, low));
        Assert.True(t.RewriteKeepsOutputs(new LayoutToChannelsLast().Run, [Random(2, 2, 3, 8, 8)], tolerance: 1e-5));
        Assert.True(2 == Transposes(t.Graph), GraphDump.Of(t.Graph));
        Assert.True(AllChannelsLast(t.Graph));
    }

    [Fact]
    public void GraphOutputsKeepTheirLayoutAndNames()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 1, 2, 4, 4);
        var a = t.Conv(x, 2, 2);
        t.Output(a);
        var r = t.Node(new ReluOp(), a);
        t.Output(t.Conv(r, 2, 3, seed: 8));
        t.Output(r);
        var names = t.Graph.Outputs.Select(v => v.Name).ToArray();
        Assert.True(t.RewriteKeepsOutputs(new LayoutToChannelsLast().Run, [Random(2, 1, 2, 4, 4)], tolerance: 1e-5));
        Assert.Equal(names, t.Graph.Outputs.Select(v => v.Name));
        Assert.All(t.Graph.Outputs, v => Assert.IsType<TransposeOp>(v.Producer!.Op));
    }

    [Fact]
    public void LeavesGraphsWithoutAConvolutionNetworkAlone()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 1, 2, 4, 4);
        t.Output(t.Node(new MaxPoolOp { KernelShape = [2, 2] }, x));
        t.Output(t.Node(new ConvOp(), x, t.Input("w", 3, 2, 1, 1)));   // weights given at run time
        Assert.False(new LayoutToChannelsLast().Run(t.Graph));
        Assert.Equal(0, Transposes(t.Graph));
    }

    [Fact]
    public void SkipsNodesThatAreNot4DOrNeedChannelsFirst()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 1, 2, 4, 4);
        t.Output(t.Conv(x, 2, 2));
        var seq = t.Input("seq", 1, 2, 9);
        t.Output(t.Node(new ConvOp(), seq, t.Const(1, 2, 2, 3)));   // 1-D
        var withIndices = t.Graph.AddNode("argmax", new MaxPoolOp { KernelShape = [2, 2] }, [x], ["m", "i"]);
        t.Output(withIndices.Outputs[1]);
        Assert.True(t.RewriteKeepsOutputs(new LayoutToChannelsLast().Run, [Random(1, 1, 2, 4, 4), Random(2, 1, 2, 9)], tolerance: 1e-5));
        Assert.Equal(ChannelLayout.ChannelsFirst, ((ConvOp)t.Graph.Nodes.Single(n => n.Op is ConvOp && n.Inputs[0] == seq).Op).Layout);
        Assert.Equal(ChannelLayout.ChannelsFirst, ((MaxPoolOp)withIndices.Op).Layout);
    }

    [Fact]
    public void TransposePairsWrittenByTheModelCancelToo()
    {
        // A TensorFlow-style model: NHWC input, transposed to NCHW for ONNX's Conv.
        var t = new PassTestGraph();
        var x = t.Input("x", -1, 5, 5, 3);
        var nchw = t.Node(new TransposeOp { Perm = [0, 3, 1, 2] }, x);
        t.Output(t.Node(new TransposeOp { Perm = [0, 2, 3, 1] }, t.Conv(nchw, 3, 4)));
        Assert.True(t.RewriteKeepsOutputs(new LayoutToChannelsLast().Run, [Random(1, 2, 5, 5, 3)], tolerance: 1e-5));
        Assert.Equal(0, Transposes(t.Graph));
        Assert.Single(t.Graph.Nodes);
    }

    public static TheoryData<string> SpatialNodeTests => new()
    {
        "test_averagepool_2d_ceil", "test_averagepool_2d_default", "test_averagepool_2d_pads", "test_averagepool_2d_pads_count_include_pad",
        "test_averagepool_2d_precomputed_pads", "test_averagepool_2d_precomputed_pads_count_include_pad", "test_averagepool_2d_precomputed_same_upper",
        "test_averagepool_2d_precomputed_strides", "test_averagepool_2d_same_lower", "test_averagepool_2d_same_upper", "test_averagepool_2d_strides",
        "test_basic_conv_with_padding", "test_basic_conv_without_padding", "test_batchnorm_epsilon", "test_batchnorm_example",
        "test_conv_with_autopad_same", "test_conv_with_strides_and_asymmetric_padding", "test_conv_with_strides_no_padding", "test_conv_with_strides_padding",
        "test_globalaveragepool", "test_globalaveragepool_precomputed", "test_globalmaxpool", "test_globalmaxpool_precomputed",
        "test_maxpool_2d_ceil", "test_maxpool_2d_default", "test_maxpool_2d_dilations", "test_maxpool_2d_pads", "test_maxpool_2d_precomputed_pads",
        "test_maxpool_2d_precomputed_same_upper", "test_maxpool_2d_precomputed_strides", "test_maxpool_2d_same_lower", "test_maxpool_2d_same_upper",
        "test_maxpool_2d_strides", "test_maxpool_2d_uint8",
    };

    /// <summary>The ONNX node tests of the spatial operators, forced through the channels-last kernels.</summary>
    [SkippableTheory]
    [MemberData(nameof(SpatialNodeTests))]
    public void NodeTestsPassInChannelsLast(string test)
    {
        var dir = Path.Combine(NodeTests.Root, test);
        Skip.IfNot(Directory.Exists(dir), $"ONNX node test {test} not found under {NodeTests.Root}");
        var graph = ModelLoader.Load(Path.Combine(dir, "model.onnx"));
        Assert.True(new LayoutToChannelsLast { ConvolutionNetworksOnly = false }.Run(graph));
        Assert.True(AllChannelsLast(graph));
        var session = new InferenceSession(graph, new SessionOptions { OptimizationLevel = OptimizationLevel.None });
        foreach (var set in Directory.GetDirectories(dir, "test_data_set_*"))
        {
            var inputs = Enumerable.Range(0, session.Inputs.Count).Select(i => OnnxTestCase.ReadTensorFile(Path.Combine(set, $"input_{i}.pb"))).ToArray();
            var expected = OnnxTestCase.ReadTensorFile(Path.Combine(set, "output_0.pb"));
            var actual = session.Run(inputs)[0];
            Assert.Null(OnnxTestCase.Compare(actual, expected, OnnxTestCase.DefaultRtol, OnnxTestCase.DefaultAtol, out _));
        }
    }
}

/// <summary>
/// Every ONNX node test model through all passes, with the layout pass forced onto graphs without a convolution
/// network: no pass may throw, and every case that passes as imported must still pass.
/// </summary>
public class AllPassesOnNodeTests
{
    private sealed class ForcedLayout : IGraphPass
    {
        public string Name => "ForcedLayout";

        public bool Run(Graph.Graph graph) => new LayoutToChannelsLast { ConvolutionNetworksOnly = false }.Run(graph);
    }

    /// <summary>Null when the case passes on <paramref name="graph"/>, else why not.</summary>
    private static string? RunCase(string dir, Graph.Graph graph)
    {
        try
        {
            var session = new InferenceSession(graph, new SessionOptions { OptimizationLevel = OptimizationLevel.None });
            foreach (var set in Directory.GetDirectories(dir, "test_data_set_*"))
            {
                var inputs = Enumerable.Range(0, session.Inputs.Count).Select(i => OnnxTestCase.ReadTensorFile(Path.Combine(set, $"input_{i}.pb"))).ToArray();
                var outputs = session.Run(inputs);
                for (int i = 0; File.Exists(Path.Combine(set, $"output_{i}.pb")); i++)
                {
                    var expected = OnnxTestCase.ReadTensorFile(Path.Combine(set, $"output_{i}.pb"));
                    if (OnnxTestCase.Compare(outputs[i], expected, OnnxTestCase.DefaultRtol, OnnxTestCase.DefaultAtol, out _) is { } msg) return msg;
                }
            }
            return null;
        }
        catch (DepthwiseException e) { return e.Message; }
    }

    [SkippableFact]
    public void PassesNeverBreakANodeTest()
    {
        Skip.IfNot(Directory.Exists(NodeTests.Root), $"ONNX node tests not found at {NodeTests.Root}");
        var manager = new PassManager([.. GraphOptimizer.PassesFor(OptimizationLevel.All), new ForcedLayout()]);
        var broken = new List<string>();
        int compared = 0;
        foreach (var dir in Directory.GetDirectories(NodeTests.Root).Order(StringComparer.Ordinal))
        {
            Graph.Graph original, optimized;
            try
            {
                original = ModelLoader.Load(Path.Combine(dir, "model.onnx"));
                optimized = ModelLoader.Load(Path.Combine(dir, "model.onnx"));
            }
            catch (DepthwiseException) { continue; }
            manager.Run(optimized);   // must not throw
            optimized.Validate();
            if (RunCase(dir, original) is not null) continue;
            compared++;
            if (RunCase(dir, optimized) is { } why) broken.Add($"{Path.GetFileName(dir)}: {why}");
        }
        Assert.True(compared > 300, $"only {compared} node tests ran");
        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }
}
