using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class SqrtOpTests
{
    private static double Reference(double x) => Math.Sqrt(x);

    [Fact]
    public void MatchesTheReferenceForEveryLength() => AssertUnaryMatches(() => new SqrtOp(), Reference);

    [Fact]
    public void ComputesFloat16ThroughFloat32() => AssertHalfMatches(() => new SqrtOp(), Reference);

    [Fact]
    public void RejectsIntegerInput() =>
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new SqrtOp(), [Tensor.FromArray(new Shape(2), new[] { 1, 2 })]));

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_sqrt", "test_sqrt_example");
}
