using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Passes;

/// <summary>
/// Fuses the channels-last squeeze-and-excitation chain into one <see cref="SqueezeExciteOp"/>:
/// GlobalAveragePool(X) → Conv 1×1 (any fused activation) → Conv 1×1 → HardSigmoid → Mul(X, gate) (MobileNetV3), or
/// with the second Conv's fused Sigmoid as the gate (EfficientNet). Only when every intermediate value has the next node
/// as its sole reader and is no graph output, both Convs are channels-last, group 1, 1×1 with unit strides and
/// dilations and no pads, have constant float32 weights (and constant or absent biases) and no residual, the second
/// Conv maps back to X's channels, and the Mul's other operand is the pool's input X. The Mul node becomes the fused
/// node (its output value, and so every name downstream, stays). Runs after ActivationFusion and LayoutToChannelsLast.
/// </summary>
public sealed class SqueezeExciteFusion : IGraphPass
{
    /// <inheritdoc />
    public string Name => "SqueezeExciteFusion";

    /// <inheritdoc />
    public bool Run(Graph.Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        bool changed = false;
        foreach (var mul in graph.Nodes.ToArray())
        {
            if (mul.Op is not MulOp || mul.Inputs.Length != 2 || mul.Outputs.Length != 1) continue;
            for (int side = 0; side < 2; side++)
            {
                if (Match(graph, mul, side) is not { } m) continue;
                var x = mul.Inputs[1 - side]!;
                foreach (var n in m.Removed) GraphRewriter.Remove(graph, n);
                mul.Op = m.Op;
                mul.Inputs = [x, m.Reduce.Inputs[1], m.Reduce.Input(2), m.Expand.Inputs[1], m.Expand.Input(2)];
                changed = true;
                break;
            }
        }
        return changed;
    }

    private sealed record Pattern(SqueezeExciteOp Op, Node Reduce, Node Expand, Node[] Removed);

    /// <summary>The chain ending in <paramref name="mul"/>'s input <paramref name="side"/> (the gate), or null.</summary>
    private static Pattern? Match(Graph.Graph graph, Node mul, int side)
    {
        var gate = mul.Inputs[side];
        var x = mul.Inputs[1 - side];
        if (gate is null || x is null || gate == x || GraphRewriter.SoleConsumer(graph, gate) != mul) return null;
        // The gate: HardSigmoid after a plain Conv, or a Conv with a fused Sigmoid.
        Node expand;
        Node? hardSigmoid = null;
        SqueezeExciteGate kind;
        float alpha = 0.2f, beta = 0.5f;
        if (gate.Producer is { Op: HardSigmoidOp hs } hsNode && hsNode.Outputs.Length == 1 && hsNode.Inputs.Length == 1)
        {
            hardSigmoid = hsNode;
            var y2 = hsNode.Inputs[0];
            if (y2?.Producer is not { Op: ConvOp { Activation.IsNone: true } } conv2 || GraphRewriter.SoleConsumer(graph, y2) != hsNode) return null;
            expand = conv2;
            kind = SqueezeExciteGate.HardSigmoid;
            alpha = hs.Alpha;
            beta = hs.Beta;
        }
        else if (gate.Producer is { Op: ConvOp { Activation.Kind: ConvActivationKind.Sigmoid } } conv2)
        {
            expand = conv2;
            kind = SqueezeExciteGate.Sigmoid;
        }
        else return null;
        if (!IsPointwise(expand)) return null;
        var h = expand.Inputs[0];
        if (h?.Producer is not { } reduce || !IsPointwise(reduce) || GraphRewriter.SoleConsumer(graph, h) != expand) return null;
        var s = reduce.Inputs[0];
        if (s?.Producer is not { Op: GlobalAveragePoolOp { Layout: ChannelLayout.ChannelsLast } } pool
            || pool.Inputs.Length != 1 || pool.Outputs.Length != 1 || pool.Inputs[0] != x
            || GraphRewriter.SoleConsumer(graph, s) != reduce) return null;
        // Shapes: W1 [Cr, C, 1, 1], W2 [C, Cr, 1, 1] (the gate has X's channels, so the Mul broadcasts it per channel).
        var w1 = reduce.Inputs[1]!.Constant!.Shape;
        var w2 = expand.Inputs[1]!.Constant!.Shape;
        if (w2[0] != w1[1] || w2[1] != w1[0]) return null;
        var op = new SqueezeExciteOp
        {
            Activation = ((ConvOp)reduce.Op).Activation,
            Gate = kind,
            GateAlpha = alpha,
            GateBeta = beta,
        };
        Node[] removed = hardSigmoid is null ? [pool, reduce, expand] : [pool, reduce, expand, hardSigmoid];
        return new Pattern(op, reduce, expand, removed);
    }

    /// <summary>
    /// A channels-last group-1 1×1 Conv with unit strides and dilations, no pads, no residual, one output, constant
    /// float32 weights [M, C, 1, 1] and a constant [M] bias or none.
    /// </summary>
    private static bool IsPointwise(Node n)
    {
        if (n.Op is not ConvOp { Layout: ChannelLayout.ChannelsLast, Group: 1 } conv || n.Outputs.Length != 1) return false;
        if (n.Inputs.Length < 2 || n.Input(ConvOp.ResidualInput) is not null) return false;
        if (n.Inputs[1]?.Constant is not { DataType: DataType.Float32 } w || w.Shape.Rank != 4 || w.Shape[2] != 1 || w.Shape[3] != 1) return false;
        if (n.Input(2) is { } b && (b.Constant is not { DataType: DataType.Float32 } bt || bt.Shape.Rank != 1 || bt.Shape[0] != w.Shape[0])) return false;
        if (conv.KernelShape is { } k && (k.Length != 2 || k[0] != 1 || k[1] != 1)) return false;
        if (conv.Strides is { } st && st.Any(v => v != 1)) return false;
        if (conv.Dilations is { } d && d.Any(v => v != 1)) return false;
        // SAME_UPPER / SAME_LOWER / VALID pad nothing for a 1×1 window at stride 1; explicit pads must be zero.
        return conv.AutoPad != AutoPad.NotSet || conv.Pads is not { } p || p.All(v => v == 0);
    }
}
