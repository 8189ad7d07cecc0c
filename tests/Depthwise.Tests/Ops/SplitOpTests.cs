using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.TensorOpHarness;

namespace Depthwise.Tests.Ops;

public class SplitOpTests
{
    /// <summary>Checks that output k holds the input's slab [offset_k, offset_k + size_k) along the axis.</summary>
    private static void AssertSplit(Tensor x, int axis, int[] sizes, Tensor[] ys)
    {
        int a = axis < 0 ? axis + x.Shape.Rank : axis;
        Assert.Equal(sizes.Length, ys.Length);
        int offset = 0;
        for (int k = 0; k < ys.Length; k++)
        {
            var dims = x.Shape.ToArray();
            dims[a] = sizes[k];
            Assert.Equal(new Shape(dims), ys[k].Shape);
            for (int f = 0; f < ys[k].ElementCount; f++)
            {
                var i = Unflatten(ys[k].Shape, f);
                i[a] += offset;
                Assert.Equal(Element(x, Flatten(x.Shape, i)), Element(ys[k], f));
            }
            offset += sizes[k];
        }
    }

    [Theory]
    [InlineData(1, new[] { 2, 0, 3 })]
    [InlineData(-1, new[] { 1, 1, 1, 1 })]
    [InlineData(0, new[] { 1, 2 })]
    [InlineData(-2, new[] { 5 })]
    public void SplitsBySizesOnAnyAxis(int axis, int[] sizes)
    {
        var dims = new[] { 3, 5, 4 };
        int a = axis < 0 ? axis + 3 : axis;
        dims[a] = sizes.Sum();
        var x = Iota(dims);
        var ys = GraphFactory.RunOp(new SplitOp { Axis = axis }, [x, Longs(sizes.Select(s => (long)s).ToArray())], sizes.Length, 1);
        AssertSplit(x, axis, sizes, ys);
    }

    [Fact]
    public void EveryElementSize()
    {
        foreach (var type in new[] { DataType.UInt8, DataType.Float16, DataType.Int32, DataType.Int64 })
        {
            var x = Pattern(type, 2, 6, 3);
            AssertSplit(x, 1, [2, 2, 2], GraphFactory.RunOp(new SplitOp { Axis = 1 }, [x], 3));
        }
    }

    [Theory]
    [InlineData(6, 3, new[] { 2, 2, 2 })]
    [InlineData(7, 3, new[] { 3, 3, 1 })]
    [InlineData(8, 3, new[] { 3, 3, 2 })]
    [InlineData(9, 4, new[] { 3, 3, 3, 0 })]
    [InlineData(1, 1, new[] { 1 })]
    public void WithoutSizesCutsCeilChunksWithASmallerLastOne(int dim, int outputs, int[] sizes)
    {
        var x = Iota(2, dim);
        AssertSplit(x, 1, sizes, GraphFactory.RunOp(new SplitOp { Axis = 1 }, [x], outputs));
    }

    [Fact]
    public void BeforeOpset18AnUnevenSplitIsAnError()
    {
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new SplitOp { RequireEvenSplit = true }, [Iota(7)], 3));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new SplitOp(), [Iota(5)], 4));   // 2,2,2 leave -1
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new SplitOp(), [Iota(5), Longs(2, 2)], 2, 1));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new SplitOp(), [Iota(5), Longs(2, 3)], 3, 1));
    }

    [Fact]
    public void ImportsEveryOpsetForm()
    {
        // Opset 11: sizes as an attribute.
        var a = Run("Split", 11, [new(Iota(6))], 2, n => { n.Attribute.Add(Ints("split", 4, 2)); });
        Assert.Equal(new float[] { 4, 5 }, a[1].ToArray<float>());
        // Opset 13: sizes as an input.
        var b = Run("Split", 13, [new(Iota(6)), new(Longs(1, 5), true)], 2);
        Assert.Equal(new float[] { 0 }, b[0].ToArray<float>());
        // Opset 13 without sizes: even parts only.
        Assert.ThrowsAny<DepthwiseException>(() => Run("Split", 13, [new(Iota(7))], 3));
        // Opset 18: num_outputs allows a smaller last chunk.
        var c = Run("Split", 18, [new(Iota(2, 7))], 3, n => { n.Attribute.Add(Int("axis", -1)); n.Attribute.Add(Int("num_outputs", 3)); });
        Assert.Equal(new Shape(2, 1), c[2].Shape);
        Assert.Equal(new float[] { 6, 13 }, c[2].ToArray<float>());
        Assert.Throws<ModelFormatException>(() => Run("Split", 18, [new(Iota(6))], 2));
        Assert.Throws<ModelFormatException>(() => Run("Split", 18, [new(Iota(6))], 2, n => n.Attribute.Add(Int("num_outputs", 3))));
    }

    [Fact]
    public void RunAllocatesNothing() => AssertRunAllocatesNothing(new SplitOp { Axis = 1 }, [Iota(2, 7, 3), Longs(3, 0, 4)], 3, 1);

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_split_equal_parts_1d", "test_split_equal_parts_2d", "test_split_equal_parts_default_axis", "test_split_variable_parts_1d",
        "test_split_variable_parts_2d", "test_split_variable_parts_default_axis", "test_split_zero_size_splits");
}
