using Depthwise.Formats.Onnx;
using Depthwise.Formats.Onnx.Proto;
using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Google.Protobuf;

namespace Depthwise.Tests.Ops;

/// <summary>Shared checks for the elementwise operator tests: reference sweeps, broadcast indexing, one-node ONNX models.</summary>
internal static class ElementwiseTestKit
{
    /// <summary>Awkward float inputs for a sweep of length <paramref name="n"/>: a spread of signs and magnitudes, zeros, specials.</summary>
    public static float[] Inputs(int n)
    {
        float[] specials = [0f, -0f, 1f, -1f, 0.5f, -0.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e-30f, -1e-30f, 88.5f, -104f, 3.999f, 4.001f];
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = i < specials.Length && n > 20 ? specials[i] : (i - n / 2) * 0.37f + (i % 3) * 0.011f;
        return x;
    }

    /// <summary>True when <paramref name="actual"/> is within <paramref name="rtol"/> of <paramref name="expected"/> (NaN = NaN).</summary>
    public static bool Close(double actual, double expected, double rtol = 1e-6, double atol = 1e-30)
    {
        if (double.IsNaN(expected)) return double.IsNaN(actual);
        if (double.IsInfinity(expected)) return actual == expected;
        return Math.Abs(actual - expected) <= atol + rtol * Math.Abs(expected);
    }

    /// <summary>Runs a float32 unary op on every length 0..70 and compares with a double reference.</summary>
    public static void AssertUnaryMatches(Func<Op> op, Func<double, double> reference, double rtol = 1e-6)
    {
        for (int n = 0; n <= 70; n++)
        {
            var x = Inputs(n);
            var y = GraphFactory.RunOp(op(), [Tensor.FromArray(new Shape(n), x)])[0];
            Assert.Equal(DataType.Float32, y.DataType);
            Assert.Equal(new Shape(n), y.Shape);
            var yy = y.ToArray<float>();
            for (int i = 0; i < n; i++)
            {
                double e = (float)reference(x[i]);
                Assert.True(Close(yy[i], e, rtol), $"n={n}, x={x[i]:R}: got {yy[i]:R}, expected {e:R}");
            }
        }
    }

    /// <summary>Runs a unary op on float16 data and compares with the float32 reference rounded to float16.</summary>
    public static void AssertHalfMatches(Func<Op> op, Func<double, double> reference)
    {
        var x = Inputs(40).Select(v => (Half)v).ToArray();
        var y = GraphFactory.RunOp(op(), [Tensor.FromArray(new Shape(5, 8), x)])[0];
        Assert.Equal(DataType.Float16, y.DataType);
        var yy = y.ToArray<Half>();
        for (int i = 0; i < x.Length; i++)
        {
            double e = (double)(Half)(float)reference((double)x[i]);
            Assert.True(Close((double)yy[i], e, 1e-3), $"x={x[i]}: got {yy[i]}, expected {e}");
        }
    }

    /// <summary>The flat index in a tensor of shape <paramref name="s"/> that broadcasts to output index <paramref name="outIdx"/>.</summary>
    public static int Flat(Shape s, int[] outIdx)
    {
        int off = 0, stride = 1;
        for (int d = s.Rank - 1; d >= 0; d--)
        {
            int od = outIdx[outIdx.Length - s.Rank + d];
            off += (s[d] == 1 ? 0 : od) * stride;
            stride *= s[d];
        }
        return off;
    }

    /// <summary>The multi-index of flat output element <paramref name="i"/>.</summary>
    public static int[] Unflatten(Shape s, int i)
    {
        var st = s.Strides();
        var idx = new int[s.Rank];
        for (int d = 0, r = i; d < s.Rank; d++) { idx[d] = r / st[d]; r %= st[d]; }
        return idx;
    }

    /// <summary>The numpy broadcast of several shapes.</summary>
    public static Shape Broadcast(params Shape[] shapes) => shapes.Aggregate((a, b) => Shape.Broadcast(a, b)!.Value);

    /// <summary>Shape pairs that cover every broadcast pattern: equal, scalar, leading ones, middle ones, both sides.</summary>
    public static readonly int[][][] BroadcastPairs =
    [
        [[2, 3, 4], [2, 3, 4]], [[2, 3, 4], []], [[], [2, 3, 4]], [[2, 1, 4], [1, 3, 1]], [[1, 3, 1], [2, 1, 4]],
        [[4], [3, 4]], [[3, 1], [1, 4]], [[2, 3, 4], [3, 1]], [[1], [5]], [[0, 3], [1, 3]], [[2, 1, 1, 3], [1, 5, 1]], [[67], [67]],
    ];

    /// <summary>Runs a one-output op on a constant-free graph and asserts that a warm run allocates nothing.</summary>
    public static void AssertRunAllocatesNothing(Op op, params Tensor[] inputs)
    {
        var g = new Graph.Graph("alloc");
        var ins = inputs.Select((t, i) => (Value?)g.AddInput($"x{i}", t.DataType, t.Shape.Dims.ToArray().Select(Dim.Known).ToArray())).ToArray();
        g.AddOutput(g.AddNode("node", op, ins, ["y"]).Outputs[0]);
        var session = new InferenceSession(g);
        var plan = session.GetPlan(inputs);
        var y = Tensor.Zeros(plan.OutputTypes[0], plan.OutputShapes[0]);
        Tensor[] outs = [y];
        session.Run(inputs, outs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) session.Run(inputs, outs);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>
    /// A one-node ONNX model at <paramref name="opset"/> whose inputs are float32 graph inputs of the given shapes
    /// (or initializers, where <paramref name="initializers"/> names them), with attributes set by <paramref name="attrs"/>.
    /// </summary>
    public static InferenceSession OnnxNode(int opset, string opType, (string Name, DataType Type, int[] Shape)[] inputs, int outputs,
        Action<NodeProto>? attrs = null, Dictionary<string, Tensor>? initializers = null)
    {
        var g = new GraphProto { Name = "g" };
        var node = new NodeProto { OpType = opType, Name = "n" };
        foreach (var (name, type, shape) in inputs)
        {
            node.Input.Add(name);
            if (name.Length == 0) continue;
            if (initializers is not null && initializers.TryGetValue(name, out var t)) { g.Initializer.Add(OnnxTensors.ToProto(t, name)); continue; }
            var tt = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = new TensorShapeProto() };
            foreach (var d in shape) tt.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
            g.Input.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tt } });
        }
        for (int i = 0; i < outputs; i++)
        {
            node.Output.Add($"y{i}");
            g.Output.Add(new ValueInfoProto { Name = $"y{i}" });
        }
        attrs?.Invoke(node);
        g.Node.Add(node);
        var m = new ModelProto { IrVersion = 8, Graph = g };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return InferenceSession.FromBytes(m.ToByteArray());
    }

    /// <summary>A float attribute.</summary>
    public static AttributeProto Attr(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Attr(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>
    /// Runs an official node test whose model imports an opset below ours, after raising the import to
    /// <paramref name="opset"/> (valid when the operator did not change between the two).
    /// </summary>
    public static void AssertPassAtOpset(string testName, int opset)
    {
        var src = Path.Combine(NodeTests.Root, testName);
        Skip.IfNot(Directory.Exists(src), $"ONNX node test {testName} not found at {NodeTests.Root}");
        var dir = Path.Combine(Path.GetTempPath(), $"depthwise-{testName}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            foreach (var f in Directory.GetFiles(src, "*", SearchOption.AllDirectories))
            {
                var to = Path.Combine(dir, Path.GetRelativePath(src, f));
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(f, to);
            }
            var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(src, "model.onnx")));
            foreach (var o in model.OpsetImport) if (o.Domain.Length == 0) o.Version = opset;
            File.WriteAllBytes(Path.Combine(dir, "model.onnx"), model.ToByteArray());
            var r = OnnxTestCase.Run(dir);
            Assert.True(r.Status == TestCaseStatus.Pass, $"{testName} at opset {opset}: {r.Status} {r.Message}");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
