using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.TensorOpHarness;

namespace Depthwise.Tests.Ops;

public class ConstantOpTests
{
    [Fact]
    public void OutputsItsValueAndFoldsAway()
    {
        var g = new Graph.Graph();
        var x = g.AddInput("x", DataType.Float32, [Dim.Known(3)]);
        var c = g.AddNode("c", new ConstantOp(Tensor.FromArray(new Shape(3), new float[] { 1, 2, 3 })), [], ["c"]).Outputs[0];
        g.AddOutput(c);
        g.AddOutput(g.AddNode("add", new AddOp(), [x, c], ["y"]).Outputs[0]);
        var session = new InferenceSession(g);
        var outs = session.Run(Tensor.FromArray(new Shape(3), new float[] { 10, 20, 30 }));
        Assert.Equal(new float[] { 1, 2, 3 }, outs[0].ToArray<float>());
        Assert.Equal(new float[] { 11, 22, 33 }, outs[1].ToArray<float>());
        Assert.Single(session.GetPlan([Iota(3)]).Steps);
    }

    [Fact]
    public void ImportsEveryValueAttribute()
    {
        var v = Run("Constant", 13, [], 1, n => n.Attribute.Add(TensorAttr("value", Tensor.FromArray(new Shape(2, 1), new[] { 7, -7 }))))[0];
        Assert.Equal(DataType.Int32, v.DataType);
        Assert.Equal(new Shape(2, 1), v.Shape);
        var f = Run("Constant", 12, [], 1, n => n.Attribute.Add(Float("value_float", 2.5f)))[0];
        Assert.Equal(Shape.Scalar, f.Shape);
        Assert.Equal(2.5f, f.ToArray<float>()[0]);
        var fs = Run("Constant", 13, [], 1, n => n.Attribute.Add(Floats("value_floats", 1, 2)))[0];
        Assert.Equal(new float[] { 1, 2 }, fs.ToArray<float>());
        var i = Run("Constant", 18, [], 1, n => n.Attribute.Add(Int("value_int", -3)))[0];
        Assert.Equal(DataType.Int64, i.DataType);
        Assert.Equal(Shape.Scalar, i.Shape);
        var ints = Run("Constant", 18, [], 1, n => n.Attribute.Add(Ints("value_ints", 4, 5, 6)))[0];
        Assert.Equal(new long[] { 4, 5, 6 }, ints.ToArray<long>());
    }

    [Fact]
    public void RejectsStringsSparseValuesAndAmbiguity()
    {
        Assert.Throws<UnsupportedOperatorException>(() => Run("Constant", 13, [], 1, n =>
            n.Attribute.Add(new global::Depthwise.Formats.Onnx.Proto.AttributeProto { Name = "value_string", Type = global::Depthwise.Formats.Onnx.Proto.AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8("a") })));
        Assert.Throws<UnsupportedOperatorException>(() => Run("Constant", 13, [], 1, n =>
            n.Attribute.Add(new global::Depthwise.Formats.Onnx.Proto.AttributeProto { Name = "sparse_value", Type = global::Depthwise.Formats.Onnx.Proto.AttributeProto.Types.AttributeType.SparseTensor })));
        Assert.Throws<ModelFormatException>(() => Run("Constant", 13, [], 1, n => { n.Attribute.Add(Int("value_int", 1)); n.Attribute.Add(Float("value_float", 1)); }));
        Assert.Throws<ModelFormatException>(() => Run("Constant", 13, [], 1));
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_constant");
}
