using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Tests.Runtime;

public class ModelStatisticsTests
{
    [Fact]
    public void CountsOpsAndEachConstantFeedingANodeOnce()
    {
        var g = new Graph.Graph();
        var x = g.AddInput("x", DataType.Float32, [Dim.Known(2), Dim.Known(3)]);
        var w = g.AddConstant("w", Tensor.FromArray(new Shape(2, 3), new float[6]));       // read by two nodes
        var b = g.AddConstant("b", Tensor.FromArray(new Shape(3), new long[3]));            // 24 bytes
        g.AddConstant("unused", Tensor.FromArray(new Shape(100), new float[100]));          // feeds nothing: not a parameter
        var a1 = g.AddNode("a1", new AddOp(), [x, w], ["y1"]).Outputs[0];
        var r = g.AddNode("r", new ReluOp(), [a1], ["y2"]).Outputs[0];
        var a2 = g.AddNode("a2", new AddOp(), [r, w], ["y3"]).Outputs[0];
        g.AddNode("a3", new AddOp(), [a2, b], ["y4"]);

        var s = ModelStatistics.Compute(g);
        Assert.Equal(4, s.NodeCount);
        Assert.Equal([new("Add", 3), new KeyValuePair<string, int>("Relu", 1)], s.OpHistogram);
        Assert.Equal(2, s.ParameterTensors);
        Assert.Equal(6 + 3, s.ParameterCount);
        Assert.Equal(6 * 4 + 3 * 8, s.ParameterBytes);
    }

    [Fact]
    public void TiesInTheHistogramAreSortedByName()
    {
        var g = new Graph.Graph();
        var x = g.AddInput("x", DataType.Float32, [Dim.Known(1)]);
        var y = g.AddNode("r", new ReluOp(), [x], ["y"]).Outputs[0];
        g.AddNode("a", new AddOp(), [y, y], ["z"]);
        var s = ModelStatistics.Compute(g);
        Assert.Equal(["Add", "Relu"], s.OpHistogram.Select(kv => kv.Key));
        Assert.Equal(0, s.ParameterCount);
    }
}
