using Depthwise.Formats.Onnx;
using Depthwise.Formats.Onnx.Proto;
using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Google.Protobuf;

namespace Depthwise.Tests.Ops;

/// <summary>
/// Helpers for the tensor (data-movement) op tests: one-node ONNX models at a chosen opset, to check each opset's
/// attribute forms through the importer, and a zero-allocation check of a compiled kernel.
/// </summary>
internal static class TensorOpHarness
{
    /// <summary>One ONNX node input: a graph input (fed at run time) or an initializer; null name = omitted.</summary>
    public sealed record In(Tensor? Value, bool Initializer = false);

    /// <summary>Builds a one-node model: inputs i0.., outputs y0.., attributes added by <paramref name="attrs"/>.</summary>
    public static byte[] Model(string opType, int opset, In[] inputs, int outputs, Action<NodeProto>? attrs = null)
    {
        var g = new GraphProto { Name = "t" };
        var node = new NodeProto { OpType = opType, Name = "n" };
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i].Value is not { } t) { node.Input.Add(""); continue; }
            string name = $"i{i}";
            node.Input.Add(name);
            if (inputs[i].Initializer) g.Initializer.Add(OnnxTensors.ToProto(t, name));
            else g.Input.Add(ValueInfo(name, t.DataType, t.Shape));
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
        return m.ToByteArray();
    }

    /// <summary>Imports and runs a one-node model, feeding the non-initializer inputs.</summary>
    public static Tensor[] Run(string opType, int opset, In[] inputs, int outputs, Action<NodeProto>? attrs = null)
    {
        var session = InferenceSession.FromBytes(Model(opType, opset, inputs, outputs, attrs));
        return session.Run(inputs.Where(i => i.Value is not null && !i.Initializer).Select(i => i.Value!).ToArray());
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };

    /// <summary>A float attribute.</summary>
    public static AttributeProto Float(string name, float v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = v };

    /// <summary>An integer list attribute.</summary>
    public static AttributeProto Ints(string name, params long[] v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }

    /// <summary>A float list attribute.</summary>
    public static AttributeProto Floats(string name, params float[] v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(v);
        return a;
    }

    /// <summary>A tensor attribute.</summary>
    public static AttributeProto TensorAttr(string name, Tensor t) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = OnnxTensors.ToProto(t, name) };

    /// <summary>A 1-D int64 tensor.</summary>
    public static Tensor Longs(params long[] v) => Tensor.FromArray(new Shape(v.Length), v);

    /// <summary>A float tensor holding 0, 1, 2, ... in row-major order.</summary>
    public static Tensor Iota(params int[] dims)
    {
        var s = new Shape(dims);
        return Tensor.FromArray(s, Enumerable.Range(0, s.ElementCount).Select(i => (float)i).ToArray());
    }

    /// <summary>A tensor of any type whose element i has the bit pattern of i (as wide as the type allows).</summary>
    public static Tensor Pattern(DataType type, params int[] dims)
    {
        var t = Tensor.Zeros(type, new Shape(dims));
        int es = DataTypes.SizeOf(type);
        var b = t.Bytes.Span;
        for (int i = 0; i < t.ElementCount; i++)
            for (int k = 0; k < es; k++) b[i * es + k] = (byte)((i >> (8 * Math.Min(k, 3))) + k * 17);
        return t;
    }

    /// <summary>The element of <paramref name="t"/> at <paramref name="flat"/> as raw bytes (for type-agnostic comparisons).</summary>
    public static byte[] Element(Tensor t, int flat)
    {
        int es = DataTypes.SizeOf(t.DataType);
        return t.Bytes.Span.Slice(flat * es, es).ToArray();
    }

    /// <summary>Row-major multi-index of a flat index.</summary>
    public static int[] Unflatten(Shape s, int flat)
    {
        var idx = new int[s.Rank];
        for (int d = s.Rank - 1; d >= 0; d--) { idx[d] = flat % s[d]; flat /= s[d]; }
        return idx;
    }

    /// <summary>Flat index of a multi-index.</summary>
    public static int Flatten(Shape s, ReadOnlySpan<int> idx)
    {
        int f = 0;
        for (int d = 0; d < s.Rank; d++) f = f * s[d] + idx[d];
        return f;
    }

    /// <summary>
    /// Builds a one-node graph with every input a graph input except <paramref name="constantInputs"/>, warms it up
    /// and asserts that further runs into caller buffers allocate nothing.
    /// </summary>
    public static void AssertRunAllocatesNothing(Op op, Tensor[] inputs, int outputs, params int[] constantInputs)
    {
        var g = new Graph.Graph("alloc");
        var ins = new Value?[inputs.Length];
        var feeds = new List<Tensor>();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (constantInputs.Contains(i)) ins[i] = g.AddConstant($"c{i}", inputs[i]);
            else { ins[i] = g.AddInput($"x{i}", inputs[i].DataType, inputs[i].Shape.Dims.ToArray().Select(Dim.Known).ToArray()); feeds.Add(inputs[i]); }
        }
        var node = g.AddNode("node", op, ins, Enumerable.Range(0, outputs).Select(i => $"y{i}").ToArray());
        foreach (var o in node.Outputs) g.AddOutput(o);
        var session = new InferenceSession(g);
        var feedArr = feeds.ToArray();
        var plan = session.GetPlan(feedArr);
        Assert.NotEmpty(plan.Steps);
        var outs = plan.OutputShapes.Select((s, i) => Tensor.Zeros(plan.OutputTypes[i], s)).ToArray();
        session.Run(feedArr, outs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) session.Run(feedArr, outs);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static ValueInfoProto ValueInfo(string name, DataType type, Shape shape)
    {
        var tt = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = new TensorShapeProto() };
        foreach (var d in shape.Dims) tt.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tt } };
    }
}
