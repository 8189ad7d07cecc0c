using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Runtime;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Passes;

public class PassManagerTests
{
    /// <summary>Reports a change the first <paramref name="times"/> runs, logging each run.</summary>
    private sealed class CountingPass(string name, int times, List<string> log) : IGraphPass
    {
        private int _left = times;

        public string Name => name;

        public bool Run(Graph.Graph graph)
        {
            log.Add(name);
            return _left-- > 0;
        }
    }

    [Fact]
    public void RunsThePassesInOrderUntilARoundChangesNothing()
    {
        var log = new List<string>();
        var manager = new PassManager([new CountingPass("a", 1, log), new CountingPass("b", 2, log)]);
        var result = manager.Run(new Graph.Graph());
        Assert.True(result.Converged);
        Assert.Equal(3, result.Rounds);
        Assert.Equal(["a", "b", "a", "b", "a", "b"], log);
        Assert.Equal(["1: a", "1: b", "2: b"], result.Changes);
    }

    [Fact]
    public void StopsAfterMaxRoundsWhenAPassNeverSettles()
    {
        var log = new List<string>();
        var result = new PassManager([new CountingPass("restless", int.MaxValue, log)], maxRounds: 4).Run(new Graph.Graph());
        Assert.False(result.Converged);
        Assert.Equal(4, result.Rounds);
        Assert.Equal(4, log.Count);
    }

    private static PassTestGraph SmallNet()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", -1, 3, 5, 5);
        var c = t.Node(new ConstantOp(Tensor.Scalar(6f)));
        var a = t.Node(new ClipOp(), t.Conv(x, 3, 4), t.Scalar(0), c);
        t.Output(t.Node(new GlobalAveragePoolOp(), t.Node(new AddOp(), t.Conv(t.Conv(a, 4, 4, depthwise: true, seed: 7), 4, 4, seed: 9), a)));
        return t;
    }

    [Fact]
    public void LevelsChooseThePasses()
    {
        Assert.Empty(GraphOptimizer.PassesFor(OptimizationLevel.None));
        Assert.Equal(["ConstantFolding", "DeadNodeElimination"], GraphOptimizer.PassesFor(OptimizationLevel.Basic).Select(p => p.Name));
        Assert.Equal(["ConstantFolding", "DeadNodeElimination", "BatchNormFolding", "ActivationFusion", "ResidualAddFusion", "LayoutToChannelsLast", "SqueezeExciteFusion"],
            GraphOptimizer.PassesFor(OptimizationLevel.All).Select(p => p.Name));

        var t = SmallNet();
        var input = Random(1, 2, 3, 5, 5);
        var expected = PassTestGraph.Run(t.Graph, input);
        var basic = GraphOptimizer.Optimize(t.Graph, OptimizationLevel.Basic);
        Assert.DoesNotContain(basic.Nodes, n => n.Op is ConstantOp);
        Assert.Contains(basic.Nodes, n => n.Op is ClipOp);
        PassTestGraph.AssertSame(expected, PassTestGraph.Run(basic, input));
        var all = GraphOptimizer.Optimize(t.Graph, OptimizationLevel.All);
        // Input transpose, conv + ReLU6, depthwise conv, pointwise conv + residual, GAP, and the GAP's [N, 1, 1, C] → [N, C, 1, 1]
        // for the NCHW graph output, which only moves dims of size 1: a Reshape.
        Assert.Equal(["Transpose", "Conv", "Conv", "Conv", "GlobalAveragePool", "Reshape"], all.Nodes.Select(n => n.Op.OpType));
        Assert.Equal(ConvActivation.Clip(0, 6), ((ConvOp)all.Nodes[1].Op).Activation);
        Assert.NotNull(all.Nodes[3].Input(ConvOp.ResidualInput));
        // The channels-last convolutions run the fast kernels (FMA): close, not bit-identical.
        PassTestGraph.AssertSame(expected, PassTestGraph.Run(all, input), tolerance: 1e-5);
    }

    [Fact]
    public void OptimizeCopiesAndInPlaceRewrites()
    {
        var t = SmallNet();
        int nodes = t.Graph.Nodes.Count;
        var names = t.Graph.Nodes.Select(n => n.Name).ToArray();
        var copy = GraphOptimizer.Copy(t.Graph);
        Assert.Equal(names, copy.Nodes.Select(n => n.Name));
        Assert.NotSame(t.Graph.Inputs[0], copy.Inputs[0]);
        Assert.Equal(t.Graph.Inputs[0].DeclaredShape, copy.Inputs[0].DeclaredShape);

        var optimized = GraphOptimizer.Optimize(t.Graph, OptimizationLevel.All);
        Assert.Equal(nodes, t.Graph.Nodes.Count);
        Assert.True(optimized.Nodes.Count < nodes);
        var result = GraphOptimizer.OptimizeInPlace(t.Graph, OptimizationLevel.All);
        Assert.True(result.Converged && result.Changed);
        Assert.Equal(optimized.Nodes.Count, t.Graph.Nodes.Count);
        Assert.False(GraphOptimizer.OptimizeInPlace(t.Graph, OptimizationLevel.All).Changed);
    }

    [Fact]
    public void SessionsOptimizeByDefaultAndLeaveTheCallersGraphAlone()
    {
        Assert.Equal(OptimizationLevel.All, new SessionOptions().OptimizationLevel);
        var t = SmallNet();
        int nodes = t.Graph.Nodes.Count;
        var input = Random(1, 1, 3, 5, 5);
        var session = new InferenceSession(t.Graph);
        Assert.Equal(nodes, t.Graph.Nodes.Count);
        Assert.NotSame(t.Graph, session.Graph);
        Assert.True(session.Graph.Nodes.Count < nodes);
        var none = new InferenceSession(t.Graph, new SessionOptions { OptimizationLevel = OptimizationLevel.None });
        Assert.Same(t.Graph, none.Graph);
        PassTestGraph.AssertSame(none.Run(input), session.Run(input), tolerance: 1e-5); // fast NHWC kernels: FMA rounding
    }

    [Fact]
    public void AnOptimizedGraphRunsWithoutAllocating()
    {
        // Fused epilogues, channels-last kernels, the input transpose and the output reshape: nothing allocates per run.
        var session = new InferenceSession(SmallNet().Graph);
        var inputs = new[] { Random(1, 2, 3, 5, 5) };
        var plan = session.GetPlan(inputs);
        var outs = new[] { Tensor.Zeros(plan.OutputTypes[0], plan.OutputShapes[0]) };
        session.Run(inputs, outs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) session.Run(inputs, outs);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
