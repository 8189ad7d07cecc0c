using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Runtime;

namespace Depthwise.Tests.Runtime;

/// <summary>The start-up warm-up network: it must run, and it must reach the kernels a MobileNet's first run needs.</summary>
public class BackgroundWarmupTests
{
    [Fact]
    public void TheWarmupNetworkRunsToAProbabilityVector()
    {
        var outputs = BackgroundWarmup.RunOnce();
        var p = Assert.Single(outputs).AsSpan<float>().ToArray();
        Assert.Equal(10, p.Length);
        Assert.All(p, v => Assert.True(float.IsFinite(v) && v > 0f));
        Assert.Equal(1f, p.Sum(), 4);
    }

    [Fact]
    public void ItHoldsTheMobileKernelShapesInOptimizedForm()
    {
        var graph = BackgroundWarmup.BuildNetwork();
        graph.Validate(null);
        var convs = graph.Nodes.Select(n => n.Op).OfType<ConvOp>().ToList();
        // Depthwise 3x3 and 5x5 at strides 1 and 2, channels-last, with fused activations; a 3x3 stride-2 stem; pointwise.
        var depthwise = convs.Where(c => c.Group > 1).Select(c => (c.KernelShape![0], c.Strides![0])).ToHashSet();
        Assert.Equal([(3, 1), (3, 2), (5, 1), (5, 2)], depthwise.Order());
        Assert.All(convs, c => Assert.Equal(ChannelLayout.ChannelsLast, c.Layout));
        Assert.Contains(convs, c => c.Group == 1 && c.KernelShape![0] == 3 && c.Strides![0] == 2);
        Assert.Contains(graph.Nodes, n => n.Op is ConvOp && n.Inputs.Length > ConvOp.ResidualInput && n.Inputs[ConvOp.ResidualInput] is not null);
        // It is what the optimizer would make of it: optimizing again changes no operator.
        var ops = graph.Nodes.Select(n => n.Op.OpType).ToList();
        var optimized = GraphOptimizer.Copy(graph);
        GraphOptimizer.OptimizeInPlace(optimized, OptimizationLevel.All);
        Assert.Equal(ops, optimized.Nodes.Select(n => n.Op.OpType).ToList());
    }
}
