using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

public class PadOpTests
{
    private static Tensor Pads(params long[] p) => Tensor.FromArray(new Shape(p.Length), p);

    private static float[] Pad1D(PadMode mode, float[] x, long begin, long end, float? value = null)
    {
        Tensor?[] inputs = value is { } v
            ? [Tensor.FromArray(new Shape(x.Length), x), Pads(begin, end), Tensor.Scalar(v)]
            : [Tensor.FromArray(new Shape(x.Length), x), Pads(begin, end)];
        return GraphFactory.RunOp(new PadOp { Mode = mode }, inputs, 1, 1, 2)[0].ToArray<float>();
    }

    [Fact]
    public void MatchesNumpyOnHandPickedCases()
    {
        // Expected values from numpy.pad.
        Assert.Equal([3, 2, 1, 2, 3, 2, 1], Pad1D(PadMode.Reflect, [1, 2, 3], 2, 2));
        Assert.Equal([2, 1, 2, 3, 2, 1, 2, 3, 2], Pad1D(PadMode.Reflect, [1, 2, 3], 5, 1));
        Assert.Equal([1, 1, 1, 2, 3, 3, 3, 3], Pad1D(PadMode.Edge, [1, 2, 3], 2, 3));
        Assert.Equal([7, 1, 2, 3, 7, 7], Pad1D(PadMode.Constant, [1, 2, 3], 1, 2, 7));
        Assert.Equal([0, 1, 2, 3], Pad1D(PadMode.Constant, [1, 2, 3], 1, 0));

        var y = GraphFactory.RunOp(new PadOp(),
            [Tensor.FromArray(new Shape(2, 3), new float[] { 1, 2, 3, 4, 5, 6 }), Pads(1, 0, 0, 2), Tensor.Scalar(9.5f)], 1, 1, 2)[0];
        Assert.Equal(new Shape(3, 5), y.Shape);
        Assert.Equal([9.5f, 9.5f, 9.5f, 9.5f, 9.5f, 1, 2, 3, 9.5f, 9.5f, 4, 5, 6, 9.5f, 9.5f], y.ToArray<float>());
    }

    [Fact]
    public void NegativePadsCropBeforePadding()
    {
        Assert.Equal([2, 3, 4], Pad1D(PadMode.Constant, [1, 2, 3, 4, 5], -1, -1));
        Assert.Equal([2, 3, 4, 5, 5, 5], Pad1D(PadMode.Edge, [1, 2, 3, 4, 5], -1, 2));
        // Reflection happens inside the part that survives cropping.
        Assert.Equal([3, 2, 1, 2, 3, 4], Pad1D(PadMode.Reflect, [1, 2, 3, 4, 5], 2, -1));
        Assert.Equal([2, 3, 4, 5, 4, 3], Pad1D(PadMode.Reflect, [1, 2, 3, 4, 5], -1, 2));
    }

    [Fact]
    public void MatchesNaiveReferenceOverAwkwardShapesAndPads()
    {
        var rng = new Random(7);
        int[][] shapes = [[5], [1, 7], [3, 1, 4], [2, 3, 2, 5], [4, 2]];
        foreach (var dims in shapes)
        {
            var shape = new Shape(dims);
            var x = Enumerable.Range(0, shape.ElementCount).Select(i => (float)(i * 3 % 17) - 4).ToArray();
            foreach (var mode in new[] { PadMode.Constant, PadMode.Edge, PadMode.Reflect })
            {
                for (int trial = 0; trial < 12; trial++)
                {
                    var begin = new long[dims.Length];
                    var end = new long[dims.Length];
                    for (int d = 0; d < dims.Length; d++)
                    {
                        // Crop at most dims-1 in total so edge and reflect keep an element; pads up to 2 past the size.
                        int maxCrop = dims[d] - 1;
                        begin[d] = rng.Next(-maxCrop / 2, dims[d] + 3);
                        end[d] = rng.Next(-(maxCrop - maxCrop / 2), dims[d] + 3);
                    }
                    float value = rng.Next(-5, 5) + 0.5f;
                    var y = GraphFactory.RunOp(new PadOp { Mode = mode },
                        [Tensor.FromArray(shape, x), Pads([.. begin, .. end]), Tensor.Scalar(value)], 1, 1, 2)[0];
                    var (expShape, expected) = NaivePad(dims, x, begin, end, mode, value);
                    Assert.Equal(new Shape(expShape), y.Shape);
                    Assert.Equal(expected, y.ToArray<float>());
                }
            }
        }
    }

    /// <summary>Crops explicitly, then pads by walking each coordinate back into range (reflect bounces step by step).</summary>
    private static (int[] Shape, float[] Data) NaivePad(int[] dims, float[] x, long[] begin, long[] end, PadMode mode, float value)
    {
        int rank = dims.Length;
        var lo = new int[rank];
        var cropDims = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            lo[d] = (int)Math.Max(0, -begin[d]);
            cropDims[d] = dims[d] - lo[d] - (int)Math.Max(0, -end[d]);
        }
        var outDims = new int[rank];
        for (int d = 0; d < rank; d++) outDims[d] = cropDims[d] + (int)Math.Max(0, begin[d]) + (int)Math.Max(0, end[d]);
        int count = outDims.Aggregate(1, (a, b) => a * b);
        var y = new float[count];
        var idx = new int[rank];
        for (int e = 0; e < count; e++)
        {
            int rem = e;
            for (int d = rank - 1; d >= 0; d--) { idx[d] = rem % outDims[d]; rem /= outDims[d]; }
            bool fill = false;
            int flat = 0;
            for (int d = 0; d < rank; d++)
            {
                int i = idx[d] - (int)Math.Max(0, begin[d]);
                int n = cropDims[d];
                if (i < 0 || i >= n)
                {
                    if (mode == PadMode.Constant) { fill = true; break; }
                    if (mode == PadMode.Edge) i = Math.Clamp(i, 0, n - 1);
                    else if (n == 1) i = 0;
                    else
                    {
                        while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
                    }
                }
                flat = flat * dims[d] + lo[d] + i;
            }
            y[e] = fill ? value : x[flat];
        }
        return (outDims, y);
    }

    [Fact]
    public void AxesInputPadsOnlyTheNamedAxes()
    {
        var x = Tensor.FromArray(new Shape(2, 3), new float[] { 1, 2, 3, 4, 5, 6 });
        var y = GraphFactory.RunOp(new PadOp { Mode = PadMode.Edge }, [x, Pads(1, 2), null, Pads(-1)], 1, 1, 3)[0];
        Assert.Equal(new Shape(2, 6), y.Shape);
        Assert.Equal([1, 1, 2, 3, 3, 3, 4, 4, 5, 6, 6, 6], y.ToArray<float>());
    }

    [Fact]
    public void ConstantValueMayArriveAtRunTime()
    {
        var x = Tensor.FromArray(new Shape(2), new int[] { 5, 6 });
        var session = new InferenceSession(OneNodeGraph(new PadOp(), x, Pads(1, 1)));
        Assert.Equal([-3, 5, 6, -3], session.Run(x, Tensor.Scalar(-3))[0].ToArray<int>());
        Assert.Equal([42, 5, 6, 42], session.Run(x, Tensor.Scalar(42))[0].ToArray<int>());
    }

    private static Graph.Graph OneNodeGraph(PadOp op, Tensor x, Tensor pads)
    {
        var g = new Graph.Graph("pad");
        var xi = g.AddInput("x", x.DataType, x.Shape.Dims.ToArray().Select(Graph.Dim.Known).ToArray());
        var ci = g.AddInput("c", x.DataType, []);
        var p = g.AddConstant("pads", pads);
        var node = g.AddNode("pad", op, [xi, p, ci], ["y"]);
        g.AddOutput(node.Outputs[0]);
        return g;
    }

    [Fact]
    public void HandlesEveryElementType()
    {
        var p = Pads(1, 1);
        Assert.Equal([9, 1, 2, 9], GraphFactory.RunOp(new PadOp(), [Tensor.FromArray(new Shape(2), new byte[] { 1, 2 }), p, Tensor.Scalar((byte)9)], 1, 1, 2)[0].ToArray<byte>());
        Assert.Equal([-9, 1, 2, -9], GraphFactory.RunOp(new PadOp(), [Tensor.FromArray(new Shape(2), new sbyte[] { 1, 2 }), p, Tensor.Scalar((sbyte)-9)], 1, 1, 2)[0].ToArray<sbyte>());
        Assert.Equal([1L << 40, 1, 2, 1L << 40], GraphFactory.RunOp(new PadOp(), [Tensor.FromArray(new Shape(2), new long[] { 1, 2 }), p, Tensor.Scalar(1L << 40)], 1, 1, 2)[0].ToArray<long>());
        Assert.Equal([true, false, true, true], GraphFactory.RunOp(new PadOp(), [Tensor.FromArray(new Shape(2), new[] { false, true }), p, Tensor.Scalar(true)], 1, 1, 2)[0].ToArray<bool>());
        Assert.Equal([(Half)0.5f, (Half)1, (Half)2, (Half)0.5f], GraphFactory.RunOp(new PadOp(), [Tensor.FromArray(new Shape(2), new[] { (Half)1, (Half)2 }), p, Tensor.Scalar((Half)0.5f)], 1, 1, 2)[0].ToArray<Half>());
        Assert.Equal([2, 1, 2, 1], GraphFactory.RunOp(new PadOp { Mode = PadMode.Reflect }, [Tensor.FromArray(new Shape(2), new int[] { 1, 2 }), p], 1, 1)[0].ToArray<int>());
    }

    [Fact]
    public void ScalarAndEmptyTensors()
    {
        Assert.Equal([4f], GraphFactory.RunOp(new PadOp(), [Tensor.Scalar(4f), Tensor.FromArray(new Shape(0), Array.Empty<long>())], 1, 1)[0].ToArray<float>());
        var empty = GraphFactory.RunOp(new PadOp(), [Tensor.Zeros(DataType.Float32, new Shape(0, 2)), Pads(1, 0, 1, 1)], 1, 1)[0];
        Assert.Equal(new Shape(2, 3), empty.Shape);
        Assert.All(empty.ToArray<float>(), v => Assert.Equal(0f, v));
        var cropped = GraphFactory.RunOp(new PadOp(), [Tensor.Zeros(DataType.Float32, new Shape(3, 2)), Pads(-3, 0, 0, 0)], 1, 1)[0];
        Assert.Equal(new Shape(0, 2), cropped.Shape);
    }

    [Fact]
    public void RejectsInvalidPads()
    {
        var x = Tensor.FromArray(new Shape(2, 2), new float[4]);
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new PadOp(), [x, Pads(1, 1, 1)], 1, 1));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new PadOp(), [x, Pads(-2, 0, -1, 0)], 1, 1));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new PadOp { Mode = PadMode.Reflect }, [x, Pads(-2, 0, 1, 0)], 1, 1));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new PadOp { Mode = PadMode.Edge }, [Tensor.Zeros(DataType.Float32, new Shape(0)), Pads(1, 1)], 1, 1));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new PadOp(), [x, Pads(1, 1), null, Tensor.FromArray(new Shape(1), new long[] { 2 })], 1, 1, 3));
    }

    [Fact]
    public void RunAllocatesNothing()
    {
        var g = new Graph.Graph("pad");
        var xi = g.AddInput("x", DataType.Float32, [Graph.Dim.Known(3), Graph.Dim.Known(4)]);
        var node = g.AddNode("pad", new PadOp { Mode = PadMode.Reflect }, [xi, g.AddConstant("p", Pads(2, 1, 1, 3))], ["y"]);
        g.AddOutput(node.Outputs[0]);
        var session = new InferenceSession(g);
        var x = Tensor.FromArray(new Shape(3, 4), new float[12]);
        var plan = session.GetPlan([x]);
        var y = Tensor.Zeros(plan.OutputTypes[0], plan.OutputShapes[0]);
        session.Run([x], [y]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) session.Run([x], [y]);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ImportsOpset2AttributesAsInputs()
    {
        var x = Tensor.FromArray(new Shape(1, 2), new float[] { 1, 2 });
        var y = new OnnxOneNodeModel("Pad", 7).Input(x).Attr("pads", [0L, 1, 1, 2]).Attr("value", 0.25f).Run();
        Assert.Equal(new Shape(2, 5), y.Shape);
        Assert.Equal([0.25f, 1, 2, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f], y.ToArray<float>());
        var ints = new OnnxOneNodeModel("Pad", 9).Input(Tensor.FromArray(new Shape(2), new[] { 1, 2 })).Attr("pads", [1L, 0]).Attr("value", 3f).Run();
        Assert.Equal([3, 1, 2], ints.ToArray<int>());
        var r = new OnnxOneNodeModel("Pad", 10).Input(x).Attr("pads", [0L, 2, 0, 0]).Attr("mode", "reflect").Run();
        Assert.Equal([1, 2, 1, 2], r.ToArray<float>());
    }

    [Fact]
    public void ImportsOpset11And18Inputs()
    {
        var x = Tensor.FromArray(new Shape(2, 2), new float[] { 1, 2, 3, 4 });
        var y = new OnnxOneNodeModel("Pad", 11).Input(x).Constant(Pads(0, 1, 0, 0)).Attr("mode", "edge").Run();
        Assert.Equal([1, 1, 2, 3, 3, 4], y.ToArray<float>());
        var z = new OnnxOneNodeModel("Pad", 18).Input(x).Constant(Pads(1, 0)).Constant(Tensor.Scalar(5f))
            .Constant(Tensor.FromArray(new Shape(1), new long[] { 0 })).Run();
        Assert.Equal(new Shape(3, 2), z.Shape);
        Assert.Equal([5, 5, 1, 2, 3, 4], z.ToArray<float>());
    }

    [Fact]
    public void WrapModeIsReportedUnsupported()
    {
        var x = Tensor.FromArray(new Shape(2), new float[2]);
        var e = Assert.Throws<UnsupportedOperatorException>(() => new OnnxOneNodeModel("Pad", 18).Input(x).Constant(Pads(1, 1)).Attr("mode", "wrap").Import());
        Assert.Contains("wrap", e.Message);
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_constant_pad", "test_edge_pad", "test_reflect_pad");
}
