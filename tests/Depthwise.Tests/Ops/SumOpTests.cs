using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

public class SumOpTests : VariadicOpTestBase
{
    protected override Op CreateOp() => new SumOp();

    protected override float Fold(float acc, float x) => acc + x;

    [Fact]
    public void AddsFloat16() =>
        Assert.Equal(new[] { (Half)3.5f, (Half)(-1) },
            GraphFactory.RunOp(new SumOp(), [Tensor.FromArray(new Shape(2), new[] { (Half)1, (Half)(-2) }), Tensor.FromArray(new Shape(1), new[] { (Half)1 }), Tensor.FromArray(new Shape(2), new[] { (Half)1.5f, (Half)0 })])[0].ToArray<Half>());

    [Fact]
    public void RejectsIntegers() =>
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new SumOp(), [Tensor.FromArray(new Shape(1), new[] { 1 })]));

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_sum_example", "test_sum_one_input", "test_sum_two_inputs");
}
