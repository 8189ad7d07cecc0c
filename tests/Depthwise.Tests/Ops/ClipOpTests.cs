using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class ClipOpTests
{
    private static float[] Run(float[] x, float? min, float? max, params int[] constants) =>
        GraphFactory.RunOp(new ClipOp(), [Tensor.FromArray(new Shape(x.Length), x), min is { } a ? Tensor.Scalar(a) : null, max is { } b ? Tensor.Scalar(b) : null], 1, constants)[0].ToArray<float>();

    [Fact]
    public void ClipsToBothBoundsForEveryLength()
    {
        for (int n = 0; n <= 70; n++)
        {
            var x = Inputs(n);
            var y = Run(x, -1.25f, 2f);
            for (int i = 0; i < n; i++)
                Assert.Equal(float.IsNaN(x[i]) ? float.NaN : Math.Clamp(x[i], -1.25f, 2f), y[i]);
        }
    }

    [Fact]
    public void OmittedBoundsDoNotClip()
    {
        float[] x = [float.NegativeInfinity, -3e38f, -1f, 0f, 5f, 3e38f, float.PositiveInfinity];
        Assert.Equal(x, Run(x, null, null));
        Assert.Equal(new[] { 0f, 0f, 0f, 0f, 5f, 3e38f, float.PositiveInfinity }, Run(x, 0f, null));
        Assert.Equal(new[] { float.NegativeInfinity, -3e38f, -1f, 0f, 1f, 1f, 1f }, Run(x, null, 1f));
    }

    [Fact]
    public void MaxWinsWhenMinExceedsMax() => Assert.Equal(new[] { 1f, 1f, 1f }, Run([-5f, 1.5f, 9f], 2f, 1f));

    [Fact]
    public void BoundsMayBeConstantOrRunTimeValues()
    {
        Assert.Equal(new[] { -1f, 0.5f, 1f }, Run([-5f, 0.5f, 9f], -1f, 1f, 1, 2));
        Assert.Equal(new[] { -1f, 0.5f, 1f }, Run([-5f, 0.5f, 9f], -1f, 1f));
    }

    [Fact]
    public void ClipsIntegersAndFloat16()
    {
        Assert.Equal(new sbyte[] { -128, -3, 4, 4 },
            GraphFactory.RunOp(new ClipOp(), [Tensor.FromArray(new Shape(4), new sbyte[] { -128, -3, 4, 127 }), null, Tensor.Scalar((sbyte)4)])[0].ToArray<sbyte>());
        Assert.Equal(new byte[] { 10, 10, 200, 255 },
            GraphFactory.RunOp(new ClipOp(), [Tensor.FromArray(new Shape(4), new byte[] { 0, 10, 200, 255 }), Tensor.Scalar((byte)10)])[0].ToArray<byte>());
        Assert.Equal(new[] { -7, 0, 7 },
            GraphFactory.RunOp(new ClipOp(), [Tensor.FromArray(new Shape(3), new[] { int.MinValue, 0, int.MaxValue }), Tensor.Scalar(-7), Tensor.Scalar(7)])[0].ToArray<int>());
        Assert.Equal(new[] { long.MinValue, 3L },
            GraphFactory.RunOp(new ClipOp(), [Tensor.FromArray(new Shape(2), new[] { long.MinValue, 9L }), null, Tensor.Scalar(3L)])[0].ToArray<long>());
        Assert.Equal(new[] { (Half)(-1), (Half)0.5f, Half.PositiveInfinity },
            GraphFactory.RunOp(new ClipOp(), [Tensor.FromArray(new Shape(3), new[] { Half.NegativeInfinity, (Half)0.5f, Half.PositiveInfinity }), Tensor.Scalar((Half)(-1))])[0].ToArray<Half>());
    }

    [Fact]
    public void RejectsNonScalarBoundsAndMismatchedTypes()
    {
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ClipOp(), [Tensor.Zeros(DataType.Float32, new Shape(3)), Tensor.Zeros(DataType.Float32, new Shape(2))]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ClipOp(), [Tensor.Zeros(DataType.Float32, new Shape(3)), Tensor.Scalar(1)]));
    }

    [Fact]
    public void ImportsOpset6AttributesAsConstantInputs()
    {
        var x = Tensor.FromArray(new Shape(4), new[] { -2f, -0.25f, 0.25f, 2f });
        var both = OnnxNode(7, "Clip", [("x", DataType.Float32, [4])], 1, n => { n.Attribute.Add(Attr("min", -0.5f)); n.Attribute.Add(Attr("max", 0.5f)); });
        Assert.Equal(new[] { -0.5f, -0.25f, 0.25f, 0.5f }, both.Run(x)[0].ToArray<float>());
        var minOnly = OnnxNode(7, "Clip", [("x", DataType.Float32, [4])], 1, n => n.Attribute.Add(Attr("min", 0f)));
        Assert.Equal(new[] { 0f, 0f, 0.25f, 2f }, minOnly.Run(x)[0].ToArray<float>());
        var none = OnnxNode(10, "Clip", [("x", DataType.Float32, [4])], 1);
        Assert.Equal(x.ToArray<float>(), none.Run(x)[0].ToArray<float>());
        // Float16 data with float32 attribute bounds.
        var half = OnnxNode(7, "Clip", [("x", DataType.Float16, [2])], 1, n => n.Attribute.Add(Attr("max", 1.5f)));
        Assert.Equal(new[] { (Half)(-3), (Half)1.5f }, half.Run(Tensor.FromArray(new Shape(2), new[] { (Half)(-3), (Half)4 }))[0].ToArray<Half>());
    }

    [Fact]
    public void ImportsOpset11OptionalInputs()
    {
        var s = OnnxNode(12, "Clip", [("x", DataType.Int32, [3]), ("", DataType.Int32, []), ("max", DataType.Int32, [])], 1);
        Assert.Equal(new[] { -9, 2, 2 }, s.Run(Tensor.FromArray(new Shape(3), new[] { -9, 2, 5 }), Tensor.Scalar(2))[0].ToArray<int>());
    }

    [Fact]
    public void KernelAllocatesNothing() =>
        AssertRunAllocatesNothing(new ClipOp(), Tensor.FromArray(new Shape(5), new float[5]), Tensor.Scalar(0f), Tensor.Scalar(1f));

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_clip", "test_clip_default_inbounds", "test_clip_default_int8_inbounds", "test_clip_default_int8_max", "test_clip_default_int8_min",
        "test_clip_default_max", "test_clip_default_min", "test_clip_example", "test_clip_inbounds", "test_clip_outbounds", "test_clip_splitbounds");
}
