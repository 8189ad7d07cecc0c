using Depthwise.Formats.Onnx.Proto;
using Google.Protobuf;

namespace Depthwise.Tests.Formats.Onnx;

/// <summary>Builds small ONNX models as protobuf messages, for importer, exporter and bad-input tests.</summary>
internal static class OnnxModels
{
    public const int F32 = 1, U8 = 2, I64 = 7, F64 = 11;

    /// <summary>A tensor value_info; each dim is a long (dim_value), a string (dim_param) or null (unknown).</summary>
    public static ValueInfoProto Info(string name, int elemType, params object?[]? dims)
    {
        var tt = new TypeProto.Types.Tensor { ElemType = elemType };
        if (dims is not null)
        {
            tt.Shape = new TensorShapeProto();
            foreach (var d in dims)
            {
                var dp = new TensorShapeProto.Types.Dimension();
                if (d is string s) dp.DimParam = s;
                else if (d is not null) dp.DimValue = Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture);
                tt.Shape.Dim.Add(dp);
            }
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tt } };
    }

    public static NodeProto Node(string opType, string[] inputs, string[] outputs, string? name = null, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = opType };
        if (name is not null) n.Name = name;
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        n.Attribute.AddRange(attributes);
        return n;
    }

    public static TensorProto Floats(string name, long[] dims, params float[] data)
    {
        var t = new TensorProto { Name = name, DataType = F32, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan())) };
        t.Dims.AddRange(dims);
        return t;
    }

    public static TensorProto Int64s(string name, long[] dims, params long[] data)
    {
        var t = new TensorProto { Name = name, DataType = I64 };
        t.Dims.AddRange(dims);
        t.Int64Data.AddRange(data);
        return t;
    }

    public static ModelProto Model(GraphProto graph, long opset = 13, long irVersion = 7)
    {
        var m = new ModelProto { IrVersion = irVersion, ProducerName = "tests", Graph = graph };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return m;
    }

    public static GraphProto Graph(string name = "g") => new() { Name = name };

    /// <summary>y = Reshape(Relu(x + b), [-1, 2]) with x: float[N,4], b: float[4] = {-1, 0, 1, 2}.</summary>
    public static ModelProto AddReluReshape()
    {
        var g = Graph("add_relu_reshape");
        g.Input.Add(Info("x", F32, "N", 4));
        g.Output.Add(Info("y", F32, null, 2));
        g.Initializer.Add(Floats("b", [4], -1, 0, 1, 2));
        g.Initializer.Add(Int64s("s", [2], -1, 2));
        g.Node.Add(Node("Add", ["x", "b"], ["sum"], "add"));
        g.Node.Add(Node("Relu", ["sum"], ["r"], "relu"));
        g.Node.Add(Node("Reshape", ["r", "s"], ["y"], "reshape"));
        return Model(g);
    }

    /// <summary>Expected output of <see cref="AddReluReshape"/> for a given x (row-major, N×4).</summary>
    public static float[] AddReluReshapeReference(float[] x)
    {
        float[] b = [-1, 0, 1, 2];
        return x.Select((v, i) => Math.Max(v + b[i % 4], 0)).ToArray();
    }

    public static AttributeProto IntAttr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>Protobuf tag and length-prefix writing, for crafting malformed files by hand.</summary>
    public static byte[] Varint(ulong v)
    {
        var r = new List<byte>();
        do
        {
            byte b = (byte)(v & 0x7F);
            v >>= 7;
            if (v != 0) b |= 0x80;
            r.Add(b);
        } while (v != 0);
        return r.ToArray();
    }
}
