using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;
using Depthwise.Tests.Passes;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

public class SqueezeExciteOpTests
{
    /// <summary>The channels-last chain the op replaces, as separate nodes, run without passes.</summary>
    internal static Tensor RunChain(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2, ConvActivation act, SqueezeExciteGate gate, float alpha, float beta)
    {
        var t = new PassTestGraph();
        var xv = t.Input("x", x.Shape.Dims.ToArray());
        var s = t.Node(new GlobalAveragePoolOp { Layout = ChannelLayout.ChannelsLast }, xv);
        var h = t.Node(new ConvOp { Layout = ChannelLayout.ChannelsLast, Activation = act }, s, t.Const(w1), t.Const(b1));
        var g = gate == SqueezeExciteGate.Sigmoid
            ? t.Node(new ConvOp { Layout = ChannelLayout.ChannelsLast, Activation = ConvActivation.Sigmoid }, h, t.Const(w2), t.Const(b2))
            : t.Node(new HardSigmoidOp { Alpha = alpha, Beta = beta },
                t.Node(new ConvOp { Layout = ChannelLayout.ChannelsLast }, h, t.Const(w2), t.Const(b2)));
        t.Output(t.Node(new MulOp(), xv, g));
        return PassTestGraph.Run(t.Graph, x)[0];
    }

    public static TheoryData<int, int, int, int, int, string, SqueezeExciteGate> Cases => new()
    {
        { 1, 7, 7, 16, 4, "Relu", SqueezeExciteGate.HardSigmoid },
        { 2, 3, 5, 19, 5, "Relu", SqueezeExciteGate.HardSigmoid },
        { 2, 1, 1, 7, 3, "Relu", SqueezeExciteGate.HardSigmoid },
        { 1, 4, 4, 72, 24, "Relu", SqueezeExciteGate.HardSigmoid },
        { 2, 5, 3, 37, 9, "SiLU", SqueezeExciteGate.Sigmoid },
        { 1, 2, 2, 40, 10, "Clip", SqueezeExciteGate.HardSigmoid },
        { 2, 3, 3, 23, 17, "HardSwish", SqueezeExciteGate.Sigmoid },
        { 1, 6, 2, 33, 1, "None", SqueezeExciteGate.HardSigmoid },
    };

    private static ConvActivation Act(string name) => name switch
    {
        "Relu" => ConvActivation.Relu,
        "SiLU" => ConvActivation.SiLU,
        "Clip" => ConvActivation.Clip(-0.25f, 0.5f),
        "HardSwish" => ConvActivation.HardSwish,
        _ => ConvActivation.None,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FastAndReferenceKernelsComputeTheChain(int n, int h, int w, int c, int cr, string act, SqueezeExciteGate gate)
    {
        var x = Random(1, n, h, w, c);
        var w1 = Random(2, cr, c, 1, 1);
        var b1 = Random(3, cr);
        var w2 = Random(4, c, cr, 1, 1);
        var b2 = Random(5, c);
        for (int i = 0; i < x.ElementCount; i++) x.AsSpan<float>()[i] *= 4; // push the gate to both ends of HardSigmoid
        float alpha = gate == SqueezeExciteGate.HardSigmoid ? 1f / 6 : 0.2f, beta = 0.5f;
        var expected = RunChain(x, w1, b1, w2, b2, Act(act), gate, alpha, beta).ToArray<float>();
        foreach (bool reference in new[] { false, true })
        {
            var op = new SqueezeExciteOp { Activation = Act(act), Gate = gate, GateAlpha = alpha, GateBeta = beta, ReferenceOnly = reference };
            var actual = GraphFactory.RunOp(op, [x, w1, b1, w2, b2], 1, 1, 2, 3, 4)[0];
            Assert.Equal(x.Shape, actual.Shape);
            var a = actual.ToArray<float>();
            double scale = expected.Max(v => Math.Abs(v));
            Assert.True(scale > 0);
            for (int i = 0; i < a.Length; i++)
                Assert.True(Math.Abs(a[i] - expected[i]) <= 1e-5 * scale, $"{(reference ? "reference" : "fast")} [{i}]: {a[i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void FastKernelGivesTheSameBitsAsTheChainForMobileNetV3Shapes()
    {
        // Relu + HardSigmoid: every step is the same arithmetic as the unfused kernels (means, fused multiply-adds, clamp).
        var x = Random(11, 2, 5, 3, 120);
        var w1 = Random(12, 32, 120, 1, 1);
        var b1 = Random(13, 32);
        var w2 = Random(14, 120, 32, 1, 1);
        var b2 = Random(15, 120);
        var expected = RunChain(x, w1, b1, w2, b2, ConvActivation.Relu, SqueezeExciteGate.HardSigmoid, 1f / 6, 0.5f);
        var op = new SqueezeExciteOp { Activation = ConvActivation.Relu, Gate = SqueezeExciteGate.HardSigmoid, GateAlpha = 1f / 6, GateBeta = 0.5f };
        var actual = GraphFactory.RunOp(op, [x, w1, b1, w2, b2], 1, 1, 2, 3, 4)[0];
        Assert.Equal(expected.ToArray<float>(), actual.ToArray<float>());
    }

    [Fact]
    public void OmittedBiasesAreZero()
    {
        var x = Random(21, 1, 2, 3, 9);
        var w1 = Random(22, 4, 9, 1, 1);
        var w2 = Random(23, 9, 4, 1, 1);
        var op = new SqueezeExciteOp { Activation = ConvActivation.Relu, Gate = SqueezeExciteGate.Sigmoid };
        var withZeros = GraphFactory.RunOp(op, [x, w1, Tensor.Zeros(DataType.Float32, new Shape(4)), w2, Tensor.Zeros(DataType.Float32, new Shape(9))], 1, 1, 2, 3, 4)[0];
        var without = GraphFactory.RunOp(op, [x, w1, null, w2, null], 1, 1, 3)[0];
        Assert.Equal(withZeros.ToArray<float>(), without.ToArray<float>());
    }

    [Fact]
    public void RejectsMismatchedWeights()
    {
        var x = Random(31, 1, 2, 2, 8);
        var op = new SqueezeExciteOp();
        Assert.ThrowsAny<Exception>(() => GraphFactory.RunOp(op, [x, Random(1, 4, 7, 1, 1), null, Random(2, 8, 4, 1, 1), null], 1, 1, 3));
        Assert.ThrowsAny<Exception>(() => GraphFactory.RunOp(op, [x, Random(1, 4, 8, 1, 1), null, Random(2, 8, 3, 1, 1), null], 1, 1, 3));
        Assert.ThrowsAny<Exception>(() => GraphFactory.RunOp(op, [x, Random(1, 4, 8, 3, 3), null, Random(2, 8, 4, 1, 1), null], 1, 1, 3));
    }
}
