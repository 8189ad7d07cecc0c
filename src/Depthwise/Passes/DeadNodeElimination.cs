using Depthwise.Graph;

namespace Depthwise.Passes;

/// <summary>
/// Removes nodes none of whose outputs is read by another node or is a graph output (operators have no side
/// effects), repeatedly, so whole dead chains go; then forgets values nothing refers to (e.g. weights replaced by
/// folding). Graph inputs stay even when unused: they are the model's signature.
/// </summary>
public sealed class DeadNodeElimination : IGraphPass
{
    /// <inheritdoc />
    public string Name => "DeadNodeElimination";

    /// <inheritdoc />
    public bool Run(Graph.Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        bool removed = false;
        // Consumers come after producers, so one backward sweep removes whole chains.
        var order = graph.TopologicalOrder();
        var readCount = new Dictionary<Value, int>();
        foreach (var n in graph.Nodes) foreach (var v in n.Inputs) if (v is not null) readCount[v] = readCount.GetValueOrDefault(v) + 1;
        var outputs = new HashSet<Value>(graph.Outputs);
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var node = order[i];
            if (node.Outputs.Any(v => outputs.Contains(v) || readCount.GetValueOrDefault(v) > 0)) continue;
            foreach (var v in node.Inputs) if (v is not null) readCount[v]--;
            GraphRewriter.Remove(graph, node);
            removed = true;
        }
        bool pruned = graph.RemoveUnusedValues() > 0;
        return removed || pruned;
    }
}
