using Depthwise.Graph;
using Depthwise.Runtime;

namespace Depthwise.Passes;

/// <summary>
/// Replaces every node whose inputs are all constants (initializers, Constant nodes, earlier folds) by its results,
/// computed by <see cref="ConstantEvaluator"/> — the operator's own kernel, run once, as the plan compiler does. Such
/// results do not depend on any input's shape, so they are folded once per graph; what needs the input shapes
/// (Shape → Gather → Reshape chains) is still folded by the plan compiler, per plan. Nodes the evaluator rejects
/// (invalid, not foldable, or results over <see cref="MaxFoldedBytes"/>) are left for the compiler to run or report.
/// </summary>
public sealed class ConstantFolding : IGraphPass
{
    /// <summary>Largest total size of one node's folded outputs (a fold may not blow a small model up).</summary>
    public const long MaxFoldedBytes = 64L << 20;

    /// <inheritdoc />
    public string Name => "ConstantFolding";

    /// <inheritdoc />
    public bool Run(Graph.Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        bool changed = false;
        foreach (var node in graph.TopologicalOrder())
        {
            if (!node.Inputs.All(v => v is null || v.IsConstant)) continue;
            if (!node.Outputs.Any(v => GraphRewriter.IsGraphOutput(graph, v) || graph.IsUsed(v))) continue;   // dead: left to DeadNodeElimination
            changed |= TryFold(graph, node);
        }
        return changed;
    }

    /// <summary>Folds one node whose inputs are all constant into constants; false when it cannot be folded.</summary>
    internal static bool TryFold(Graph.Graph graph, Node node)
    {
        if (ConstantEvaluator.TryFold(node, MaxFoldedBytes) is not { } results) return false;
        var outputs = node.Outputs;
        GraphRewriter.Remove(graph, node);
        for (int i = 0; i < outputs.Length; i++)
        {
            var quant = outputs[i].Quant;
            var v = graph.AddConstant(outputs[i].Name, results[i]);
            v.Quant = quant ?? results[i].Quant;
        }
        return true;
    }
}
