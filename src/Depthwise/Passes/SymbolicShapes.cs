using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Passes;

/// <summary>
/// Shapes of a graph's values as far as they are known before any input arrives: a rank and, per dim, a size or a
/// symbol. Passes use it to decide whether a rewrite is valid for every input the graph accepts (a 4-D tensor, two
/// operands of exactly the same shape, a transpose that only moves dims of size 1).
/// <para>
/// Operator shape rules are not repeated here: a node whose input shapes are all known is inferred by its own
/// <see cref="Op.InferOutputs"/>. Symbols only travel through a few rules that hold for every operator of a family:
/// elementwise ops keep or broadcast them, Transpose permutes them, and operators that treat dim 0 as an independent
/// batch (Conv, the pools, Gemm, Flatten at axis 1...) are inferred with the batch symbol set to 1 and get it back in
/// their output's dim 0. Every unknown dim carries a name; two dims are equal when both are known and equal or both
/// carry the same name (a named dynamic dim of the model, or the name given to an unknown where it first appeared).
/// </para>
/// </summary>
internal sealed class SymbolicShapes
{
    private readonly Dictionary<Value, Dim[]> _shapes = [];
    private readonly Dictionary<Value, Tensor> _constants = [];
    private readonly Dictionary<Value, DataType> _types = [];
    private int _fresh;

    private SymbolicShapes() { }

    /// <summary>The shape of <paramref name="v"/>, or null when not even its rank is known.</summary>
    public Dim[]? this[Value v] => v.Constant is { } c ? Known(c.Shape) : _shapes.GetValueOrDefault(v);

    /// <summary>The rank of <paramref name="v"/>, or -1 when unknown.</summary>
    public int Rank(Value v) => this[v]?.Length ?? -1;

    /// <summary>True when both shapes are known and equal dim by dim.</summary>
    public bool SameShape(Value a, Value b) => this[a] is { } x && this[b] is { } y && Same(x, y);

    /// <summary>True when both shapes have the same rank and every pair of dims is provably equal.</summary>
    public static bool Same(Dim[] a, Dim[] b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++) if (!Same(a[i], b[i])) return false;
        return true;
    }

    /// <summary>True when two dims are provably equal (known and equal, or the same symbol).</summary>
    public static bool Same(Dim a, Dim b) => a.IsKnown ? b.IsKnown && a.Size == b.Size : !b.IsKnown && a.Name is not null && a.Name == b.Name;

    /// <summary>Infers the shapes of every value of <paramref name="graph"/>.</summary>
    public static SymbolicShapes Infer(Graph.Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var s = new SymbolicShapes();
        foreach (var input in graph.Inputs)
        {
            if (input.DeclaredShape is not { } declared) continue;
            s._shapes[input] = declared.Select((d, i) => d.IsKnown || d.Name is not null ? d : Dim.Unknown($"{input.Name}[{i}]")).ToArray();
        }
        foreach (var node in graph.TopologicalOrder()) s.InferNode(node);
        return s;
    }

    private static Dim[] Known(Shape shape)
    {
        var dims = new Dim[shape.Rank];
        for (int i = 0; i < dims.Length; i++) dims[i] = Dim.Known(shape[i]);
        return dims;
    }

    private Dim Fresh() => Dim.Unknown($"?{++_fresh}");

    private void InferNode(Node node)
    {
        var ins = new Dim[]?[node.Inputs.Length];
        bool allKnown = true, allRanks = true;
        for (int i = 0; i < ins.Length; i++)
        {
            if (node.Inputs[i] is not { } v) continue;
            ins[i] = this[v];
            if (ins[i] is not { } dims) allRanks = false;
            else if (dims.Any(d => !d.IsKnown)) allKnown = false;
        }
        var op = node.Op;
        if (allRanks && allKnown && InferConcrete(node, ins)) return;
        if (allRanks && InferSymbolic(node, ins)) return;
        // Spatial operators keep the rank and the batch of their data even when the rest (e.g. Resize's computed
        // sizes) is unknown.
        if (op is IChannelLayoutOp or ResizeOp && node.Outputs.Length >= 1 && ins.Length > 0 && ins[0] is { } data)
        {
            var dims = new Dim[data.Length];
            for (int i = 0; i < dims.Length; i++) dims[i] = i == 0 && op is not ResizeOp ? data[0] : Fresh();
            Set(node, 0, dims);
        }
    }

    /// <summary>The rules that carry symbols (all input ranks known, some dims not); false when none applies.</summary>
    private bool InferSymbolic(Node node, Dim[]?[] ins)
    {
        var op = node.Op;
        if (ins.Length == 0 || ins[0] is null || node.Outputs.Length == 0) return false;
        switch (op)
        {
            case ShapeOp shape:
                {
                    // The shape of a shape depends on the rank only.
                    int length = shape.Compute(new Shape(new int[ins[0]!.Length])).ElementCount;
                    Set(node, 0, [Dim.Known(length)]);
                    _types[node.Outputs[0]] = DataType.Int64;
                    return true;
                }
            case ConcatOp concat when ins.All(x => x is not null):
                {
                    int rank = ins[0]!.Length;
                    if (concat.Axis < -rank || concat.Axis >= rank || ins.Any(x => x!.Length != rank)) return false;
                    int axis = concat.Axis < 0 ? concat.Axis + rank : concat.Axis;
                    var dims = new Dim[rank];
                    long total = 0;
                    bool known = true;
                    for (int d = 0; d < rank; d++)
                    {
                        if (d == axis) continue;
                        // Concat requires the other dims to agree: any known one is the size.
                        dims[d] = ins.Select(x => x![d]).FirstOrDefault(x => x.IsKnown, ins[0]![d]);
                    }
                    foreach (var x in ins) { if (x![axis].IsKnown) total += x[axis].Size; else known = false; }
                    dims[axis] = known ? Dim.Known((int)Math.Min(total, int.MaxValue)) : Fresh();
                    Set(node, 0, dims);
                    return true;
                }
        }
        switch (op)
        {
            case UnaryElementwiseOp or ClipOp or IdentityOp or BatchNormalizationOp or SoftmaxFamilyOp or DropoutOp:
                Set(node, 0, ins[0]!);
                return true;
            case QuantizeLinearOp or DequantizeLinearOp or QLinearLookupOp or QLinearSoftmaxOp:
                // Elementwise over input 0; the other inputs are scales and zero points.
                Set(node, 0, ins[0]!);
                return true;
            case QLinearAddOp or QLinearMulOp when ins.Length >= 2:
                if (Broadcast(ins[..2]) is not { } q) return false;
                Set(node, 0, q);
                return true;
            case WhereOp:
                if (Broadcast(ins) is not { } w) return false;
                _shapes[node.Outputs[0]] = w;
                if (node.Input(1) is { } a) _types[node.Outputs[0]] = TypeOf(a);
                return true;
            case BinaryElementwiseOp or VariadicElementwiseOp:
                if (Broadcast(ins) is not { } b) return false;
                Set(node, 0, b);
                return true;
            case TransposeOp t:
                {
                    var x = ins[0]!;
                    var perm = t.Perm?.ToArray() ?? Enumerable.Range(0, x.Length).Reverse().ToArray();
                    if (perm.Length != x.Length || perm.Any(p => p < 0 || p >= x.Length) || perm.Distinct().Count() != perm.Length) return false;
                    Set(node, 0, perm.Select(p => x[p]).ToArray());
                    return true;
                }
        }
        return PreservesBatch(node, ins) && InferWithBatchSymbol(node, ins);
    }

    /// <summary>
    /// Operators whose output dim 0 is input 0's dim 0 and whose other output dims do not depend on it — or, for Pad,
    /// is dim 0 plus its pads, which the inference with dim 0 = 1 detects (the output keeps the symbol only if its
    /// dim 0 is still 1).
    /// </summary>
    private static bool PreservesBatch(Node node, Dim[]?[] ins)
    {
        int rank = ins.Length > 0 && ins[0] is { } x ? x.Length : 0;
        bool NotAxisZero(long axis) => axis != 0 && axis != -rank;
        return node.Op switch
        {
            ConvOp or PoolOp or GlobalAveragePoolOp or GlobalMaxPoolOp or PadOp => true,
            FlattenOp f => f.Axis == 1,
            GemmOp g => !g.TransA,
            ConcatOp c => NotAxisZero(c.Axis),
            SplitOp s => NotAxisZero(s.Axis),
            ReduceOp r => node.Input(1)?.Constant is { } axes && axes.ElementCount > 0 && axes.ToInt64Array().All(NotAxisZero),
            ResizeOp r => r.Axes is null && node.Input(2)?.Constant is { ElementCount: > 0 } scales && scales.ToFloatArray()[0] == 1f,
            ReshapeOp r => !r.AllowZero && node.Input(1)?.Constant is { } spec && spec.ElementCount > 0 && spec.ToInt64Array()[0] == 0,
            _ => false,
        };
    }

    /// <summary>
    /// Infers a batch-preserving node whose only unknown dims are one symbol in dim 0 of its inputs: with the symbol
    /// as 1, then puts the symbol back in output dim 0.
    /// </summary>
    private bool InferWithBatchSymbol(Node node, Dim[]?[] ins)
    {
        string? symbol = null;
        var concrete = new Dim[]?[ins.Length];
        for (int i = 0; i < ins.Length; i++)
        {
            if (ins[i] is not { } dims) continue;
            var c = (Dim[])dims.Clone();
            for (int d = 0; d < c.Length; d++)
            {
                if (c[d].IsKnown) continue;
                if (d != 0 || (symbol is not null && symbol != c[d].Name)) return false;
                symbol = c[d].Name;
                c[d] = Dim.Known(1);
            }
            concrete[i] = c;
        }
        if (symbol is null || !InferConcrete(node, concrete)) return false;
        foreach (var o in node.Outputs)
            if (_shapes.GetValueOrDefault(o) is { Length: > 0 } dims && dims[0].IsKnown && dims[0].Size == 1)
                dims[0] = Dim.Unknown(symbol);
            else
                _shapes.Remove(o);
        foreach (var o in node.Outputs) _constants.Remove(o);
        return true;
    }

    /// <summary>Runs the operator's own shape rule for known input shapes; false (outputs unknown) when it rejects them.</summary>
    private bool InferConcrete(Node node, Dim[]?[] ins)
    {
        var states = new ValueState[ins.Length];
        var outs = new ValueState[node.Outputs.Length];
        for (int i = 0; i < outs.Length; i++) outs[i] = new ValueState();
        try
        {
            for (int i = 0; i < ins.Length; i++)
            {
                states[i] = new ValueState();
                if (ins[i] is not { } dims || node.Inputs[i] is not { } v) continue;
                states[i].IsPresent = true;
                states[i].Shape = new Shape(dims.Select(d => d.Size).ToArray());
                states[i].Type = TypeOf(v);
                states[i].Constant = v.Constant ?? _constants.GetValueOrDefault(v);
                states[i].Quant = v.Quant;
                if (states[i].Type == DataType.Undefined) return false;
            }
            node.Op.InferOutputs(new OpContext(node, states, outs));
        }
        catch (Exception e) when (e is DepthwiseException or ArgumentException or InvalidOperationException or IndexOutOfRangeException
                                  or OverflowException or NotSupportedException or ArithmeticException)
        {
            return false;
        }
        for (int i = 0; i < outs.Length; i++)
        {
            if (!outs[i].IsPresent) continue;
            _shapes[node.Outputs[i]] = Known(outs[i].Shape);
            _types[node.Outputs[i]] = outs[i].Type;
            if (outs[i].Constant is { } c) _constants[node.Outputs[i]] = c;
        }
        return true;
    }

    /// <summary>Numpy broadcasting of symbolic shapes; an unresolvable pair of dims gives a fresh unknown.</summary>
    private Dim[]? Broadcast(Dim[]?[] ins)
    {
        int rank = 0;
        foreach (var s in ins) if (s is not null) rank = Math.Max(rank, s.Length);
        var result = new Dim[rank];
        for (int d = 0; d < rank; d++)
        {
            Dim? acc = null;
            foreach (var s in ins)
            {
                if (s is null) continue;
                int at = d - (rank - s.Length);
                if (at < 0) continue;
                var x = s[at];
                if (acc is not { } a || (a.IsKnown && a.Size == 1)) acc = x;
                else if (x.IsKnown && x.Size == 1) { }
                else if (Same(a, x)) { }
                else if (a.IsKnown && x.IsKnown) return null;   // 3 vs 4: the node is invalid
                else acc = a.IsKnown ? a : x.IsKnown ? x : Fresh();   // a symbol broadcast against a size must be that size (or 1)
            }
            result[d] = acc ?? Dim.Known(1);
        }
        return result;
    }

    /// <summary>The element type of <paramref name="v"/> as far as known (Undefined when not).</summary>
    public DataType TypeOf(Value v) => v.Constant?.DataType ?? (_types.TryGetValue(v, out var t) ? t : v.DataType);

    /// <summary>Records output <paramref name="output"/>'s shape; its type is input 0's, except for casts and comparisons.</summary>
    private void Set(Node node, int output, Dim[] dims)
    {
        if (output >= node.Outputs.Length) return;
        var o = node.Outputs[output];
        _shapes[o] = dims;
        var type = node.Op switch
        {
            CastOp c => c.To,
            EqualOp => DataType.Bool,
            DequantizeLinearOp => DataType.Float32,
            QuantizeLinearOp q => node.Input(2) is { } zp ? TypeOf(zp) : q.OutputType,
            QLinearLookupOp { OutputType: not DataType.Undefined } l => l.OutputType,
            _ => node.Inputs.Length > 0 && node.Inputs[0] is { } x ? TypeOf(x) : DataType.Undefined,
        };
        if (type != DataType.Undefined) _types[o] = type;
    }
}
