using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.TensorOpHarness;

namespace Depthwise.Tests.Ops;

public class ConstantOfShapeOpTests
{
    [Fact]
    public void DefaultsToFloatZero()
    {
        var y = GraphFactory.RunOp(new ConstantOfShapeOp(), [Longs(2, 3)], 1, 0)[0];
        Assert.Equal(DataType.Float32, y.DataType);
        Assert.Equal(new Shape(2, 3), y.Shape);
        Assert.All(y.ToArray<float>(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void FillsWithTheValueOfEveryType()
    {
        Tensor[] values =
        [
            Tensor.FromArray(new Shape(1), new[] { 1.5f }),
            Tensor.FromArray(new Shape(1), new[] { (Half)(-2) }),
            Tensor.FromArray(new Shape(1), new[] { -7 }),
            Tensor.FromArray(new Shape(1), new[] { long.MinValue + 3 }),
            Tensor.FromArray(new Shape(1), new byte[] { 200 }),
            Tensor.FromArray(new Shape(1), new[] { true }),
        ];
        foreach (var v in values)
        {
            // The shape arrives as a graph input: the plan specializes on its value.
            var y = GraphFactory.RunOp(new ConstantOfShapeOp(v), [Longs(3, 1, 5)])[0];
            Assert.Equal(v.DataType, y.DataType);
            Assert.Equal(new Shape(3, 1, 5), y.Shape);
            for (int i = 0; i < y.ElementCount; i++) Assert.Equal(v.Bytes.ToArray(), Element(y, i));
        }
    }

    [Fact]
    public void EmptyShapesGiveScalarsAndZeroDimsGiveEmptyTensors()
    {
        var s = GraphFactory.RunOp(new ConstantOfShapeOp(Tensor.FromArray(new Shape(1), new[] { 4L })), [Longs()], 1, 0)[0];
        Assert.Equal(Shape.Scalar, s.Shape);
        Assert.Equal(4L, s.ToArray<long>()[0]);
        Assert.Equal(new Shape(2, 0), GraphFactory.RunOp(new ConstantOfShapeOp(), [Longs(2, 0)], 1, 0)[0].Shape);
    }

    [Fact]
    public void RejectsNegativeDimsAndMultiElementValues()
    {
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ConstantOfShapeOp(), [Longs(2, -1)], 1, 0));
        Assert.Throws<ArgumentException>(() => new ConstantOfShapeOp(Longs(1, 2)));
        Assert.Throws<ModelFormatException>(() => Run("ConstantOfShape", 9, [new(Longs(2))], 1, n => n.Attribute.Add(TensorAttr("value", Longs(1, 2)))));
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_constantofshape_float_ones", "test_constantofshape_int_shape_zero", "test_constantofshape_int_zeros");
}
