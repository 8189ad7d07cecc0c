using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class FloorOpTests
{
    private static double Reference(double x) => Math.Floor(x);

    [Fact]
    public void MatchesTheReferenceForEveryLength() => AssertUnaryMatches(() => new FloorOp(), Reference);

    [Fact]
    public void ComputesFloat16ThroughFloat32() => AssertHalfMatches(() => new FloorOp(), Reference);

    [Fact]
    public void RejectsIntegerInput() =>
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new FloorOp(), [Tensor.FromArray(new Shape(2), new[] { 1, 2 })]));

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_floor", "test_floor_example");
}
