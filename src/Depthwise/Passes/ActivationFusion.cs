using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Passes;

/// <summary>
/// Moves the activation that follows a Conv into it (<see cref="ConvOp.Activation"/>), so the output is activated
/// while it is still in registers: Relu, Clip with constant bounds (ReLU6), HardSwish, Sigmoid, and the two products
/// exporters write for the swish family — x · HardSigmoid(x; alpha = 1/6, beta = 1/2) (opset-13 hard-swish) becomes
/// HardSwish, x · Sigmoid(x) becomes SiLU. Only when the Conv has no activation yet and its output feeds nothing but
/// the pattern and is not a graph output. The activation's output value becomes the Conv's, so names downstream stay.
/// A Conv with a fused residual takes an activation too: it applies after the residual, as the Add → activation did.
/// </summary>
public sealed class ActivationFusion : IGraphPass
{
    /// <inheritdoc />
    public string Name => "ActivationFusion";

    /// <inheritdoc />
    public bool Run(Graph.Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        bool changed = false;
        foreach (var conv in graph.Nodes.ToArray())
        {
            if (conv.Op is not ConvOp op || !op.Activation.IsNone || conv.Outputs.Length != 1) continue;
            if (Match(graph, conv.Outputs[0]) is not { } m) continue;
            var output = m.Last.Outputs[0];
            foreach (var n in m.Nodes) GraphRewriter.Remove(graph, n);
            conv.Op = op.With(op.Layout, m.Activation);
            GraphRewriter.MoveOutput(conv, 0, output);
            changed = true;
        }
        return changed;
    }

    /// <summary>A matched activation: what it computes, the nodes it replaces, and the one whose output it takes over.</summary>
    private sealed record Pattern(ConvActivation Activation, Node[] Nodes, Node Last);

    /// <summary>The activation pattern reading <paramref name="y"/> (and nothing else reading it), or null.</summary>
    private static Pattern? Match(Graph.Graph graph, Value y)
    {
        if (GraphRewriter.IsGraphOutput(graph, y)) return null;
        var uses = GraphRewriter.Uses(graph, y);
        if (uses.Count == 1)
        {
            var n = uses[0].Node;
            if (uses[0].Input != 0 || n.Outputs.Length != 1) return null;
            ConvActivation? act = n.Op switch
            {
                ReluOp => ConvActivation.Relu,
                HardSwishOp => ConvActivation.HardSwish,
                SigmoidOp => ConvActivation.Sigmoid,
                ClipOp => ClipBounds(n),
                _ => null,
            };
            return act is { } a ? new Pattern(a, [n], n) : null;
        }
        if (uses.Count == 2)
        {
            // x · f(x): one use is f (Sigmoid, or HardSigmoid with the hard-swish constants), the other the Mul that
            // multiplies x by f's output, which only that Mul reads.
            foreach (var (gate, other) in new[] { (uses[0], uses[1]), (uses[1], uses[0]) })
            {
                var f = gate.Node;
                ConvActivation? act = f.Op switch
                {
                    SigmoidOp => ConvActivation.SiLU,
                    HardSigmoidOp h when h.Alpha == 1f / 6 && h.Beta == 0.5f => ConvActivation.HardSwish,
                    _ => null,
                };
                if (act is not { } a || gate.Input != 0 || f.Outputs.Length != 1) continue;
                var mul = other.Node;
                if (mul.Op is not MulOp || mul.Inputs.Length != 2 || mul == f) continue;
                if (mul.Inputs[1 - other.Input] != f.Outputs[0] || GraphRewriter.SoleConsumer(graph, f.Outputs[0]) != mul) continue;
                return new Pattern(a, [f, mul], mul);
            }
        }
        return null;
    }

    /// <summary>Clip's bounds when they are constant float32 scalars (absent = unbounded); null otherwise.</summary>
    private static ConvActivation? ClipBounds(Node clip)
    {
        float min = float.NegativeInfinity, max = float.PositiveInfinity;
        for (int i = 1; i <= 2; i++)
        {
            if (clip.Input(i) is not { } v) continue;
            if (v.Constant is not { DataType: DataType.Float32, ElementCount: 1 } c) return null;
            if (i == 1) min = c.AsSpan<float>()[0]; else max = c.AsSpan<float>()[0];
        }
        if (clip.Inputs.Length > 3) return null;
        return ConvActivation.Clip(min, max);
    }
}
