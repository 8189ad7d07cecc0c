using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Runtime;

/// <summary>
/// The one constant-folding mechanism: a node whose inputs are all known is computed by creating its kernel and
/// running it once, exactly as a plan would. The plan compiler folds with it (shape sub-graphs, per input shapes) and
/// so does the constant-folding pass (initializer-only sub-graphs, once per graph), so no operator has a second
/// implementation of its semantics.
/// </summary>
internal static class ConstantEvaluator
{
    /// <summary>
    /// Runs <paramref name="kernel"/> (created for <paramref name="node"/> with these input and output states) once on
    /// fresh buffers; every present input must be constant. Returns the outputs.
    /// </summary>
    public static Tensor[] Run(Kernel kernel, Node node, ValueState[] ins, ValueState[] outs)
    {
        var results = outs.Select(o => Tensor.Zeros(o.Type, o.Shape, o.Quant)).ToArray();
        int n = ins.Length + outs.Length + 1;
        var locs = new SlotLocation[n];
        var shapes = new Shape[n];
        var types = new DataType[n];
        var constants = new Tensor?[n];
        var inIdx = new int[ins.Length];
        for (int i = 0; i < ins.Length; i++)
        {
            if (!ins[i].IsPresent) { inIdx[i] = -1; continue; }
            inIdx[i] = i;
            constants[i] = ins[i].Constant;
            locs[i] = new SlotLocation(SlotKind.Constant, 0, i, ins[i].Constant!.Bytes.Length);
            shapes[i] = ins[i].Shape;
            types[i] = ins[i].Type;
        }
        var outIdx = new int[outs.Length];
        for (int i = 0; i < outs.Length; i++)
        {
            int s = ins.Length + i;
            outIdx[i] = s;
            constants[s] = results[i];
            locs[s] = new SlotLocation(SlotKind.Constant, 0, s, results[i].Bytes.Length);
            shapes[s] = outs[i].Shape;
            types[s] = outs[i].Type;
        }
        int scratch = -1;
        if (kernel.ScratchBytes > 0)
        {
            scratch = n - 1;
            constants[scratch] = Tensor.Zeros(DataType.UInt8, new Shape(kernel.ScratchBytes));
            locs[scratch] = new SlotLocation(SlotKind.Constant, 0, scratch, kernel.ScratchBytes);
        }
        shapes[n - 1] = Shape.Scalar;
        var step = new NodePlan(node, kernel, inIdx, outIdx, scratch, 0);
        var plan = new ExecutionPlan([step], new string[n], shapes, types, locs, constants, [], [], [], [], [], 0, 0);
        var frame = new ExecutionFrame(plan);
        kernel.Run(new KernelContext(frame, step));
        return results;
    }


    /// <summary>
    /// The outputs of <paramref name="node"/> when every present input is a graph constant, the operator is foldable,
    /// its outputs are valid for those constants and together take at most <paramref name="maxBytes"/>; null
    /// otherwise (an invalid node is left for the plan compiler to report with its context).
    /// </summary>
    public static Tensor[]? TryFold(Node node, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (!node.Op.IsFoldable) return null;
        var ins = new ValueState[node.Inputs.Length];
        for (int i = 0; i < ins.Length; i++)
        {
            ins[i] = new ValueState();
            if (node.Inputs[i] is not { } v) continue;
            if (v.Constant is not { } c) return null;
            ins[i].IsPresent = true;
            ins[i].Type = c.DataType;
            ins[i].Shape = c.Shape;
            ins[i].Constant = c;
            ins[i].Quant = v.Quant ?? c.Quant;
        }
        var outs = new ValueState[node.Outputs.Length];
        for (int i = 0; i < outs.Length; i++) outs[i] = new ValueState { Quant = node.Outputs[i].Quant };
        var ctx = new OpContext(node, ins, outs);
        try
        {
            node.Op.InferOutputs(ctx);
            long bytes = 0;
            foreach (var o in outs)
            {
                if (!o.IsPresent) return null;
                bytes += (long)o.Shape.ElementCount * DataTypes.SizeOf(o.Type);
            }
            if (bytes > maxBytes) return null;
            if (outs.All(o => o.Constant is not null)) return outs.Select(o => o.Constant!).ToArray();
            return Run(node.Op.CreateKernel(ctx), node, ins, outs);
        }
        catch (Exception e) when (e is DepthwiseException or ArgumentException or InvalidOperationException or IndexOutOfRangeException
                                  or OverflowException or NotSupportedException or ArithmeticException)
        {
            return null;
        }
    }
}
