using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class PReluOpTests
{
    [Theory]
    [InlineData(new[] { 2, 3, 4, 5 }, new[] { 3, 1, 1 })]
    [InlineData(new[] { 2, 3, 4, 5 }, new[] { 1 })]
    [InlineData(new[] { 2, 3, 4, 5 }, new int[0])]
    [InlineData(new[] { 2, 3, 4, 5 }, new[] { 5 })]
    [InlineData(new[] { 2, 3, 4, 5 }, new[] { 2, 3, 4, 5 })]
    [InlineData(new[] { 2, 3, 4, 5 }, new[] { 1, 3, 1, 5 })]
    [InlineData(new[] { 7 }, new[] { 7 })]
    public void SlopeBroadcastsToTheInput(int[] xShape, int[] slopeShape)
    {
        Shape sx = new(xShape), ss = new(slopeShape);
        var x = Enumerable.Range(0, sx.ElementCount).Select(i => (i % 11) - 5.5f).ToArray();
        var s = Enumerable.Range(0, ss.ElementCount).Select(i => 0.1f * (i + 1)).ToArray();
        var y = GraphFactory.RunOp(new PReluOp(), [Tensor.FromArray(sx, x), Tensor.FromArray(ss, s)])[0];
        Assert.Equal(sx, y.Shape);
        var yy = y.ToArray<float>();
        for (int i = 0; i < x.Length; i++)
        {
            float slope = s[Flat(ss, Unflatten(sx, i))];
            Assert.Equal(x[i] < 0 ? slope * x[i] : x[i], yy[i]);
        }
    }

    [Fact]
    public void RejectsASlopeThatWouldGrowTheOutput() =>
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new PReluOp(),
            [Tensor.Zeros(DataType.Float32, new Shape(3)), Tensor.Zeros(DataType.Float32, new Shape(2, 3))]));

    [Fact]
    public void ComputesIntegersAndFloat16()
    {
        Assert.Equal(new[] { -6, 0, 4 },
            GraphFactory.RunOp(new PReluOp(), [Tensor.FromArray(new Shape(3), new[] { -2, 0, 4 }), Tensor.FromArray(new Shape(1), new[] { 3 })])[0].ToArray<int>());
        Assert.Equal(new[] { -6L, 5L },
            GraphFactory.RunOp(new PReluOp(), [Tensor.FromArray(new Shape(2), new[] { -2L, 5L }), Tensor.FromArray(new Shape(2), new[] { 3L, 9L })])[0].ToArray<long>());
        Assert.Equal(new[] { (Half)(-0.5f), (Half)2 },
            GraphFactory.RunOp(new PReluOp(), [Tensor.FromArray(new Shape(2), new[] { (Half)(-2), (Half)2 }), Tensor.FromArray(new Shape(1), new[] { (Half)0.25f })])[0].ToArray<Half>());
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_prelu_broadcast", "test_prelu_example");
}
