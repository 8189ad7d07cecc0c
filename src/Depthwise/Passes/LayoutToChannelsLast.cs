using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Passes;

/// <summary>
/// Switches a convolution network to the channels-last (NHWC) layout its kernels want, then removes the transposes
/// that needs. Graph inputs and outputs keep their ONNX (NCHW) layout: a transpose at the graph boundary stays.
/// <list type="number">
/// <item>Every 4-D channels-first Conv, QLinearConv, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool and
/// BatchNormalization (every <see cref="IChannelLayoutOp"/>) takes its NHWC form between Transpose(0,2,3,1) on its data inputs and Transpose(0,3,1,2) on its
/// output — correct at once, and no faster yet.</item>
/// <item>Transposes are then pushed towards the outputs until they meet their inverse: two transposes in a row
/// compose (and vanish when inverse); a transpose moves past layout-agnostic unary elementwise ops; past binary and
/// variadic elementwise ops whose other operands carry the same transpose or are constants (transposed here, after
/// unsqueezing to rank 4); past Concat and Split (axis remapped), Resize (its axes remapped, so computed sizes and
/// scales need no change), Pad (its axes input set), ReduceX with keepdims and Softmax (axes remapped); Shape of a
/// transpose becomes a Gather of the shape; a transpose of a constant is folded.</item>
/// <item>A transpose left that only moves dims of size 1 becomes a Reshape (no data movement), and a Reshape that only
/// feeds a Flatten(axis = 1) and keeps dim 0 is skipped.</item>
/// </list>
/// Only graphs with a convolution (float or quantized) whose weights are constant and 4-D are converted: without one there is no kernel
/// to gain anything, so single-operator graphs and non-vision graphs are left alone.
/// </summary>
public sealed class LayoutToChannelsLast : IGraphPass
{
    private static readonly int[] ToLast = [0, 2, 3, 1];
    private static readonly int[] ToFirst = [0, 3, 1, 2];

    /// <inheritdoc />
    public string Name => "LayoutToChannelsLast";

    /// <summary>
    /// True (the default) to convert only graphs with a Conv whose weights are constant and 4-D; tests set it false
    /// to run the channels-last kernels on any graph (e.g. the ONNX node tests).
    /// </summary>
    internal bool ConvolutionNetworksOnly { get; init; } = true;

    /// <inheritdoc />
    public bool Run(Graph.Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (ConvolutionNetworksOnly && !graph.Nodes.Any(n => n.Op is ConvOp or QLinearConvOp && n.Input(1)?.Constant is { Shape.Rank: 4 })) return false;
        bool changed = Convert(graph);
        changed |= OptimizeTransposes(graph);
        changed |= TransposesToReshapes(graph);
        return changed;
    }

    /// <summary>Step 1: wraps each eligible channels-first node as Transpose → NHWC node → Transpose.</summary>
    private static bool Convert(Graph.Graph graph)
    {
        var shapes = SymbolicShapes.Infer(graph);
        bool changed = false;
        foreach (var node in graph.Nodes.ToArray())
        {
            if (node.Op is not IChannelLayoutOp op || op.Layout != ChannelLayout.ChannelsFirst) continue;
            if (node.Outputs.Length != 1 || node.Input(0) is not { } x || shapes.Rank(x) != 4 || shapes.Rank(node.Outputs[0]) != 4) continue;
            if (node.Op is BatchNormalizationOp { Spatial: false }) continue;
            for (int i = 0; i < node.Inputs.Length; i++)
            {
                if (!op.IsLayoutInput(i) || node.Inputs[i] is not { } v) continue;
                var t = GraphRewriter.InsertBefore(graph, node, $"{node.Name}/to_nhwc_{i}", new TransposeOp { Perm = ToLast }, [v],
                    [graph.UniqueValueName($"{v.Name}_nhwc")]);
                t.Outputs[0].DataType = v.DataType;
                t.Outputs[0].Quant = PerTensor(v.Quant);
                node.Inputs[i] = t.Outputs[0];
            }
            node.Op = op.WithLayout(ChannelLayout.ChannelsLast);
            TransposeOutputs(graph, node, ToFirst);
            changed = true;
        }
        return changed;
    }

    /// <summary>
    /// Makes <paramref name="node"/> write fresh values and adds Transpose(<paramref name="perm"/>) nodes after it that
    /// write its former outputs, so every existing value keeps its meaning.
    /// </summary>
    private static void TransposeOutputs(Graph.Graph graph, Node node, int[] perm)
    {
        for (int k = 0; k < node.Outputs.Length; k++)
        {
            var old = node.Outputs[k];
            var fresh = GraphRewriter.NewValue(graph, $"{old.Name}_{(SameAs(perm, ToFirst) ? "nhwc" : "t")}", old.DataType);
            fresh.Quant = PerTensor(old.Quant);
            GraphRewriter.MoveOutput(node, k, fresh);
            GraphRewriter.InsertAfter(graph, node, $"{node.Name}/transpose_{k}", new TransposeOp { Perm = perm }, [fresh], [old.Name]);
        }
    }

    /// <summary>Step 2: composes, cancels, folds and pushes transposes until nothing moves.</summary>
    private static bool OptimizeTransposes(Graph.Graph graph)
    {
        bool changed = false;
        int budget = 16 * graph.Nodes.Count + 1000;   // each step moves a transpose forward; this only guards against a bug
        for (bool progress = true; progress && budget > 0;)
        {
            progress = false;
            foreach (var t in graph.Nodes.Where(n => n.Op is TransposeOp or IdentityOp).ToArray())
            {
                if (budget-- <= 0) break;
                if (!graph.Nodes.Contains(t)) continue;
                bool moved = t.Op is IdentityOp
                    ? t.Inputs.Length == 1 && t.Inputs[0] is { } source && t.Outputs.Length == 1 && Bypass(graph, t, source)
                    : Simplify(graph, t) || PushDown(graph, t);
                if (moved) { progress = true; changed = true; }
            }
            RemoveDead(graph);
        }
        return changed;
    }

    /// <summary>
    /// The quantization a transposed copy of a value keeps: per-tensor parameters do not depend on the layout
    /// (per-axis ones would have to follow the axis, so they are left to the operators' own inference).
    /// </summary>
    private static Tensors.QuantParams? PerTensor(Tensors.QuantParams? q) => q is { IsPerTensor: true } ? q : null;

    private static int[]? PermOf(Node t) =>
        t.Op is TransposeOp { Perm: { } p } ? p.ToArray() : null;

    private static bool SameAs(IReadOnlyList<int> a, IReadOnlyList<int> b) => a.Count == b.Count && a.SequenceEqual(b);

    private static bool IsIdentity(int[] p)
    {
        for (int i = 0; i < p.Length; i++) if (p[i] != i) return false;
        return true;
    }

    private static int[] Inverse(int[] p)
    {
        var inv = new int[p.Length];
        for (int i = 0; i < p.Length; i++) inv[p[i]] = i;
        return inv;
    }

    /// <summary>Identity, constant input, or a transpose of a transpose.</summary>
    private static bool Simplify(Graph.Graph graph, Node t)
    {
        if (PermOf(t) is not { } p || t.Input(0) is not { } x) return false;
        var y = t.Outputs[0];
        if (x.IsConstant) return ConstantFolding.TryFold(graph, t);
        if (IsIdentity(p)) return Bypass(graph, t, x);
        // The same transpose of the same value twice (e.g. a graph input read by two converted nodes): keep one.
        foreach (var (twin, _) in GraphRewriter.Uses(graph, x))
            if (twin != t && twin.Op is TransposeOp && PermOf(twin) is { } twinPerm && SameAs(twinPerm, p) && !GraphRewriter.IsGraphOutput(graph, y))
            {
                foreach (var (n, i) in GraphRewriter.Uses(graph, y)) n.Inputs[i] = twin.Outputs[0];
                GraphRewriter.Remove(graph, t);
                return true;
            }
        if (x.Producer is { Op: TransposeOp } t0 && PermOf(t0) is { } q && q.Length == p.Length)
        {
            var composed = new int[p.Length];
            for (int d = 0; d < p.Length; d++) composed[d] = q[p[d]];
            var z = t0.Inputs[0]!;
            if (IsIdentity(composed)) return Bypass(graph, t, z);
            t.Inputs[0] = z;
            t.Op = new TransposeOp { Perm = composed };
            return true;
        }
        return false;
    }

    /// <summary>
    /// Removes a node that copies <paramref name="source"/>: its readers read the source. When it writes a graph output,
    /// the source's producer writes that output instead if nothing else reads the source; else the node becomes an Identity.
    /// </summary>
    private static bool Bypass(Graph.Graph graph, Node t, Value source)
    {
        var y = t.Outputs[0];
        if (GraphRewriter.IsGraphOutput(graph, y))
        {
            if (source.Producer is { } producer && !GraphRewriter.IsGraphOutput(graph, source)
                && GraphRewriter.Uses(graph, source) is [var only] && only.Node == t)
            {
                GraphRewriter.Remove(graph, t);
                GraphRewriter.MoveOutput(producer, Array.IndexOf(producer.Outputs, source), y);
                return true;
            }
            if (t.Op is IdentityOp && t.Inputs[0] == source) return false;
            t.Op = new IdentityOp();
            t.Inputs = [source];
            return true;
        }
        foreach (var (n, i) in GraphRewriter.Uses(graph, y)) n.Inputs[i] = source;
        GraphRewriter.Remove(graph, t);
        return true;
    }

    /// <summary>Pushes transpose <paramref name="t"/> past each of its readers that allows it.</summary>
    private static bool PushDown(Graph.Graph graph, Node t)
    {
        if (PermOf(t) is not { } p || t.Input(0) is not { } x) return false;
        bool changed = false;
        foreach (var consumer in GraphRewriter.Uses(graph, t.Outputs[0]).Select(u => u.Node).Distinct().ToArray())
            if (consumer.Op is not TransposeOp && PushThrough(graph, t, p, x, consumer)) changed = true;
        return changed;
    }

    /// <summary>Rewrites <paramref name="c"/>, which reads y = Transpose(x, p), to compute on x and transposes its outputs.</summary>
    private static bool PushThrough(Graph.Graph graph, Node t, int[] p, Value x, Node c)
    {
        var y = t.Outputs[0];
        int rank = p.Length;
        bool OnlyData() { for (int i = 1; i < c.Inputs.Length; i++) if (c.Inputs[i] == y) return false; return c.Inputs[0] == y; }
        switch (c.Op)
        {
            case UnaryElementwiseOp or ClipOp or IdentityOp:
                if (!OnlyData() || c.Outputs.Length != 1) return false;
                c.Inputs[0] = x;
                break;
            case DropoutOp:
                if (!OnlyData() || c.Outputs.Length != 1) return false;
                c.Inputs[0] = x;
                break;
            case QuantizeLinearOp or DequantizeLinearOp or QLinearLookupOp:
                // Elementwise when per-tensor: every scale/zero-point input (1 and up) is a constant with one element.
                if (!OnlyData() || c.Outputs.Length != 1) return false;
                for (int i = 1; i < c.Inputs.Length; i++)
                    if (c.Inputs[i] is { } q && q.Constant is not { ElementCount: 1 }) return false;
                if (x.Quant is { IsPerTensor: false }) return false;
                c.Inputs[0] = x;
                break;
            case QLinearAddOp or QLinearMulOp when c.Inputs.Length == 2:
                {
                    var inputs = new Value?[2];
                    for (int i = 0; i < 2; i++)
                    {
                        if (c.Inputs[i] is not { } v) return false;
                        if (v == y) inputs[i] = x;
                        else if (v.Producer is { Op: TransposeOp } other && PermOf(other) is { } q && SameAs(q, p)) inputs[i] = other.Inputs[0];
                        else return false;
                    }
                    c.Inputs = inputs;
                    break;
                }
            case BinaryElementwiseOp or VariadicElementwiseOp or WhereOp:
                {
                    var inputs = new Value?[c.Inputs.Length];
                    for (int i = 0; i < inputs.Length; i++)
                    {
                        if (c.Inputs[i] is not { } v) return false;
                        if (v == y) inputs[i] = x;
                        else if (v.Producer is { Op: TransposeOp } other && PermOf(other) is { } q && SameAs(q, p)) inputs[i] = other.Inputs[0];
                        else if (v.Constant is { } k && TransposedConstant(graph, v, k, p) is { } tk) inputs[i] = tk;
                        else return false;
                    }
                    c.Inputs = inputs;
                    break;
                }
            case ConcatOp concat:
                {
                    if (concat.Axis < -rank || concat.Axis >= rank) return false;
                    var inputs = new Value?[c.Inputs.Length];
                    for (int i = 0; i < inputs.Length; i++)
                    {
                        if (c.Inputs[i] is not { } v) return false;
                        if (v == y) inputs[i] = x;
                        else if (v.Producer is { Op: TransposeOp } other && PermOf(other) is { } q && SameAs(q, p)) inputs[i] = other.Inputs[0];
                        else if (v.Constant is { Shape.Rank: var r } k && r == rank && TransposedConstant(graph, v, k, p) is { } tk) inputs[i] = tk;
                        else return false;
                    }
                    c.Inputs = inputs;
                    c.Op = new ConcatOp { Axis = p[Normalize(concat.Axis, rank)] };
                    break;
                }
            case SplitOp split:
                if (!OnlyData() || split.Axis < -rank || split.Axis >= rank) return false;
                c.Inputs[0] = x;
                c.Op = new SplitOp { Axis = p[Normalize(split.Axis, rank)], RequireEvenSplit = split.RequireEvenSplit };
                break;
            case ResizeOp resize:
                {
                    if (!OnlyData() || c.Outputs.Length != 1) return false;
                    var axes = resize.Axes?.ToArray() ?? Enumerable.Range(0, rank).Select(a => (long)a).ToArray();
                    if (axes.Any(a => a < -rank || a >= rank)) return false;
                    c.Inputs[0] = x;
                    c.Op = new ResizeOp
                    {
                        Mode = resize.Mode, CoordinateMode = resize.CoordinateMode, NearestMode = resize.NearestMode,
                        CubicCoeffA = resize.CubicCoeffA, ExcludeOutside = resize.ExcludeOutside, ExtrapolationValue = resize.ExtrapolationValue,
                        KeepAspectRatioPolicy = resize.KeepAspectRatioPolicy,
                        Axes = axes.Select(a => (long)p[Normalize(a, rank)]).ToArray(),
                    };
                    break;
                }
            case PadOp:
                {
                    if (!OnlyData() || c.Outputs.Length != 1) return false;
                    long[] axes;
                    if (c.Input(3) is { } axesValue)
                    {
                        if (axesValue.Constant is not { } a || !DataTypes.IsInteger(a.DataType)) return false;
                        axes = a.ToInt64Array();
                        if (axes.Any(v => v < -rank || v >= rank)) return false;
                    }
                    else axes = Enumerable.Range(0, rank).Select(a => (long)a).ToArray();
                    var remapped = Tensor.FromArray(new Shape(axes.Length), axes.Select(a => (long)p[Normalize(a, rank)]).ToArray());
                    var inputs = new Value?[4];
                    for (int i = 0; i < Math.Min(3, c.Inputs.Length); i++) inputs[i] = c.Inputs[i];
                    inputs[0] = x;
                    inputs[3] = GraphRewriter.NewConstant(graph, $"{c.Name}/axes", remapped);
                    c.Inputs = inputs;
                    break;
                }
            case ReduceOp reduce:
                {
                    if (!OnlyData() || !reduce.KeepDims || c.Outputs.Length != 1) return false;
                    if (c.Input(1) is { } axesValue)
                    {
                        if (axesValue.Constant is not { } a || !DataTypes.IsInteger(a.DataType) || a.Shape.Rank > 1) return false;
                        var axes = a.ToInt64Array();
                        if (axes.Any(v => v < -rank || v >= rank)) return false;
                        var remapped = Tensor.FromArray(new Shape(axes.Length), axes.Select(v => (long)p[Normalize(v, rank)]).ToArray());
                        c.Inputs[1] = GraphRewriter.NewConstant(graph, $"{c.Name}/axes", remapped);
                    }
                    c.Inputs[0] = x;
                    break;
                }
            case SoftmaxFamilyOp softmax:
                {
                    if (!OnlyData() || softmax.CoerceTo2D || softmax.Axis < -rank || softmax.Axis >= rank) return false;
                    int axis = p[Normalize(softmax.Axis, rank)];
                    c.Op = softmax is LogSoftmaxOp ? new LogSoftmaxOp { Axis = axis } : new SoftmaxOp { Axis = axis };
                    c.Inputs[0] = x;
                    break;
                }
            case ShapeOp { Start: 0, End: null }:
                {
                    // Shape(Transpose(x, p)) = Gather(Shape(x), p): the shape sub-graph no longer needs the transposed tensor.
                    if (c.Inputs.Length != 1) return false;
                    var output = c.Outputs[0];
                    var shape = GraphRewriter.InsertBefore(graph, c, $"{c.Name}/of_source", new ShapeOp(), [x], [graph.UniqueValueName($"{output.Name}_source")]);
                    shape.Outputs[0].DataType = DataType.Int64;
                    var indices = GraphRewriter.NewConstant(graph, $"{c.Name}/perm", Tensor.FromArray(new Shape(rank), p.Select(v => (long)v).ToArray()));
                    GraphRewriter.Remove(graph, c);
                    GraphRewriter.InsertAfter(graph, shape, c.Name, new GatherOp { Axis = 0 }, [shape.Outputs[0], indices], [output.Name]);
                    return true;
                }
            default:
                return false;
        }
        TransposeOutputs(graph, c, p);
        return true;
    }

    /// <summary>
    /// The constant that, read in x's layout, broadcasts like <paramref name="k"/> did against y = Transpose(x, p):
    /// k unsqueezed to rank 4 and transposed by p⁻¹ (folded with the Transpose kernel). A single element needs no change.
    /// </summary>
    private static Value? TransposedConstant(Graph.Graph graph, Value v, Tensor k, int[] p)
    {
        int rank = p.Length;
        // Per-axis quantization parameters would have to move with the axes: leave quantized constants alone.
        if (k.Shape.Rank > rank || k.Quant is not null || v.Quant is not null) return null;
        if (k.ElementCount == 1) return v;
        var dims = new int[rank];
        for (int d = 0; d < rank; d++) dims[d] = d < rank - k.Shape.Rank ? 1 : k.Shape[d - (rank - k.Shape.Rank)];
        var scratch = new Graph.Graph("constant");
        var c = scratch.AddConstant("k", k.Reshape(new Shape(dims)));
        var node = scratch.AddNode("transpose", new TransposeOp { Perm = Inverse(p) }, [c], ["kt"]);
        if (Runtime.ConstantEvaluator.TryFold(node, ConstantFolding.MaxFoldedBytes) is not { } result) return null;
        var value = GraphRewriter.NewConstant(graph, $"{v.Name}_t", result[0]);
        value.Quant = v.Quant;
        return value;
    }

    private static int Normalize(long axis, int rank) => (int)(axis < 0 ? axis + rank : axis);

    private static void RemoveDead(Graph.Graph graph)
    {
        // Transposes whose readers were all rewritten; other dead nodes are DeadNodeElimination's.
        foreach (var t in graph.Nodes.Where(n => n.Op is TransposeOp or ShapeOp).ToArray())
            if (!GraphRewriter.IsGraphOutput(graph, t.Outputs[0]) && !graph.IsUsed(t.Outputs[0])) GraphRewriter.Remove(graph, t);
    }

    /// <summary>Step 3: transposes that only move dims of size 1 become Reshapes; Reshape → Flatten(1) keeping dim 0 drops the Reshape.</summary>
    private static bool TransposesToReshapes(Graph.Graph graph)
    {
        bool changed = false;
        var shapes = SymbolicShapes.Infer(graph);
        foreach (var t in graph.Nodes.Where(n => n.Op is TransposeOp).ToArray())
        {
            if (PermOf(t) is not { } p || t.Input(0) is not { } x || shapes[x] is not { } dims || dims.Length != p.Length) continue;
            if (ReshapeSpec(dims, p) is not { } spec) continue;
            var specValue = GraphRewriter.NewConstant(graph, $"{t.Name}/shape", Tensor.FromArray(new Shape(spec.Length), spec));
            t.Op = new ReshapeOp();
            t.Inputs = [x, specValue];
            changed = true;
        }
        foreach (var r in graph.Nodes.Where(n => n.Op is ReshapeOp { AllowZero: false }).ToArray())
        {
            if (r.Input(1)?.Constant is not { } spec || spec.ElementCount == 0 || spec.ToInt64Array()[0] != 0) continue;
            if (GraphRewriter.IsGraphOutput(graph, r.Outputs[0])) continue;
            var uses = GraphRewriter.Uses(graph, r.Outputs[0]);
            if (uses.Count == 0 || uses.Any(u => u.Node.Op is not FlattenOp { Axis: 1 } || u.Input != 0)) continue;
            if (shapes.Rank(r.Inputs[0]!) < 2) continue;
            foreach (var (n, i) in uses) n.Inputs[i] = r.Inputs[0];
            GraphRewriter.Remove(graph, r);
            changed = true;
        }
        return changed;
    }

    /// <summary>
    /// The Reshape spec equal to Transpose(p) on a tensor of shape <paramref name="dims"/>, when the transpose keeps the
    /// order of every dim that may not be 1; null otherwise. Known dims are written out, an unknown dim that stays in
    /// place is 0 (copy), at most one other unknown dim is -1.
    /// </summary>
    private static long[]? ReshapeSpec(Dim[] dims, int[] p)
    {
        int last = -1;
        foreach (int src in p)
        {
            if (dims[src].IsKnown && dims[src].Size == 1) continue;
            if (src < last) return null;
            last = src;
        }
        var spec = new long[p.Length];
        bool inferred = false;
        for (int d = 0; d < p.Length; d++)
        {
            var dim = dims[p[d]];
            if (dim.IsKnown) spec[d] = dim.Size;
            else if (p[d] == d) spec[d] = 0;
            else if (!inferred) { spec[d] = -1; inferred = true; }
            else return null;
        }
        // A 0 copies the input dim; with a known 0-sized dim the spec would be ambiguous for -1, so keep it simple.
        if (dims.Any(x => x.IsKnown && x.Size == 0)) return null;
        return spec;
    }
}
