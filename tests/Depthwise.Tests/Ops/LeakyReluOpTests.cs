using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class LeakyReluOpTests
{
    [Fact]
    public void DefaultAlphaIsOneHundredth()
    {
        Assert.Equal(0.01f, new LeakyReluOp().Alpha);
        AssertUnaryMatches(() => new LeakyReluOp(), x => x < 0 ? (double)(0.01f * (float)x) : x);
    }

    [Fact]
    public void UsesAlphaForNegativesOnly() =>
        AssertUnaryMatches(() => new LeakyReluOp { Alpha = -2.5f }, x => x < 0 ? -2.5 * x : x);

    [Fact]
    public void ComputesFloat16() => AssertHalfMatches(() => new LeakyReluOp { Alpha = 0.25f }, x => x < 0 ? 0.25 * x : x);

    [Fact]
    public void ImportsAlphaAndItsDefault()
    {
        var x = Tensor.FromArray(new Shape(3), new[] { -2f, 0f, 3f });
        var withAlpha = OnnxNode(16, "LeakyRelu", [("x", DataType.Float32, [3])], 1, n => n.Attribute.Add(Attr("alpha", 0.5f)));
        Assert.Equal(new[] { -1f, 0f, 3f }, withAlpha.Run(x)[0].ToArray<float>());
        var byDefault = OnnxNode(7, "LeakyRelu", [("x", DataType.Float32, [3])], 1);
        Assert.Equal(new[] { -0.02f, 0f, 3f }, byDefault.Run(x)[0].ToArray<float>());
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_leakyrelu", "test_leakyrelu_default", "test_leakyrelu_example");
}
