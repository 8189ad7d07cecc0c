using Depthwise.Formats.Onnx;
using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

public class ArgMaxOpTests
{
    /// <summary>Naive reference: for every output position, scan the axis with the same tie rule.</summary>
    private static long[] Reference(float[] x, int[] dims, int axis, bool min, bool last)
    {
        int outer = dims[..axis].Aggregate(1, (a, b) => a * b), n = dims[axis];
        int inner = dims[(axis + 1)..].Aggregate(1, (a, b) => a * b);
        var r = new long[outer * inner];
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            var values = Enumerable.Range(0, n).Select(k => x[(o * n + k) * inner + i]).ToArray();
            float target = min ? values.Min() : values.Max();
            var hits = Enumerable.Range(0, n).Where(k => values[k] == target).ToArray();
            r[o * inner + i] = last ? hits[^1] : hits[0];
        }
        return r;
    }

    [Theory]
    [InlineData(new[] { 7 }, 0)]
    [InlineData(new[] { 3, 5 }, 1)]
    [InlineData(new[] { 3, 5 }, -2)]
    [InlineData(new[] { 2, 3, 4, 5 }, 2)]
    [InlineData(new[] { 2, 1, 4 }, 1)]
    [InlineData(new[] { 4, 3, 1 }, 0)]
    public void MatchesNaiveReferenceWithTies(int[] dims, int axis)
    {
        // Few distinct values so ties are common.
        var rng = new Random(dims.Sum() + axis);
        var x = Enumerable.Range(0, dims.Aggregate(1, (a, b) => a * b)).Select(_ => (float)rng.Next(4)).ToArray();
        int a = axis < 0 ? axis + dims.Length : axis;
        foreach (bool min in new[] { false, true })
        foreach (bool last in new[] { false, true })
        foreach (bool keep in new[] { false, true })
        {
            var op = new ArgMaxOp { Min = min, Axis = axis, KeepDims = keep, SelectLastIndex = last };
            var y = GraphFactory.RunOp(op, [Tensor.FromArray(new Shape(dims), x)])[0];
            var outDims = keep ? dims.Select((d, i) => i == a ? 1 : d).ToArray() : dims.Where((_, i) => i != a).ToArray();
            Assert.Equal(new Shape(outDims), y.Shape);
            Assert.Equal(DataType.Int64, y.DataType);
            Assert.Equal(Reference(x, dims, a, min, last), y.ToArray<long>());
        }
    }

    [Fact]
    public void ComparesEveryIntegerTypeAndWritesInt32()
    {
        var x8 = new byte[] { 3, 200, 200, 7, 0, 255 };
        var y = GraphFactory.RunOp(new ArgMaxOp { Axis = 1, KeepDims = false, OutputType = DataType.Int32 },
            [Tensor.FromArray(new Shape(2, 3), x8, QuantParams.PerTensor(0.5f, 128))])[0];
        Assert.Equal(DataType.Int32, y.DataType);
        Assert.Equal([1, 2], y.ToArray<int>());

        var s8 = new sbyte[] { -3, -128, 5, 5, 127, -1 };
        Assert.Equal([1L, 2L], GraphFactory.RunOp(new ArgMaxOp { Min = true, Axis = 1, KeepDims = false },
            [Tensor.FromArray(new Shape(2, 3), s8)])[0].ToArray<long>());
        Assert.Equal([1, 1, 0], GraphFactory.RunOp(new ArgMaxOp { Axis = 0, KeepDims = false, OutputType = DataType.Int32 },
            [Tensor.FromArray(new Shape(2, 3), s8)])[0].ToArray<int>());

        var i32 = new[] { int.MinValue, -1, int.MaxValue, int.MaxValue };
        Assert.Equal([2L], GraphFactory.RunOp(new ArgMaxOp { KeepDims = false }, [Tensor.FromArray(new Shape(4), i32)])[0].ToArray<long>());
        Assert.Equal([3L], GraphFactory.RunOp(new ArgMaxOp { KeepDims = false, SelectLastIndex = true }, [Tensor.FromArray(new Shape(4), i32)])[0].ToArray<long>());
        var i64 = new[] { 5L, long.MinValue, 9L };
        Assert.Equal([1L], GraphFactory.RunOp(new ArgMaxOp { Min = true, KeepDims = false }, [Tensor.FromArray(new Shape(3), i64)])[0].ToArray<long>());
        var f16 = new[] { (Half)1, (Half)(-2), (Half)3.5f };
        Assert.Equal([2L], GraphFactory.RunOp(new ArgMaxOp { KeepDims = false }, [Tensor.FromArray(new Shape(3), f16)])[0].ToArray<long>());
    }

    [Fact]
    public void OutputCarriesNoQuantization()
    {
        var g = new Graph.Graph("q");
        var x = g.AddInput("x", DataType.UInt8, [Dim.Known(1), Dim.Known(4)]);
        x.Quant = QuantParams.PerTensor(0.1f, 3);
        var n = g.AddNode("am", new ArgMaxOp { Axis = 1 }, [x], ["y"]);
        g.AddOutput(n.Outputs[0]);
        var y = new InferenceSession(g).Run([Tensor.FromArray(new Shape(1, 4), new byte[] { 1, 9, 2, 9 }, x.Quant)])[0];
        Assert.Null(y.Quant);
        Assert.Equal([1L], y.ToArray<long>());
    }

    [Fact]
    public void NaNNeverBeatsAnEarlierNumber()
    {
        var x = new[] { 1f, float.NaN, 3f, 2f };
        Assert.Equal([2L], GraphFactory.RunOp(new ArgMaxOp { KeepDims = false }, [Tensor.FromArray(new Shape(4), x)])[0].ToArray<long>());
        Assert.Equal([0L], GraphFactory.RunOp(new ArgMaxOp { Min = true, KeepDims = false }, [Tensor.FromArray(new Shape(4), x)])[0].ToArray<long>());
    }

    [Fact]
    public void RejectsBadAxesAndEmptyAxis()
    {
        var x = Tensor.Zeros(DataType.Float32, new Shape(2, 3));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ArgMaxOp { Axis = 2 }, [x]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ArgMaxOp { Axis = -3 }, [x]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ArgMaxOp { Axis = 1 }, [Tensor.Zeros(DataType.Float32, new Shape(2, 0))]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ArgMaxOp { OutputType = DataType.UInt8 }, [x]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new ArgMaxOp(), [Tensor.Zeros(DataType.Bool, new Shape(2))]));
    }

    [Fact]
    public void ImportRowsFollowTheOpset()
    {
        var x = Tensor.FromArray(new Shape(2, 3), new[] { 1f, 5f, 5f, 2f, 2f, 0f });
        // Opset 1: defaults axis 0, keepdims 1.
        var y = new OnnxOneNodeModel("ArgMax", 1).Input(x).Run();
        Assert.Equal(new Shape(1, 3), y.Shape);
        Assert.Equal([1L, 0L, 0L], y.ToArray<long>());
        // Opset 1 forbids a negative axis; 11 allows it.
        Assert.Throws<ModelFormatException>(() => new OnnxOneNodeModel("ArgMax", 1).Input(x).Attr("axis", -1L).Run());
        Assert.Equal([1L, 0L], new OnnxOneNodeModel("ArgMax", 11).Input(x).Attr("axis", -1L).Attr("keepdims", 0L).Run().ToArray<long>());
        // select_last_index exists from 12.
        Assert.Equal([2L, 1L], new OnnxOneNodeModel("ArgMax", 12).Input(x).Attr("axis", 1L).Attr("keepdims", 0L).Attr("select_last_index", 1L).Run().ToArray<long>());
        Assert.Equal([0L, 2L], new OnnxOneNodeModel("ArgMin", 13).Input(x).Attr("axis", 1L).Attr("keepdims", 0L).Run().ToArray<long>());
        Assert.Equal([0L, 1L, 1L], new OnnxOneNodeModel("ArgMin", 13).Input(x).Attr("keepdims", 0L).Run().ToArray<long>());
        // A tie down axis 0 (column 1): the first index, or the last with select_last_index.
        var tie = Tensor.FromArray(new Shape(2, 3), new[] { 1f, 5f, 5f, 2f, 5f, 0f });
        Assert.Equal([1L, 0L, 0L], new OnnxOneNodeModel("ArgMax", 13).Input(tie).Attr("keepdims", 0L).Run().ToArray<long>());
        Assert.Equal([1L, 1L, 0L], new OnnxOneNodeModel("ArgMax", 13).Input(tie).Attr("keepdims", 0L).Attr("select_last_index", 1L).Run().ToArray<long>());
    }

    [Fact]
    public void ExportRoundTripsBothOpsAndTheInt32Output()
    {
        var x = Tensor.FromArray(new Shape(2, 3), new[] { 1f, 5f, 5f, 2f, 2f, 0f });
        foreach (var op in new[]
        {
            new ArgMaxOp { Axis = 1, KeepDims = false, SelectLastIndex = true },
            new ArgMaxOp { Min = true, Axis = -1, OutputType = DataType.Int32 },
            new ArgMaxOp { Min = true, Axis = 0 },
        })
        {
            var g = new Graph.Graph("argmax");
            var xv = g.AddInput("x", DataType.Float32, [Dim.Known(2), Dim.Known(3)]);
            var n = g.AddNode("am", op, [xv], ["y"]);
            g.AddOutput(n.Outputs[0]);
            var expected = new InferenceSession(g).Run([x])[0];
            var back = OnnxImporter.Import(OnnxExporter.ToBytes(g));
            Assert.Contains(back.Nodes, m => m.Op.OpType == op.OpType);
            var actual = new InferenceSession(back).Run([x])[0];
            Assert.Equal(expected.DataType, actual.DataType);
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.Equal(expected.Bytes.ToArray(), actual.Bytes.ToArray());
        }
    }

    [SkippableFact]
    public void PassesOnnxNodeTests()
    {
        var names = new List<string>();
        foreach (var op in new[] { "argmax", "argmin" })
        foreach (var variant in new[] { "default_axis", "keepdims", "negative_axis_keepdims", "no_keepdims" })
        foreach (var data in new[] { "example", "random" })
        foreach (var last in new[] { "", "_select_last_index" })
            names.Add($"test_{op}_{variant}_{data}{last}");
        NodeTests.AssertPass(names.ToArray());
    }
}
