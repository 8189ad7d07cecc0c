using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Passes;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Passes;

public class ActivationFusionTests
{
    public static TheoryData<string, ConvActivationKind> Patterns => new()
    {
        { "Relu", ConvActivationKind.Relu },
        { "Clip", ConvActivationKind.Clip },
        { "ClipMinOnly", ConvActivationKind.Clip },
        { "HardSwish", ConvActivationKind.HardSwish },
        { "x*HardSigmoid(x)", ConvActivationKind.HardSwish },
        { "HardSigmoid(x)*x", ConvActivationKind.HardSwish },
        { "Sigmoid", ConvActivationKind.Sigmoid },
        { "x*Sigmoid(x)", ConvActivationKind.SiLU },
        { "Sigmoid(x)*x", ConvActivationKind.SiLU },
    };

    private static Value Apply(PassTestGraph t, string pattern, Value y) => pattern switch
    {
        "Relu" => t.Node(new ReluOp(), y),
        "Clip" => t.Node(new ClipOp(), y, t.Scalar(0), t.Scalar(6)),
        "ClipMinOnly" => t.Node(new ClipOp(), y, t.Scalar(-0.5f)),
        "HardSwish" => t.Node(new HardSwishOp(), y),
        "x*HardSigmoid(x)" => t.Node(new MulOp(), y, t.Node(new HardSigmoidOp { Alpha = 1f / 6, Beta = 0.5f }, y)),
        "HardSigmoid(x)*x" => t.Node(new MulOp(), t.Node(new HardSigmoidOp { Alpha = 1f / 6, Beta = 0.5f }, y), y),
        "Sigmoid" => t.Node(new SigmoidOp(), y),
        "x*Sigmoid(x)" => t.Node(new MulOp(), y, t.Node(new SigmoidOp(), y)),
        "Sigmoid(x)*x" => t.Node(new MulOp(), t.Node(new SigmoidOp(), y), y),
        _ => throw new ArgumentException(pattern),
    };

    [Theory]
    [MemberData(nameof(Patterns))]
    public void FusesThePatternIntoTheConv(string pattern, ConvActivationKind kind)
    {
        var t = new PassTestGraph();
        var x = t.Input("x", -1, 3, 5, 5);
        var y = Apply(t, pattern, t.Conv(x, 3, 3, depthwise: true));
        t.Output(y);
        var input = Random(9, 2, 3, 5, 5);
        for (int i = 0; i < input.ElementCount; i++) input.AsSpan<float>()[i] *= 8;   // reach both ends of Clip and HardSwish
        Assert.True(t.RewriteKeepsOutputs(new ActivationFusion().Run, [input]));
        var conv = Assert.Single(t.Graph.Nodes);
        Assert.Equal(kind, ((ConvOp)conv.Op).Activation.Kind);
        Assert.Equal(y, conv.Outputs[0]);
        Assert.False(new ActivationFusion().Run(t.Graph));
    }

    [Fact]
    public void ClipBoundsComeFromTheConstants()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 1, 2, 3, 3);
        t.Output(t.Node(new ClipOp(), t.Conv(x, 2, 2), null, t.Scalar(6)));
        Assert.True(new ActivationFusion().Run(t.Graph));
        Assert.Equal(ConvActivation.Clip(float.NegativeInfinity, 6), ((ConvOp)t.Graph.Nodes[0].Op).Activation);
    }

    [Fact]
    public void DoesNotFuseWhenTheConvOutputHasAnotherReader()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 1, 2, 3, 3);
        var conv = t.Conv(x, 2, 2);
        t.Output(t.Node(new ReluOp(), conv));
        t.Output(t.Node(new NegOp(), conv));
        Assert.False(new ActivationFusion().Run(t.Graph));

        var u = new PassTestGraph();
        var c2 = u.Conv(u.Input("x", 1, 2, 3, 3), 2, 2);
        u.Output(u.Node(new ReluOp(), c2));
        u.Output(c2);   // a graph output must keep its value
        Assert.False(new ActivationFusion().Run(u.Graph));
    }

    [Fact]
    public void DoesNotFuseLookalikes()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 1, 2, 3, 3);
        // HardSigmoid with ONNX's default alpha is not hard-swish.
        var a = t.Conv(x, 2, 2, seed: 1);
        t.Output(t.Node(new MulOp(), a, t.Node(new HardSigmoidOp(), a)));
        // Clip whose bound is a run-time value.
        t.Output(t.Node(new ClipOp(), t.Conv(x, 2, 2, seed: 2), t.Scalar(0), t.Input("max", [])));
        // The sigmoid's output is read by someone else too.
        var c = t.Conv(x, 2, 2, seed: 3);
        var s = t.Node(new SigmoidOp(), c);
        t.Output(t.Node(new MulOp(), c, s));
        t.Output(s);
        // x · sigmoid(y) of another tensor.
        var d = t.Conv(x, 2, 2, seed: 4);
        t.Output(t.Node(new MulOp(), d, t.Node(new SigmoidOp(), x)));
        Assert.False(new ActivationFusion().Run(t.Graph));
    }

    [Fact]
    public void AnActivationAfterAFusedOneStaysSeparate()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", 1, 2, 3, 3);
        t.Output(t.Node(new SigmoidOp(), t.Node(new ReluOp(), t.Conv(x, 2, 2))));
        Assert.True(new ActivationFusion().Run(t.Graph));
        Assert.False(new ActivationFusion().Run(t.Graph));
        Assert.Equal(2, t.Graph.Nodes.Count);
    }
}
