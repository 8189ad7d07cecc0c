using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Tensors;

namespace Depthwise.Tests.Passes;

public class SymbolicShapesTests
{
    private static string Format(Dim[]? dims) => dims is null ? "?" : "[" + string.Join(",", dims.Select(d => d.IsKnown ? d.Size.ToString(System.Globalization.CultureInfo.InvariantCulture) : d.Name)) + "]";

    [Fact]
    public void CarriesTheBatchSymbolThroughConvPoolsGemmAndElementwiseOps()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", -1, 3, 9, 9);
        var conv = t.Node(new ConvOp { Strides = [2, 2], Pads = [1, 1, 1, 1] }, x, t.Const(1, 8, 3, 3, 3));
        var relu = t.Node(new ReluOp(), conv);
        var nhwc = t.Node(new TransposeOp { Perm = [0, 2, 3, 1] }, relu);
        var gap = t.Node(new GlobalAveragePoolOp(), relu);
        var gate = t.Node(new MulOp(), relu, gap);
        var flat = t.Node(new FlattenOp(), gap);
        var fc = t.Node(new GemmOp { TransB = true }, flat, t.Const(2, 10, 8));
        var shape = t.Node(new ShapeOp(), relu);
        var s = SymbolicShapes.Infer(t.Graph);
        Assert.Equal("[N,8,5,5]", Format(s[conv]));
        Assert.Equal("[N,8,5,5]", Format(s[relu]));
        Assert.Equal("[N,5,5,8]", Format(s[nhwc]));
        Assert.Equal("[N,8,1,1]", Format(s[gap]));
        Assert.Equal("[N,8,5,5]", Format(s[gate]));
        Assert.Equal("[N,8]", Format(s[flat]));
        Assert.Equal("[N,10]", Format(s[fc]));
        Assert.Equal("[4]", Format(s[shape]));
        Assert.True(s.SameShape(conv, gate));
        Assert.False(s.SameShape(conv, x));
    }

    [Fact]
    public void UnknownDimsGetTheirOwnNamesAndNeverMatchOthers()
    {
        var g = new Graph.Graph();
        var a = g.AddInput("a", DataType.Float32, [Dim.Unknown(), Dim.Known(3)]);
        var b = g.AddInput("b", DataType.Float32, [Dim.Unknown(), Dim.Known(3)]);
        var untyped = g.AddInput("c", DataType.Float32, null);
        var sum = g.AddNode("add", new AddOp(), [a, b], ["sum"]).Outputs[0];
        var same = g.AddNode("neg", new NegOp(), [a], ["neg"]).Outputs[0];
        var unknown = g.AddNode("relu", new ReluOp(), [untyped], ["r"]).Outputs[0];
        var s = SymbolicShapes.Infer(g);
        Assert.False(s.SameShape(a, b));
        Assert.True(s.SameShape(a, same));
        Assert.Equal(2, s.Rank(sum));
        Assert.False(s.SameShape(sum, a));
        Assert.Equal(-1, s.Rank(unknown));
    }

    [Fact]
    public void ASliceOfTheBatchIsNotTheBatch()
    {
        var t = new PassTestGraph();
        var x = t.Input("x", -1, 4);
        // Slice [0:1] of dim 0 is 1 for a batch of 1 and for any other batch: not the symbol N.
        var one = t.Node(new SliceOp(), x, t.Const(Tensor.FromArray(new Shape(1), new long[] { 0 })), t.Const(Tensor.FromArray(new Shape(1), new long[] { 1 })));
        var padded = t.Node(new PadOp(), x, t.Const(Tensor.FromArray(new Shape(4), new long[] { 1, 0, 0, 0 })));
        var s = SymbolicShapes.Infer(t.Graph);
        Assert.False(s[one] is { } d && !d[0].IsKnown && d[0].Name == "N");
        Assert.False(s[padded] is { } p && !p[0].IsKnown && p[0].Name == "N");
    }
}
