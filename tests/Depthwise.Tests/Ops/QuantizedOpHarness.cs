using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

/// <summary>
/// Runs one quantized operator: like <see cref="GraphFactory.RunOp"/>, but graph inputs carry their tensor's
/// quantization on the value (the IR form), and the optimization level and thread count can be chosen.
/// </summary>
internal static class QuantizedOpHarness
{
    public static Tensor Run(Op op, Tensor?[] inputs, int[] constantInputs, OptimizationLevel level = OptimizationLevel.None, int threads = 1) =>
        RunWithKernel(op, inputs, constantInputs, level, threads).Y;

    /// <summary>Runs the operator and names the kernel class its plan chose.</summary>
    public static (Tensor Y, string Kernel) RunWithKernel(Op op, Tensor?[] inputs, int[] constantInputs, OptimizationLevel level = OptimizationLevel.None, int threads = 1)
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
                ins[i]!.Quant = t.Quant;
                feeds.Add(t);
            }
        }
        var node = g.AddNode("node", op, ins, ["y"]);
        g.AddOutput(node.Outputs[0]);
        var session = new InferenceSession(g, new SessionOptions { OptimizationLevel = level, Threads = threads });
        var plan = session.GetPlan(feeds.ToArray());
        string kernel = plan.Steps.Single(s => s.Kernel.GetType().Name != "CopyKernel").Kernel.GetType().Name;
        return (session.Run(feeds.ToArray())[0], kernel);
    }

    /// <summary>NCHW → NHWC (or any 4-D permutation) of a tensor's bytes, keeping its quantization.</summary>
    public static Tensor Permute(Tensor t, int[] perm)
    {
        var s = t.Shape;
        var dims = perm.Select(p => s[p]).ToArray();
        var src = t.Bytes.ToArray();
        var dst = new byte[src.Length];
        var st = s.Strides();
        var outShape = new Shape(dims);
        var ost = outShape.Strides();
        for (int i = 0; i < dst.Length; i++)
        {
            int off = 0;
            for (int d = 0, r = i; d < dims.Length; d++)
            {
                int idx = r / ost[d];
                r %= ost[d];
                off += idx * st[perm[d]];
            }
            dst[i] = src[off];
        }
        return new Tensor(t.DataType, outShape, dst, t.Quant);
    }
}
