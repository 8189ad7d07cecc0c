using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

/// <summary>Upsample (opsets 7 and 9) imports to <see cref="ResizeOp"/> with asymmetric coordinates; these check that mapping.</summary>
public class UpsampleOpTests
{
    private static readonly Tensor Grid = Tensor.FromArray(new Shape(1, 1, 2, 2), new float[] { 1, 2, 3, 4 });

    [Fact]
    public void Opset7TakesScalesAsAnAttribute()
    {
        // The ONNX spec's example.
        var y = new OnnxOneNodeModel("Upsample", 7).Input(Grid).Attr("scales", [1f, 1, 2, 3]).Attr("mode", "nearest").Run();
        Assert.Equal(new Shape(1, 1, 4, 6), y.Shape);
        Assert.Equal([1f, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4], y.ToArray<float>());
        var graph = new OnnxOneNodeModel("Upsample", 8).Input(Grid).Attr("scales", [1f, 1, 2, 2]).Import();
        var op = Assert.IsType<ResizeOp>(graph.Nodes.Single().Op);
        Assert.Equal(ResizeCoordinateMode.Asymmetric, op.CoordinateMode);
    }

    [Fact]
    public void Opset9TakesScalesAsAnInputAndLinearIsAsymmetric()
    {
        var y = new OnnxOneNodeModel("Upsample", 9).Input(Grid).Constant(Tensor.FromArray(new Shape(4), new float[] { 1, 1, 2, 2 }))
            .Attr("mode", "linear").Run();
        // Sources o/2 along each axis, clamped at the far edge (as ONNX Runtime computes).
        Assert.Equal([1f, 1.5f, 2, 2, 2, 2.5f, 3, 3, 3, 3.5f, 4, 4, 3, 3.5f, 4, 4], y.ToArray<float>());
        var n = new OnnxOneNodeModel("Upsample", 9).Input(Grid).Input(Tensor.FromArray(new Shape(4), new float[] { 1, 1, 1.5f, 2 })).Run();
        Assert.Equal(new Shape(1, 1, 3, 4), n.Shape);
        Assert.Equal([1f, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4], n.ToArray<float>());
    }

    [Fact]
    public void RejectsAMissingScalesAttribute() =>
        Assert.Throws<ModelFormatException>(() => new OnnxOneNodeModel("Upsample", 7).Input(Grid).Import());

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_upsample_nearest");
}
