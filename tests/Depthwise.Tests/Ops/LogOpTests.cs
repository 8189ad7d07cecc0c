using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class LogOpTests
{
    private static double Reference(double x) => Math.Log(x);

    [Fact]
    public void MatchesTheReferenceForEveryLength() => AssertUnaryMatches(() => new LogOp(), Reference);

    [Fact]
    public void ComputesFloat16ThroughFloat32() => AssertHalfMatches(() => new LogOp(), Reference);

    [Fact]
    public void RejectsIntegerInput() =>
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new LogOp(), [Tensor.FromArray(new Shape(2), new[] { 1, 2 })]));

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_log", "test_log_example");
}
