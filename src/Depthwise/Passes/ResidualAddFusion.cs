using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Passes;

/// <summary>
/// Conv → Add(other) becomes one Conv with <c>other</c> as its residual input (<see cref="ConvOp.ResidualInput"/>),
/// added to each output element after the bias and before the activation; an activation after the Add is then fused
/// by <see cref="ActivationFusion"/> in the next round. Only when the Conv has no activation or residual yet, its
/// output feeds nothing but the Add and is not a graph output, and both operands provably have exactly the same shape
/// for every input the graph accepts (no broadcasting: the residual is read element for element).
/// </summary>
public sealed class ResidualAddFusion : IGraphPass
{
    /// <inheritdoc />
    public string Name => "ResidualAddFusion";

    /// <inheritdoc />
    public bool Run(Graph.Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        SymbolicShapes? shapes = null;
        bool changed = false;
        foreach (var add in graph.Nodes.ToArray())
        {
            if (add.Op is not AddOp || add.Inputs.Length != 2 || add.Outputs.Length != 1 || add.Inputs[0] == add.Inputs[1]) continue;
            // Either operand may be the Conv's; prefer the second (the later branch, as exporters write it).
            for (int side = 1; side >= 0; side--)
            {
                var y = add.Inputs[side];
                var other = add.Inputs[1 - side];
                if (y?.Producer is not { Op: ConvOp conv } convNode || other is null) continue;
                if (!conv.Activation.IsNone || convNode.Input(ConvOp.ResidualInput) is not null || convNode.Outputs.Length != 1) continue;
                if (GraphRewriter.SoleConsumer(graph, y) != add) continue;
                shapes ??= SymbolicShapes.Infer(graph);
                if (shapes.TypeOf(other) != DataType.Float32 || !shapes.SameShape(y, other)) continue;
                var inputs = new Value?[ConvOp.ResidualInput + 1];
                for (int i = 0; i < Math.Min(convNode.Inputs.Length, ConvOp.ResidualInput); i++) inputs[i] = convNode.Inputs[i];
                inputs[ConvOp.ResidualInput] = other;
                convNode.Inputs = inputs;
                var output = add.Outputs[0];
                GraphRewriter.Remove(graph, add);
                GraphRewriter.MoveOutput(convNode, 0, output);
                changed = true;
                break;
            }
        }
        return changed;
    }
}
