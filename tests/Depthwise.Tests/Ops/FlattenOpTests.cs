using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.TensorOpHarness;

namespace Depthwise.Tests.Ops;

public class FlattenOpTests
{
    [Theory]
    [InlineData(0, 1, 120)]
    [InlineData(1, 2, 60)]
    [InlineData(2, 6, 20)]
    [InlineData(3, 24, 5)]
    [InlineData(4, 120, 1)]
    [InlineData(-1, 24, 5)]
    [InlineData(-3, 2, 60)]
    [InlineData(-4, 1, 120)]
    public void FlattensAtEveryAxisKeepingTheBytes(int axis, int outer, int inner)
    {
        var x = Iota(2, 3, 4, 5);
        var y = GraphFactory.RunOp(new FlattenOp { Axis = axis }, [x])[0];
        Assert.Equal(new Shape(outer, inner), y.Shape);
        Assert.Equal(x.ToArray<float>(), y.ToArray<float>());
    }

    [Fact]
    public void KeepsEveryElementTypeAndEmptyDims()
    {
        foreach (var type in new[] { DataType.UInt8, DataType.Float16, DataType.Int64, DataType.Bool })
        {
            var x = Pattern(type, 3, 2, 2);
            var y = GraphFactory.RunOp(new FlattenOp(), [x])[0];
            Assert.Equal(type, y.DataType);
            Assert.Equal(new Shape(3, 4), y.Shape);
            Assert.Equal(x.Bytes.ToArray(), y.Bytes.ToArray());
        }
        Assert.Equal(new Shape(0, 12), GraphFactory.RunOp(new FlattenOp(), [Iota(0, 3, 4)])[0].Shape);
        Assert.Equal(new Shape(1, 1), GraphFactory.RunOp(new FlattenOp { Axis = 0 }, [Tensor.Scalar(1f)])[0].Shape);
    }

    [Fact]
    public void RejectsAnAxisOutOfRange()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new FlattenOp { Axis = 4 }, [Iota(2, 3, 4)]));
        Assert.Contains("axis 4", e.Message);
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new FlattenOp { Axis = -4 }, [Iota(2, 3, 4)]));
    }

    [Fact]
    public void ImportsTheDefaultAxisAtOpset9()
    {
        var y = Run("Flatten", 9, [new(Iota(2, 3, 4))], 1);
        Assert.Equal(new Shape(2, 12), y[0].Shape);
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_flatten_axis0", "test_flatten_axis1", "test_flatten_axis2", "test_flatten_axis3", "test_flatten_default_axis",
        "test_flatten_negative_axis1", "test_flatten_negative_axis2", "test_flatten_negative_axis3", "test_flatten_negative_axis4");
}
