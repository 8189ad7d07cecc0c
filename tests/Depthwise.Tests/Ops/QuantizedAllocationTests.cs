using Depthwise.Graph;
using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

/// <summary>Every quantized elementwise, pool, lookup and conversion kernel runs without allocating once its plan exists.</summary>
public class QuantizedAllocationTests
{
    public static TheoryData<string> OpNames() => new(Cases.Keys);

    private static readonly QuantParams Q = QuantParams.PerTensor(0.05f, 100);

    private static Tensor U8(params int[] shape)
    {
        var s = new Shape(shape);
        var b = new byte[s.ElementCount];
        new Random(shape.Length).NextBytes(b);
        return Tensor.FromArray(s, b, Q);
    }

    private static Tensor F32(params int[] shape)
    {
        var s = new Shape(shape);
        return Tensor.FromArray(s, Enumerable.Range(0, s.ElementCount).Select(i => (i % 17) * 0.3f - 2).ToArray());
    }

    private static readonly Dictionary<string, (Op Op, Tensor[] Inputs)> Cases = new()
    {
        ["AddFixedPoint"] = (new QLinearAddOp { OutputQuant = Q }, [U8(1, 3, 9, 40), U8(1, 3, 1, 40)]),
        ["AddFloat"] = (new QLinearAddOp { OutputQuant = Q, Requantize = RequantizeMode.FloatRoundHalfEven }, [U8(1, 3, 9, 40), U8(1)]),
        ["AddParallel"] = (new QLinearAddOp { OutputQuant = Q }, [U8(1, 56, 56, 24), U8(1, 56, 56, 24)]),
        ["Mul"] = (new QLinearMulOp { OutputQuant = Q }, [U8(2, 30), U8(30)]),
        ["PRelu"] = (new QLinearPReluOp { OutputQuant = Q }, [U8(2, 7, 30), U8(1, 30)]),
        ["Div"] = (new QLinearDivOp { OutputQuant = Q }, [U8(2, 7, 30), U8(1, 30)]),
        ["Lookup"] = (new QLinearLookupOp { Kind = QLinearLookupKind.Sigmoid, OutputQuant = QuantParams.PerTensor(1f / 256, 0) }, [U8(1, 1917, 91)]),
        ["Softmax"] = (new QLinearSoftmaxOp(), [U8(1, 1001)]),
        ["GlobalAveragePool"] = (new QLinearGlobalAveragePoolOp { Layout = ChannelLayout.ChannelsLast, OutputQuant = Q }, [U8(1, 7, 7, 130)]),
        ["AveragePool"] = (new QLinearAveragePoolOp { KernelShape = [3, 3], Pads = [1, 1, 1, 1], OutputQuant = Q }, [U8(1, 2, 6, 6)]),
        ["Mean"] = (new QLinearMeanOp { Axes = [1], OutputQuant = QuantParams.PerTensor(0.1f, 3) }, [U8(2, 5, 3)]),
        ["Quantize"] = (new QuantizeLinearOp { OutputQuant = Q }, [F32(3, 1000)]),
        ["QuantizePerAxis"] = (new QuantizeLinearOp { OutputQuant = new QuantParams([0.1f, 0.2f, 0.3f], [0, 1, 2], 1) }, [F32(2, 3, 70)]),
        ["Dequantize"] = (new DequantizeLinearOp(), [U8(3, 1000)]),
    };

    [Theory]
    [MemberData(nameof(OpNames))]
    public void RunAllocatesNothingAfterWarmUp(string name)
    {
        var (op, inputs) = Cases[name];
        var g = new Graph.Graph("alloc");
        var ins = inputs.Select((t, i) =>
        {
            var v = g.AddInput($"x{i}", t.DataType, t.Shape.ToArray().Select(Dim.Known).ToArray());
            v.Quant = t.Quant;
            return (Value?)v;
        }).ToArray();
        var node = g.AddNode("node", op, ins, ["y"]);
        g.AddOutput(node.Outputs[0]);
        var session = new InferenceSession(g, new SessionOptions { Threads = 2 });
        var plan = session.GetPlan(inputs);
        var outs = new[] { Tensor.Zeros(plan.OutputTypes[0], plan.OutputShapes[0]) };
        session.Run(inputs, outs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) session.Run(inputs, outs);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
