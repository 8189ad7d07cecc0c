using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Runtime;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Passes;

/// <summary>
/// Builds small graphs for pass tests and checks a pass by running the graph before and after: the rewritten graph
/// must compute the same outputs (exactly, unless a tolerance is given).
/// </summary>
internal sealed class PassTestGraph
{
    private int _next;

    public Graph.Graph Graph { get; } = new("pass_test");

    /// <summary>A float32 graph input; -1 dims become the symbolic batch "N".</summary>
    public Value Input(string name, params int[] dims) =>
        Graph.AddInput(name, DataType.Float32, dims.Select(d => d < 0 ? Dim.Unknown("N") : Dim.Known(d)).ToArray());

    public Value Const(Tensor t) => Graph.AddConstant($"k{_next++}", t);

    public Value Const(int seed, params int[] dims) => Const(Random(seed, dims));

    public Value Scalar(float v) => Const(Tensor.Scalar(v));

    public Value Node(Op op, params Value?[] inputs) => Graph.AddNode($"{op.OpType.ToLowerInvariant()}{_next}", op, inputs, [$"v{_next++}"]).Outputs[0];

    public Node NodeOf(Value v) => v.Producer!;

    public void Output(Value v) => Graph.AddOutput(v);

    /// <summary>3×3 depthwise or 1×1 pointwise conv with constant weights and bias.</summary>
    public Value Conv(Value x, int cin, int cout, bool depthwise = false, int seed = 5)
    {
        var op = depthwise ? new ConvOp { Group = cin, Pads = [1, 1, 1, 1] } : new ConvOp();
        var w = depthwise ? Const(seed, cout, 1, 3, 3) : Const(seed, cout, cin, 1, 1);
        return Node(op, x, w, Const(seed + 1, cout));
    }

    public int Count<TOp>() where TOp : Op => Graph.Nodes.Count(n => n.Op is TOp);

    /// <summary>Runs <paramref name="graph"/> as is (no passes).</summary>
    public static Tensor[] Run(Graph.Graph graph, params Tensor[] inputs) =>
        new InferenceSession(graph, new SessionOptions { OptimizationLevel = OptimizationLevel.None }).Run(inputs);

    /// <summary>
    /// Runs the graph, applies <paramref name="rewrite"/> to it in place, validates it, runs it again on the same
    /// inputs and asserts equal outputs (to <paramref name="tolerance"/> relative to the largest magnitude). Returns
    /// whether the rewrite reported a change.
    /// </summary>
    public bool RewriteKeepsOutputs(Func<Graph.Graph, bool> rewrite, Tensor[] inputs, double tolerance = 0)
    {
        var before = Run(Graph, inputs);
        bool changed = rewrite(Graph);
        Graph.Validate();
        var after = Run(Graph, inputs);
        AssertSame(before, after, tolerance);
        return changed;
    }

    public static void AssertSame(Tensor[] expected, Tensor[] actual, double tolerance = 0)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Shape, actual[i].Shape);
            Assert.Equal(expected[i].DataType, actual[i].DataType);
            if (expected[i].DataType != DataType.Float32 || tolerance == 0)
            {
                Assert.Equal(expected[i].Bytes.ToArray(), actual[i].Bytes.ToArray());
                continue;
            }
            var e = expected[i].ToArray<float>();
            var a = actual[i].ToArray<float>();
            double scale = e.Max(v => Math.Abs(v));
            for (int k = 0; k < e.Length; k++)
                Assert.True(Math.Abs(a[k] - e[k]) <= tolerance * scale, $"output {i} element {k}: {a[k]} vs {e[k]}");
        }
    }
}

internal static class GraphDump
{
    /// <summary>One line per node: op, name, inputs → outputs (for test failure messages).</summary>
    public static string Of(Graph.Graph g) => string.Join("\n", g.TopologicalOrder().Select(n =>
        $"{n.Op.OpType}{(n.Op is IChannelLayoutOp l ? "[" + l.Layout + "]" : "")}{(n.Op is TransposeOp tr ? "[" + string.Join(",", tr.Perm ?? []) + "]" : "")} {n.Name}: " +
        $"{string.Join(", ", n.Inputs.Select(v => v?.Name ?? "-"))} -> {string.Join(", ", n.Outputs.Select(v => v.Name))}"));
}
