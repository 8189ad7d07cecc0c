using Depthwise.Graph;

namespace Depthwise.Passes;

/// <summary>
/// The graph optimizations an <c>InferenceSession</c> applies (see <c>SessionOptions.OptimizationLevel</c>), also
/// usable on their own, e.g. to show a graph before and after. <see cref="Optimize"/> returns an optimized copy and
/// leaves its argument alone; <see cref="OptimizeInPlace"/> rewrites the graph it is given.
/// </summary>
public static class GraphOptimizer
{
    /// <summary>The passes of a level, in the order each round runs them.</summary>
    public static IReadOnlyList<IGraphPass> PassesFor(OptimizationLevel level) => level switch
    {
        OptimizationLevel.None => [],
        OptimizationLevel.Basic => [new ConstantFolding(), new DeadNodeElimination()],
        _ =>
        [
            new ConstantFolding(), new DeadNodeElimination(), new BatchNormFolding(), new ActivationFusion(),
            new ResidualAddFusion(), new LayoutToChannelsLast(), new SqueezeExciteFusion(),
        ],
    };

    /// <summary>An optimized copy of <paramref name="graph"/> (the argument is not changed; constants are shared, not copied).</summary>
    public static Graph.Graph Optimize(Graph.Graph graph, OptimizationLevel level)
    {
        var copy = Copy(graph);
        OptimizeInPlace(copy, level);
        return copy;
    }

    /// <summary>Optimizes <paramref name="graph"/> in place; returns what the passes did.</summary>
    public static PassManager.Result OptimizeInPlace(Graph.Graph graph, OptimizationLevel level)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return new PassManager(PassesFor(level)).Run(graph);
    }

    /// <summary>
    /// A structural copy: the same values, nodes, inputs, outputs and metadata, sharing the operators (immutable) and
    /// constant tensors (passes replace constants, they never write into them).
    /// </summary>
    public static Graph.Graph Copy(Graph.Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var copy = new Graph.Graph(graph.Name);
        foreach (var kv in graph.Metadata) copy.Metadata[kv.Key] = kv.Value;
        copy.ModelInfo = graph.ModelInfo;
        Value Map(Value v)
        {
            if (copy.FindValue(v.Name) is { } existing) return existing;
            var c = v.Constant is { } t ? copy.AddConstant(v.Name, t) : copy.GetOrCreateValue(v.Name);
            CopyInfo(v, c);
            return c;
        }
        foreach (var v in graph.Inputs) CopyInfo(v, copy.AddInput(v.Name, v.DataType, v.DeclaredShape));
        foreach (var n in graph.Nodes)
        {
            var inputs = n.Inputs.Select(v => v is null ? null : Map(v)).ToArray();
            var node = copy.AddNode(n.Name, n.Op, inputs, n.Outputs.Select(o => o.Name).ToArray());
            for (int i = 0; i < n.Outputs.Length; i++) CopyInfo(n.Outputs[i], node.Outputs[i]);
        }
        foreach (var v in graph.Outputs) copy.AddOutput(Map(v));
        return copy;
    }

    private static void CopyInfo(Value from, Value to)
    {
        to.DataType = from.DataType;
        to.DeclaredShape = from.DeclaredShape;
        to.Quant = from.Quant;
    }
}
