using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Passes;

/// <summary>
/// The edits passes make to a graph, each keeping it valid: add a node next to another, move a node's output to a
/// fresh value, detach a node. One rule keeps rewrites safe for callers and exporters alike: an existing value never
/// changes meaning — a rewrite gives new data new values, and the value a graph output or a model's value_info names
/// keeps holding what it held (in the layout it had).
/// </summary>
internal static class GraphRewriter
{
    /// <summary>A fresh value named after <paramref name="stem"/> with <paramref name="type"/>.</summary>
    public static Value NewValue(Graph.Graph graph, string stem, DataType type)
    {
        var v = graph.GetOrCreateValue(graph.UniqueValueName(stem));
        v.DataType = type;
        return v;
    }

    /// <summary>A new constant value named after <paramref name="stem"/>.</summary>
    public static Value NewConstant(Graph.Graph graph, string stem, Tensor tensor) => graph.AddConstant(graph.UniqueValueName(stem), tensor);

    /// <summary>Adds a node and places it just before <paramref name="anchor"/> in the node list.</summary>
    public static Node InsertBefore(Graph.Graph graph, Node anchor, string name, Op op, Value?[] inputs, string[] outputs)
    {
        var node = graph.AddNode(name, op, inputs, outputs);
        graph.Nodes.RemoveAt(graph.Nodes.Count - 1);
        graph.Nodes.Insert(graph.Nodes.IndexOf(anchor), node);
        return node;
    }

    /// <summary>Adds a node and places it just after <paramref name="anchor"/> in the node list.</summary>
    public static Node InsertAfter(Graph.Graph graph, Node anchor, string name, Op op, Value?[] inputs, string[] outputs)
    {
        var node = graph.AddNode(name, op, inputs, outputs);
        graph.Nodes.RemoveAt(graph.Nodes.Count - 1);
        graph.Nodes.Insert(graph.Nodes.IndexOf(anchor) + 1, node);
        return node;
    }

    /// <summary>
    /// Makes <paramref name="node"/> write output <paramref name="index"/> into <paramref name="value"/> (which must have
    /// no producer) and returns the value it wrote before, now without a producer: the caller gives it a new one, or
    /// rewires its consumers.
    /// </summary>
    public static Value MoveOutput(Node node, int index, Value value)
    {
        var old = node.Outputs[index];
        if (value.Producer is not null) throw new InvalidOperationException($"value '{value.Name}' already has a producer");
        if (old.Producer == node) old.Producer = null;
        node.Outputs[index] = value;
        value.Producer = node;
        return old;
    }

    /// <summary>
    /// Removes <paramref name="node"/> from the graph without touching its output values (they lose it as producer;
    /// values left unused are dropped later by <see cref="Graph.Graph.RemoveUnusedValues"/>).
    /// </summary>
    public static void Remove(Graph.Graph graph, Node node)
    {
        foreach (var v in node.Outputs) if (v.Producer == node) v.Producer = null;
        node.Outputs = [];
        graph.RemoveNode(node);
    }

    /// <summary>
    /// Every (node, input index) that reads <paramref name="v"/>.
    /// </summary>
    public static List<(Node Node, int Input)> Uses(Graph.Graph graph, Value v)
    {
        var uses = new List<(Node, int)>();
        foreach (var n in graph.Nodes)
            for (int i = 0; i < n.Inputs.Length; i++)
                if (n.Inputs[i] == v) uses.Add((n, i));
        return uses;
    }

    /// <summary>True when <paramref name="v"/> is a graph output (its name and meaning are the caller's contract).</summary>
    public static bool IsGraphOutput(Graph.Graph graph, Value v) => graph.Outputs.Contains(v);

    /// <summary>
    /// The one node reading <paramref name="v"/>, when exactly one input slot of the graph reads it and it is not a graph
    /// output; else null. What a fusion needs before it may swallow <paramref name="v"/>.
    /// </summary>
    public static Node? SoleConsumer(Graph.Graph graph, Value v)
    {
        if (IsGraphOutput(graph, v)) return null;
        var uses = Uses(graph, v);
        return uses.Count == 1 ? uses[0].Node : null;
    }

    /// <summary>Sorts the node list topologically (stable), so a rewritten graph reads in execution order.</summary>
    public static void SortNodes(Graph.Graph graph)
    {
        var order = graph.TopologicalOrder();
        graph.Nodes.Clear();
        graph.Nodes.AddRange(order);
    }
}
