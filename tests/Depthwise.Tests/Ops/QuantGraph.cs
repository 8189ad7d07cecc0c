using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

/// <summary>
/// One-node graphs whose graph inputs carry the fed tensors' quantization (GraphFactory's inputs carry none), with a
/// probe after output 0 that records the quantization the compiled plan gave it.
/// </summary>
internal static class QuantGraph
{
    /// <summary>
    /// Runs <paramref name="op"/>; inputs in <paramref name="constantInputs"/> become initializers (keeping their quant),
    /// the others graph inputs with <c>Value.Quant</c> = the tensor's quant. Returns the outputs and the quantization
    /// the plan inferred for output 0.
    /// </summary>
    public static (Tensor[] Outputs, QuantParams? OutputQuant) Run(Op op, Tensor?[] inputs, int outputs = 1, params int[] constantInputs)
    {
        var g = new Graph.Graph("quant");
        var ins = new Value?[inputs.Length];
        var feeds = new List<Tensor>();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is not { } t) continue;
            if (constantInputs.Contains(i)) ins[i] = g.AddConstant($"c{i}", t);
            else
            {
                ins[i] = g.AddInput($"x{i}", t.DataType, t.Shape.Dims.ToArray().Select(Dim.Known).ToArray());
                ins[i]!.Quant = t.Quant;
                feeds.Add(t);
            }
        }
        var node = g.AddNode("node", op, ins, Enumerable.Range(0, outputs).Select(i => $"y{i}").ToArray());
        var probe = new QuantProbeOp();
        var probed = g.AddNode("probe", probe, [node.Outputs[0]], ["probed"]);
        g.AddOutput(probed.Outputs[0]);
        foreach (var o in node.Outputs.Skip(1)) g.AddOutput(o);
        // No passes: the op under test must itself hand its quantization on (an optimizer could remove it).
        var results = new InferenceSession(g, new SessionOptions { OptimizationLevel = OptimizationLevel.None }).Run(feeds.ToArray());
        return (results, probe.Seen);
    }

    /// <summary>Identity that records the quantization of its input when the plan is compiled.</summary>
    private sealed class QuantProbeOp : Op
    {
        public QuantParams? Seen { get; private set; }

        public override string OpType => "QuantProbe";

        public override bool IsFoldable => false;

        public override void InferOutputs(OpContext ctx)
        {
            Seen = ctx.InputQuant(0);
            ctx.SetOutput(0, ctx.InputType(0), ctx.InputShape(0));
        }

        public override Kernel CreateKernel(OpContext ctx) => CopyKernel.Instance;
    }
}
