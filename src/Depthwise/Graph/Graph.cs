using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Graph;

/// <summary>
/// The one intermediate representation every importer writes, every pass rewrites and the runtime compiles:
/// values (inputs, constants, intermediates), nodes holding typed operators, and the graph outputs.
/// </summary>
public sealed class Graph
{
    private readonly Dictionary<string, Value> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);
    private int _autoName;

    /// <summary>Creates an empty graph.</summary>
    public Graph(string name = "graph") => Name = name;

    /// <summary>Graph name.</summary>
    public string Name { get; set; }

    /// <summary>Nodes, in insertion order (not necessarily topological; see <see cref="TopologicalOrder"/>).</summary>
    public List<Node> Nodes { get; } = [];

    /// <summary>Graph inputs, in model order. Constants are not inputs.</summary>
    public List<Value> Inputs { get; } = [];

    /// <summary>Graph outputs, in model order.</summary>
    public List<Value> Outputs { get; } = [];

    /// <summary>Free-form model metadata (ONNX metadata_props, TFLite metadata, producer).</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// What the model file says about its use (normalization, labels, ...), when it says anything: TFLite metadata.
    /// Null for models without such metadata.
    /// </summary>
    public ModelMetadata? ModelInfo { get; set; }

    /// <summary>Every value by name.</summary>
    public IReadOnlyDictionary<string, Value> Values => _values;

    /// <summary>The value with this name, or null.</summary>
    public Value? FindValue(string name) => _values.GetValueOrDefault(name);

    /// <summary>The value with this name, created (with no producer and no type) when new.</summary>
    public Value GetOrCreateValue(string name)
    {
        if (!_values.TryGetValue(name, out var v))
        {
            v = new Value(this, name);
            _values.Add(name, v);
        }
        return v;
    }

    /// <summary>A name not yet used by any value, based on <paramref name="stem"/>.</summary>
    public string UniqueValueName(string stem)
    {
        if (!_values.ContainsKey(stem)) return stem;
        string n;
        do { n = $"{stem}_{++_autoName}"; } while (_values.ContainsKey(n));
        return n;
    }

    /// <summary>Declares a graph input.</summary>
    public Value AddInput(string name, DataType type, IReadOnlyList<Dim>? shape)
    {
        var v = GetOrCreateValue(name);
        if (v.Producer is not null || v.IsConstant || Inputs.Contains(v))
            throw new ModelFormatException($"graph input '{name}' is already defined", location: name);
        v.DataType = type;
        v.DeclaredShape = shape;
        Inputs.Add(v);
        return v;
    }

    /// <summary>Adds (or replaces the data of) a constant value.</summary>
    public Value AddConstant(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var v = GetOrCreateValue(name);
        if (v.Producer is not null)
            throw new ModelFormatException($"constant '{name}' is also produced by node '{v.Producer.Name}'", location: name);
        v.Constant = tensor;
        v.DataType = tensor.DataType;
        v.Quant ??= tensor.Quant;
        return v;
    }

    /// <summary>Marks a value as a graph output.</summary>
    public void AddOutput(Value value) => Outputs.Add(value);

    /// <summary>
    /// Adds a node. Output values are created by name; an output name already produced by another node is an error.
    /// Node names are made unique (an empty name gets a generated one).
    /// </summary>
    public Node AddNode(string? name, Op op, IReadOnlyList<Value?> inputs, IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(op);
        string nodeName = string.IsNullOrEmpty(name) ? $"{op.OpType}_{Nodes.Count}" : name;
        if (!_nodeNames.Add(nodeName))
        {
            string n;
            do { n = $"{nodeName}_{++_autoName}"; } while (!_nodeNames.Add(n));
            nodeName = n;
        }
        var outs = new Value[outputNames.Count];
        for (int i = 0; i < outs.Length; i++)
        {
            var v = GetOrCreateValue(outputNames[i]);
            if (v.Producer is not null)
                throw new ModelFormatException($"value '{v.Name}' is produced by both '{v.Producer.Name}' and '{nodeName}'", location: nodeName);
            if (v.IsConstant || Inputs.Contains(v))
                throw new ModelFormatException($"node output '{v.Name}' redefines a graph input or constant", location: nodeName);
            outs[i] = v;
        }
        var node = new Node(nodeName, op, inputs.ToArray(), outs);
        foreach (var v in outs) v.Producer = node;
        Nodes.Add(node);
        return node;
    }

    /// <summary>Removes a node (its outputs lose their producer). Consumers must already have been rewired.</summary>
    public void RemoveNode(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        Nodes.Remove(node);
        _nodeNames.Remove(node.Name);
        foreach (var v in node.Outputs)
        {
            if (v.Producer == node) v.Producer = null;
            if (!Outputs.Contains(v) && !IsUsed(v)) _values.Remove(v.Name);
        }
    }

    /// <summary>
    /// Forgets values nothing refers to any more (constants no node reads, e.g. weights a pass replaced): not a graph
    /// input or output, not produced or read by any node. Returns how many were removed.
    /// </summary>
    public int RemoveUnusedValues()
    {
        var live = new HashSet<Value>(Inputs);
        live.UnionWith(Outputs);
        foreach (var n in Nodes)
        {
            foreach (var v in n.Inputs) if (v is not null) live.Add(v);
            live.UnionWith(n.Outputs);
        }
        var dead = _values.Values.Where(v => !live.Contains(v)).ToArray();
        foreach (var v in dead) _values.Remove(v.Name);
        return dead.Length;
    }

    /// <summary>Makes every consumer of <paramref name="from"/> (and the graph outputs) read <paramref name="to"/> instead.</summary>
    public void ReplaceAllUses(Value from, Value to)
    {
        foreach (var n in Nodes)
            for (int i = 0; i < n.Inputs.Length; i++)
                if (n.Inputs[i] == from) n.Inputs[i] = to;
        for (int i = 0; i < Outputs.Count; i++)
            if (Outputs[i] == from) Outputs[i] = to;
    }

    /// <summary>True when some node or the graph outputs read <paramref name="v"/>.</summary>
    public bool IsUsed(Value v) => Outputs.Contains(v) || Nodes.Exists(n => Array.IndexOf(n.Inputs, v) >= 0);

    /// <summary>Nodes that read <paramref name="v"/>.</summary>
    public IEnumerable<Node> Consumers(Value v) => Nodes.Where(n => Array.IndexOf(n.Inputs, v) >= 0);

    /// <summary>
    /// Checks structure: every node input is a graph input, a constant or some node's output; graph outputs are defined;
    /// there is no cycle. Throws <see cref="ModelFormatException"/> naming the node and value otherwise.
    /// </summary>
    public void Validate(string? file = null)
    {
        var inputs = new HashSet<Value>(Inputs);
        foreach (var n in Nodes)
            foreach (var v in n.Inputs)
                if (v is not null && v.Producer is null && !v.IsConstant && !inputs.Contains(v))
                    throw new ModelFormatException($"input '{v.Name}' is not a graph input, an initializer or any node's output", file, $"node '{n.Name}' ({n.Op.OpType})");
        foreach (var v in Outputs)
            if (v.Producer is null && !v.IsConstant && !inputs.Contains(v))
                throw new ModelFormatException($"graph output '{v.Name}' is not produced by any node", file, v.Name);
        TopologicalOrder(file);
    }

    /// <summary>Nodes in an order where every node follows the producers of its inputs (stable: keeps insertion order where free).</summary>
    /// <exception cref="ModelFormatException">The graph has a cycle.</exception>
    public IReadOnlyList<Node> TopologicalOrder(string? file = null)
    {
        var index = new Dictionary<Node, int>(Nodes.Count);
        for (int i = 0; i < Nodes.Count; i++) index[Nodes[i]] = i;
        var pending = new int[Nodes.Count];
        var consumers = new List<int>[Nodes.Count];
        for (int i = 0; i < Nodes.Count; i++)
        {
            consumers[i] = [];
        }
        for (int i = 0; i < Nodes.Count; i++)
        {
            var seen = new HashSet<Node>();
            foreach (var v in Nodes[i].Inputs)
            {
                if (v?.Producer is { } p && index.TryGetValue(p, out int pi) && seen.Add(p))
                {
                    pending[i]++;
                    consumers[pi].Add(i);
                }
            }
        }
        var ready = new PriorityQueue<int, int>();
        for (int i = 0; i < Nodes.Count; i++) if (pending[i] == 0) ready.Enqueue(i, i);
        var order = new List<Node>(Nodes.Count);
        while (ready.TryDequeue(out int i, out _))
        {
            order.Add(Nodes[i]);
            foreach (int c in consumers[i]) if (--pending[c] == 0) ready.Enqueue(c, c);
        }
        if (order.Count != Nodes.Count)
        {
            var stuck = Nodes.First(n => !order.Contains(n));
            throw new ModelFormatException("the graph has a cycle", file, $"node '{stuck.Name}' ({stuck.Op.OpType})");
        }
        return order;
    }
}
