using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class HardSwishOpTests
{
    private static double Reference(double x) => double.IsNaN(x) ? double.NaN : x * Math.Clamp(x / 6 + 0.5, 0, 1);

    [Fact]
    public void MatchesTheReferenceForEveryLength() => AssertUnaryMatches(() => new HardSwishOp(), Reference, 1e-6);

    [Fact]
    public void ComputesFloat16() => AssertHalfMatches(() => new HardSwishOp(), Reference);

    [Fact]
    public void IsZeroBelowMinusThreeAndIdentityAboveThree()
    {
        var y = GraphFactory.RunOp(new HardSwishOp(), [Tensor.FromArray(new Shape(4), new[] { -7f, -3f, -1.5f, 5f })])[0].ToArray<float>();
        Assert.Equal(0f, y[0]);
        Assert.Equal(0f, y[1]);
        Assert.Equal(-0.375f, y[2], 1e-6f);
        Assert.Equal(5f, y[3]);
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_hardswish", "test_hardswish_expanded");
}
