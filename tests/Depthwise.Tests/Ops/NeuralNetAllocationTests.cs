using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

/// <summary>Every neural-net kernel runs without allocating once its plan exists.</summary>
public class NeuralNetAllocationTests
{
    public static TheoryData<string> OpNames() => new(Cases.Keys);

    private static readonly Dictionary<string, (Op Op, Tensor[] Inputs, int Outputs)> Cases = new()
    {
        ["Conv"] = (new ConvOp { Pads = [1, 1, 1, 1], Strides = [2, 2] }, [Random(1, 1, 3, 9, 9), Random(2, 4, 3, 3, 3), Random(3, 4)], 1),
        ["ConvPointwise"] = (new ConvOp(), [Random(1, 1, 6, 5, 5), Random(2, 4, 6, 1, 1)], 1),
        ["ConvTranspose"] = (new ConvTransposeOp { Strides = [2, 2] }, [Random(1, 1, 3, 4, 4), Random(2, 3, 2, 3, 3), Random(3, 2)], 1),
        ["BatchNormalization"] = (new BatchNormalizationOp(), [Random(1, 2, 3, 4, 4), Random(2, 3), Random(3, 3), Random(4, 3), Tensor.FromArray(new Shape(3), new[] { 1f, 2f, 3f })], 1),
        ["GlobalAveragePool"] = (new GlobalAveragePoolOp(), [Random(1, 2, 3, 4, 4)], 1),
        ["GlobalMaxPool"] = (new GlobalMaxPoolOp(), [Random(1, 2, 3, 4, 4)], 1),
        ["AveragePool"] = (new AveragePoolOp { KernelShape = [3, 3], Pads = [1, 1, 1, 1], CountIncludePad = true }, [Random(1, 1, 2, 6, 6)], 1),
        ["MaxPool"] = (new MaxPoolOp { KernelShape = [3, 3], Strides = [2, 2], CeilMode = true }, [Random(1, 1, 2, 6, 6)], 2),
        ["Gemm"] = (new GemmOp { TransB = true, Alpha = 2 }, [Random(1, 3, 4), Random(2, 5, 4), Random(3, 5)], 1),
        ["MatMul"] = (new MatMulOp(), [Random(1, 2, 3, 4), Random(2, 4, 5)], 1),
        ["Softmax"] = (new SoftmaxOp { Axis = 1 }, [Random(1, 2, 3, 4)], 1),
        ["LogSoftmax"] = (new LogSoftmaxOp { Axis = 1, CoerceTo2D = true }, [Random(1, 2, 3, 4)], 1),
        ["LayerNormalization"] = (new LayerNormalizationOp { Axis = 1 }, [Random(1, 2, 3, 4), Random(2, 4), Random(3, 3, 1)], 3),
    };

    [Theory]
    [MemberData(nameof(OpNames))]
    public void RunAllocatesNothingAfterWarmUp(string name)
    {
        var (op, inputs, outputs) = Cases[name];
        var g = new Graph.Graph("alloc");
        var ins = inputs.Select((t, i) => (Value?)g.AddInput($"x{i}", t.DataType, t.Shape.ToArray().Select(Dim.Known).ToArray())).ToArray();
        var node = g.AddNode("node", op, ins, Enumerable.Range(0, outputs).Select(i => $"y{i}").ToArray());
        foreach (var o in node.Outputs) g.AddOutput(o);
        var session = new InferenceSession(g);
        var plan = session.GetPlan(inputs);
        var outs = Enumerable.Range(0, outputs).Select(i => Tensor.Zeros(plan.OutputTypes[i], plan.OutputShapes[i])).ToArray();
        session.Run(inputs, outs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) session.Run(inputs, outs);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
