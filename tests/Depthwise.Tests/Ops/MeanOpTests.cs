using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

public class MeanOpTests : VariadicOpTestBase
{
    protected override Op CreateOp() => new MeanOp();

    protected override float Fold(float acc, float x) => acc + x;

    protected override float Finish(float acc, int n) => acc / n;

    [Fact]
    public void AveragesFloat16() =>
        Assert.Equal(new[] { (Half)1.5f, (Half)(-1) },
            GraphFactory.RunOp(new MeanOp(), [Tensor.FromArray(new Shape(2), new[] { (Half)1, (Half)(-2) }), Tensor.FromArray(new Shape(1), new[] { (Half)2 }), Tensor.FromArray(new Shape(2), new[] { (Half)1.5f, (Half)(-3) })])[0].ToArray<Half>());

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_mean_example", "test_mean_one_input", "test_mean_two_inputs");
}
