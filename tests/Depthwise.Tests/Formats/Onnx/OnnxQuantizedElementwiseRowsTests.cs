using Depthwise.Formats.Onnx;
using Depthwise.Formats.Onnx.Proto;
using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Google.Protobuf;

namespace Depthwise.Tests.Formats.Onnx;

/// <summary>
/// The com.microsoft QLinear rows through the real importer: one-node models whose scales and zero points are
/// initializers, run and compared with ONNX Runtime's formulas; and the int8 MobileNetV2 of the ONNX model zoo, whose
/// elementwise quantized nodes must all find their rows.
/// </summary>
public class OnnxQuantizedElementwiseRowsTests
{
    /// <summary>A one-node com.microsoft model: graph input x (uint8), the rest initializers, output y.</summary>
    private sealed class MsNode
    {
        private readonly ModelProto _model = new() { IrVersion = 8, Graph = new GraphProto { Name = "g" } };
        private readonly NodeProto _node;

        public MsNode(string opType, Tensor x)
        {
            _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
            _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
            _node = new NodeProto { OpType = opType, Domain = "com.microsoft", Name = "n" };
            _node.Output.Add("y");
            _model.Graph.Node.Add(_node);
            _model.Graph.Output.Add(new ValueInfoProto { Name = "y" });
            var tt = new TypeProto.Types.Tensor { ElemType = OnnxTensors.ToOnnxType(x.DataType), Shape = new TensorShapeProto() };
            foreach (int d in x.Shape.Dims) tt.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
            _model.Graph.Input.Add(new ValueInfoProto { Name = "x", Type = new TypeProto { TensorType = tt } });
            _node.Input.Add("x");
        }

        public MsNode Constant(Tensor t)
        {
            string name = $"c{_node.Input.Count}";
            _model.Graph.Initializer.Add(OnnxTensors.ToProto(t, name));
            _node.Input.Add(name);
            return this;
        }

        public MsNode Input(string name)
        {
            _node.Input.Add(name);
            return this;
        }

        public MsNode Attr(string name, long value)
        {
            _node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });
            return this;
        }

        public MsNode Attr(string name, float value)
        {
            _node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value });
            return this;
        }

        public MsNode Attr(string name, long[] values)
        {
            var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
            a.Ints.AddRange(values);
            _node.Attribute.Add(a);
            return this;
        }

        public Graph.Graph Import() => OnnxImporter.Import(_model.ToByteArray(), "ms.onnx");

        public Tensor Run(Tensor x) => new InferenceSession(Import()).Run([x])[0];
    }

    private static Tensor U8(byte[] data, params int[] shape) => Tensor.FromArray(new Shape(shape), data);

    [Fact]
    public void QLinearAddTakesItsScalesFromInitializersAndAddsLikeOnnxRuntime()
    {
        var a = U8(Enumerable.Range(0, 60).Select(i => (byte)(i * 4)).ToArray(), 1, 3, 4, 5);
        var b = U8(Enumerable.Range(0, 60).Select(i => (byte)(255 - i * 3)).ToArray(), 1, 3, 4, 5);
        var y = new MsNode("QLinearAdd", a)
            .Constant(Tensor.Scalar(0.02f)).Constant(Tensor.Scalar((byte)128))
            .Constant(b).Constant(Tensor.Scalar(0.03f)).Constant(Tensor.Scalar((byte)120))
            .Constant(Tensor.Scalar(0.04f)).Constant(Tensor.Scalar((byte)100))
            .Run(a);
        Assert.Equal(DataType.UInt8, y.DataType);
        float ra = 0.02f / 0.04f, rb = 0.03f / 0.04f, f = 100 - (ra * 128 + rb * 120);
        var got = y.ToArray<byte>();
        for (int i = 0; i < 60; i++)
        {
            float v = MathF.FusedMultiplyAdd(a.ToArray<byte>()[i], ra, MathF.FusedMultiplyAdd(b.ToArray<byte>()[i], rb, f));
            Assert.Equal((byte)Math.Clamp((int)MathF.Round(v, MidpointRounding.ToEven), 0, 255), got[i]);
        }
    }

    [Fact]
    public void QLinearMulSigmoidAndLeakyReluImport()
    {
        var x = U8(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 256);
        var q = (Scale: Tensor.Scalar(0.05f), Zero: Tensor.Scalar((byte)128));
        var sig = new MsNode("QLinearSigmoid", x).Constant(q.Scale).Constant(q.Zero).Constant(Tensor.Scalar(1f / 256)).Constant(Tensor.Scalar((byte)0)).Run(x).ToArray<byte>();
        var leaky = new MsNode("QLinearLeakyRelu", x).Constant(q.Scale).Constant(q.Zero).Constant(Tensor.Scalar(0.05f)).Constant(Tensor.Scalar((byte)128))
            .Attr("alpha", 0.5f).Run(x).ToArray<byte>();
        var mul = new MsNode("QLinearMul", x).Constant(q.Scale).Constant(q.Zero).Input("x").Constant(q.Scale).Constant(q.Zero)
            .Constant(Tensor.Scalar(0.5f)).Constant(Tensor.Scalar((byte)0)).Run(x).ToArray<byte>();
        for (int i = 0; i < 256; i++)
        {
            float v = 0.05f * (i - 128);
            Assert.Equal(Math.Clamp((int)MathF.Round(Q8LookupTable.MlasLogistic(v) * 256, MidpointRounding.ToEven), 0, 255), sig[i]);
            float l = v >= 0 ? v : 0.5f * v;
            Assert.Equal(Math.Clamp((int)MathF.Round(l / 0.05f, MidpointRounding.ToEven) + 128, 0, 255), leaky[i]);
            Assert.Equal(Math.Clamp((int)MathF.Round((i - 128) * (i - 128) * (0.05f * 0.05f / 0.5f), MidpointRounding.ToEven), 0, 255), mul[i]);
        }
    }

    [Fact]
    public void QLinearGlobalAveragePoolReadsChannelsLastAndQLinearAveragePoolItsWindow()
    {
        var rng = new Random(3);
        var bytes = new byte[2 * 5 * 5];
        rng.NextBytes(bytes);
        var nchw = U8(bytes, 1, 2, 5, 5);
        var nhwc = U8(Enumerable.Range(0, 50).Select(i => bytes[(i % 2) * 25 + i / 2]).ToArray(), 1, 5, 5, 2);
        Tensor Gap(Tensor x, long channelsLast) => new MsNode("QLinearGlobalAveragePool", x)
            .Constant(Tensor.Scalar(0.1f)).Constant(Tensor.Scalar((byte)10)).Constant(Tensor.Scalar(0.07f)).Constant(Tensor.Scalar((byte)3))
            .Attr("channels_last", channelsLast).Run(x);
        var first = Gap(nchw, 0);
        var last = Gap(nhwc, 1);
        Assert.Equal(new Shape(1, 2, 1, 1), first.Shape);
        Assert.Equal(new Shape(1, 1, 1, 2), last.Shape);
        Assert.Equal(first.ToArray<byte>(), last.ToArray<byte>());
        float scale = 0.1f / (0.07f * 25);
        for (int c = 0; c < 2; c++)
        {
            int acc = -10 * 25;
            for (int p = 0; p < 25; p++) acc += bytes[c * 25 + p];
            Assert.Equal(Math.Clamp((int)MathF.Round(acc * scale, MidpointRounding.ToEven) + 3, 0, 255), first.ToArray<byte>()[c]);
        }
        var pool = new MsNode("QLinearAveragePool", nchw)
            .Constant(Tensor.Scalar(0.1f)).Constant(Tensor.Scalar((byte)10)).Constant(Tensor.Scalar(0.1f)).Constant(Tensor.Scalar((byte)10))
            .Attr("kernel_shape", [2L, 2L]).Attr("strides", [2L, 2L]).Run(nchw);
        Assert.Equal(new Shape(1, 2, 2, 2), pool.Shape);
    }

    [Fact]
    public void ScalesComputedAtRunTimeOrReadTwoWaysAreRefused()
    {
        var x = U8([1, 2, 3], 3);
        var m = new MsNode("QLinearSigmoid", x).Input("x").Constant(Tensor.Scalar((byte)0)).Constant(Tensor.Scalar(1f / 256)).Constant(Tensor.Scalar((byte)0));
        Assert.Contains("initializer", Assert.Throws<UnsupportedOperatorException>(() => m.Import()).Message);
        var add = new MsNode("QLinearAdd", x)
            .Constant(Tensor.Scalar(0.1f)).Constant(Tensor.Scalar((byte)0))
            .Input("x").Constant(Tensor.Scalar(0.2f)).Constant(Tensor.Scalar((byte)0))
            .Constant(Tensor.Scalar(0.1f)).Constant(Tensor.Scalar((byte)0));
        Assert.Contains("elsewhere", Assert.Throws<UnsupportedOperatorException>(() => add.Import()).Message);
    }

    [Fact]
    public void EachQuantizationRowExistsOnce()
    {
        var expected = new (string Domain, string OpType, int Since)[]
        {
            ("", "QuantizeLinear", 10), ("", "QuantizeLinear", 13), ("", "DequantizeLinear", 10), ("", "DequantizeLinear", 13),
            ("com.microsoft", "QLinearAdd", 1), ("com.microsoft", "QLinearMul", 1), ("com.microsoft", "QLinearGlobalAveragePool", 1),
            ("com.microsoft", "QLinearAveragePool", 1), ("com.microsoft", "QLinearSigmoid", 1), ("com.microsoft", "QLinearLeakyRelu", 1),
        };
        foreach (var (domain, opType, since) in expected)
            Assert.Single(OnnxOpTable.Rows, r => r.Domain == domain && r.OpType == opType && r.SinceVersion == since);
        var duplicates = OnnxOpTable.Rows.GroupBy(r => (r.Domain, r.OpType, r.SinceVersion)).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        Assert.Empty(duplicates);
    }

    [SkippableFact]
    public void EveryElementwiseQuantizedNodeOfTheInt8MobileNetV2HasARow()
    {
        string path = Depthwise.Tests.Formats.TFLite.SharedModels.Onnx("mobilenetv2-12-int8.onnx");
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var opsets = model.OpsetImport.ToDictionary(o => OnnxOpTable.NormalizeDomain(o.Domain), o => o.Version);
        var mine = new HashSet<string> { "QuantizeLinear", "DequantizeLinear", "QLinearAdd", "QLinearGlobalAveragePool" };
        var seen = new HashSet<string>();
        foreach (var n in model.Graph.Node.Where(n => mine.Contains(n.OpType)))
        {
            Assert.NotNull(OnnxOpTable.Find(n.Domain, n.OpType, opsets[OnnxOpTable.NormalizeDomain(n.Domain)]));
            seen.Add(n.OpType);
        }
        Assert.Equal(mine, seen);
    }
}
