using Depthwise.Graph;

namespace Depthwise.Runtime;

/// <summary>
/// Static facts about a graph that need no input data: how many nodes of each operator type it has, and how many
/// parameters (elements of constant tensors that feed some node) it carries. Costs that depend on shapes (MACs,
/// activation memory) come from an <see cref="ExecutionPlan"/> instead.
/// </summary>
public sealed class ModelStatistics
{
    private ModelStatistics(int nodeCount, IReadOnlyList<KeyValuePair<string, int>> opHistogram, int parameterTensors, long parameterCount, long parameterBytes)
    {
        NodeCount = nodeCount;
        OpHistogram = opHistogram;
        ParameterTensors = parameterTensors;
        ParameterCount = parameterCount;
        ParameterBytes = parameterBytes;
    }

    /// <summary>Number of nodes in the graph.</summary>
    public int NodeCount { get; }

    /// <summary>Node count per operator type, most frequent first (ties by name, ordinal).</summary>
    public IReadOnlyList<KeyValuePair<string, int>> OpHistogram { get; }

    /// <summary>Number of distinct constant tensors read by at least one node.</summary>
    public int ParameterTensors { get; }

    /// <summary>Total elements of the distinct constant tensors read by at least one node.</summary>
    public long ParameterCount { get; }

    /// <summary>Total bytes of those tensors' data.</summary>
    public long ParameterBytes { get; }

    /// <summary>Computes the statistics of <paramref name="graph"/>. A constant read by several nodes counts once.</summary>
    public static ModelStatistics Compute(Graph.Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<Value>();
        long elements = 0, bytes = 0;
        foreach (var node in graph.Nodes)
        {
            counts[node.Op.OpType] = counts.GetValueOrDefault(node.Op.OpType) + 1;
            foreach (var v in node.Inputs)
            {
                if (v?.Constant is not { } c || !seen.Add(v)) continue;
                elements += c.ElementCount;
                bytes += c.Bytes.Length;
            }
        }
        var histogram = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
        return new ModelStatistics(graph.Nodes.Count, histogram, seen.Count, elements, bytes);
    }
}
