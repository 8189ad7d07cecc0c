using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Tests;

/// <summary>Builds one-node graphs and runs them: the harness op tests use to check an operator end to end.</summary>
internal static class GraphFactory
{
    /// <summary>
    /// Runs <paramref name="op"/> on the given inputs (null = omitted optional input). Inputs in
    /// <paramref name="constantInputs"/> become initializers; the others are graph inputs.
    /// </summary>
    public static Tensor[] RunOp(Op op, Tensor?[] inputs, int outputs = 1, params int[] constantInputs)
    {
        var g = new Graph.Graph("test");
        var ins = new Value?[inputs.Length];
        var feeds = new List<Tensor>();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is not { } t) continue;
            if (constantInputs.Contains(i)) ins[i] = g.AddConstant($"c{i}", t);
            else
            {
                ins[i] = g.AddInput($"x{i}", t.DataType, t.Shape.Dims.ToArray().Select(Dim.Known).ToArray());
                feeds.Add(t);
            }
        }
        var node = g.AddNode("node", op, ins, Enumerable.Range(0, outputs).Select(i => $"y{i}").ToArray());
        foreach (var o in node.Outputs) g.AddOutput(o);
        return new InferenceSession(g).Run(feeds.ToArray());
    }
}
