using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

public class IdentityOpTests
{
    [Fact]
    public void CopiesEveryTypeAndShape()
    {
        Tensor[] inputs =
        [
            Tensor.FromArray(new Shape(2, 3), new[] { 1f, -2f, float.NaN, 4f, 5f, 6f }),
            Tensor.FromArray(new Shape(3), new[] { (Half)1, (Half)2, (Half)3 }),
            Tensor.FromArray(new Shape(2), new sbyte[] { -1, 1 }),
            Tensor.FromArray(new Shape(2), new byte[] { 255, 1 }),
            Tensor.FromArray(new Shape(1, 1), new[] { 7 }),
            Tensor.FromArray(new Shape(2), new[] { long.MinValue, 3L }),
            Tensor.FromArray(new Shape(2), new[] { true, false }),
            Tensor.Scalar(2.5f),
            Tensor.Zeros(DataType.Float32, new Shape(0, 4)),
        ];
        foreach (var x in inputs)
        {
            var y = GraphFactory.RunOp(new IdentityOp(), [x])[0];
            Assert.Equal(x.DataType, y.DataType);
            Assert.Equal(x.Shape, y.Shape);
            Assert.Equal(x.Bytes.ToArray(), y.Bytes.ToArray());
        }
    }

    [Fact]
    public void FoldsAConstant()
    {
        var c = Tensor.FromArray(new Shape(2), new[] { 1, 2 });
        Assert.Equal(new[] { 1, 2 }, GraphFactory.RunOp(new IdentityOp(), [c], 1, 0)[0].ToArray<int>());
    }

    // test_identity_opt and test_identity_sequence use optional and sequence types, which Depthwise does not have.
    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_identity");
}
