using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

/// <summary>
/// Runs one quantized op: like <see cref="GraphFactory.RunOp"/>, but graph inputs keep the quantization of the tensors
/// fed to them (<see cref="Value.Quant"/>), which the QLinear operators read.
/// </summary>
internal static class QuantizedElementwiseHarness
{
    /// <summary>Runs <paramref name="op"/>; inputs in <paramref name="constantInputs"/> become initializers.</summary>
    public static Tensor[] Run(Op op, Tensor?[] inputs, int outputs = 1, params int[] constantInputs)
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
        var node = g.AddNode("node", op, ins, Enumerable.Range(0, outputs).Select(i => $"y{i}").ToArray());
        foreach (var o in node.Outputs) g.AddOutput(o);
        return new InferenceSession(g).Run(feeds.ToArray());
    }

    /// <summary>Runs a one-output op and returns its output.</summary>
    public static Tensor Run1(Op op, params Tensor?[] inputs) => Run(op, inputs)[0];

    /// <summary>A uint8 tensor with per-tensor quantization.</summary>
    public static Tensor U8(Shape shape, byte[] data, float scale, int zeroPoint) =>
        Tensor.FromArray(shape, data, QuantParams.PerTensor(scale, zeroPoint));

    /// <summary>An int8 tensor with per-tensor quantization.</summary>
    public static Tensor S8(Shape shape, sbyte[] data, float scale, int zeroPoint) =>
        Tensor.FromArray(shape, data, QuantParams.PerTensor(scale, zeroPoint));

    /// <summary>Random bytes (seeded).</summary>
    public static byte[] RandomBytes(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }
}
