using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Passes;

/// <summary>
/// Conv → BatchNormalization with constant weights and statistics becomes one Conv: with a = scale / sqrt(var + ε)
/// per output channel m, W'[m] = W[m] · a[m] and B'[m] = (B[m] − mean[m]) · a[m] + beta[m] (B = 0 when the Conv has
/// none). Only when the Conv's output feeds nothing but the BatchNormalization, the Conv has nothing fused yet, both
/// use the same layout and the statistics are per channel. A BatchNormalization without such a Conv stays as it is.
/// The new weights are new constants; the old ones are dropped once nothing reads them.
/// </summary>
public sealed class BatchNormFolding : IGraphPass
{
    /// <inheritdoc />
    public string Name => "BatchNormFolding";

    /// <inheritdoc />
    public bool Run(Graph.Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        bool changed = false;
        foreach (var bn in graph.Nodes.ToArray())
        {
            if (bn.Op is not BatchNormalizationOp op || !op.Spatial || bn.Inputs.Length != 5 || bn.Outputs.Length != 1) continue;
            if (bn.Inputs[0]?.Producer is not { Op: ConvOp conv } convNode) continue;
            if (!conv.Activation.IsNone || convNode.Input(ConvOp.ResidualInput) is not null || conv.Layout != op.Layout) continue;
            if (GraphRewriter.SoleConsumer(graph, convNode.Outputs[0]) != bn) continue;
            if (Fold(graph, convNode, conv, bn, op)) changed = true;
        }
        return changed;
    }

    private static bool Fold(Graph.Graph graph, Node convNode, ConvOp conv, Node bn, BatchNormalizationOp op)
    {
        if (convNode.Input(1)?.Constant is not { DataType: DataType.Float32 } w || w.Shape.Rank < 3) return false;
        int m = w.Shape[0];
        if (m == 0 || convNode.Inputs[0] is null) return false;
        var stats = new float[4][];
        for (int i = 0; i < 4; i++)
        {
            if (bn.Inputs[i + 1]?.Constant is not { DataType: DataType.Float32 } t || t.Shape.Rank != 1 || t.Shape[0] != m) return false;
            stats[i] = t.ToArray<float>();
        }
        float[] bias = new float[m];
        if (convNode.Input(2) is { } b)
        {
            if (b.Constant is not { DataType: DataType.Float32 } bt || bt.Shape.Rank != 1 || bt.Shape[0] != m) return false;
            bias = bt.ToArray<float>();
        }
        var (scale, beta, mean, variance) = (stats[0], stats[1], stats[2], stats[3]);
        var weights = w.ToArray<float>();
        int perChannel = weights.Length / m;
        var newBias = new float[m];
        for (int c = 0; c < m; c++)
        {
            // The same a the BatchNormalization kernel computes.
            float a = scale[c] / MathF.Sqrt(variance[c] + op.Epsilon);
            for (int k = c * perChannel; k < (c + 1) * perChannel; k++) weights[k] *= a;
            newBias[c] = (bias[c] - mean[c]) * a + beta[c];
        }
        var newW = GraphRewriter.NewConstant(graph, convNode.Inputs[1]!.Name + "_bnfolded", Tensor.FromArray(w.Shape, weights));
        var newB = GraphRewriter.NewConstant(graph, (convNode.Input(2)?.Name ?? convNode.Name + "/bias") + "_bnfolded", Tensor.FromArray(new Shape(m), newBias));
        convNode.Inputs = [convNode.Inputs[0], newW, newB];
        var output = bn.Outputs[0];
        GraphRewriter.Remove(graph, bn);
        GraphRewriter.MoveOutput(convNode, 0, output);
        return true;
    }
}
