using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class HardSigmoidOpTests
{
    private static double Reference(double x, float alpha, float beta) => Math.Clamp((double)(alpha * (float)x + beta), 0, 1);

    [Fact]
    public void DefaultsAreAlphaPoint2BetaPoint5()
    {
        var op = new HardSigmoidOp();
        Assert.Equal((0.2f, 0.5f), (op.Alpha, op.Beta));
        AssertUnaryMatches(() => new HardSigmoidOp(), x => double.IsNaN(x) ? double.NaN : Reference(x, 0.2f, 0.5f));
    }

    [Fact]
    public void UsesAlphaAndBeta() =>
        AssertUnaryMatches(() => new HardSigmoidOp { Alpha = -0.7f, Beta = 0.1f }, x => double.IsNaN(x) ? double.NaN : Reference(x, -0.7f, 0.1f));

    [Fact]
    public void ComputesFloat16() => AssertHalfMatches(() => new HardSigmoidOp(), x => double.IsNaN(x) ? double.NaN : Reference(x, 0.2f, 0.5f));

    [Fact]
    public void ImportsAttributes()
    {
        var s = OnnxNode(7, "HardSigmoid", [("x", DataType.Float32, [3])], 1, n => { n.Attribute.Add(Attr("alpha", 0.5f)); n.Attribute.Add(Attr("beta", 0.25f)); });
        Assert.Equal(new[] { 0f, 0.75f, 1f }, s.Run(Tensor.FromArray(new Shape(3), new[] { -1f, 1f, 3f }))[0].ToArray<float>());
    }

    // The official cases import opset 6, below the importer's range; HardSigmoid did not change at opset 7.
    [SkippableTheory]
    [InlineData("test_hardsigmoid")]
    [InlineData("test_hardsigmoid_default")]
    [InlineData("test_hardsigmoid_example")]
    public void PassesOnnxNodeTestsRaisedToOpset7(string test) => AssertPassAtOpset(test, 7);
}
