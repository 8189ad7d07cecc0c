using Depthwise.Formats.Onnx;
using Depthwise.Formats.Onnx.Proto;
using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

public class QLinearGemmOpTests
{
    [SkippableFact]
    public void OnnxNodeTestsPass() => NodeTests.AssertPass("test_qlinearmatmul_2D", "test_qlinearmatmul_3D");

    /// <summary>Import, export at opset 18, import again: the quantized rows survive with the same results.</summary>
    [SkippableTheory]
    [InlineData("test_qlinearconv")]
    [InlineData("test_qlinearmatmul_2D")]
    [InlineData("test_qlinearmatmul_3D")]
    public void OnnxFormRoundTripsThroughTheExporter(string test)
    {
        string dir = Path.Combine(NodeTests.Root, test);
        Skip.IfNot(Directory.Exists(dir), $"{dir} not found");
        var graph = OnnxImporter.Import(Path.Combine(dir, "model.onnx"));
        var bytes = OnnxExporter.ToBytes(graph);
        var session = InferenceSession.FromBytes(bytes);
        var set = Path.Combine(dir, "test_data_set_0");
        var inputs = Enumerable.Range(0, 8).Select(i => OnnxTestCase.ReadTensorFile(Path.Combine(set, $"input_{i}.pb"))).ToArray();
        var expected = OnnxTestCase.ReadTensorFile(Path.Combine(set, "output_0.pb"));
        Assert.Null(OnnxTestCase.Compare(session.Run(inputs)[0], expected, 0, 0, out _));
    }

    private static Tensor Q(DataType type, int[] shape, byte[] data, QuantParams? q = null) => new(type, new Shape(shape), data, q);

    [Fact]
    public void HandComputedTiesRoundAsEachRuntimeDoes()
    {
        // A = [[11, 9]] (za 10 → 1, −1), B = [[1], [4]] (zb 2 → −1, 2): acc = −3 (+ bias), sa·sb/sy = 0.5.
        var a = Q(DataType.UInt8, [1, 2], [11, 9], QuantParams.PerTensor(0.5f, 10));
        var b = Q(DataType.UInt8, [2, 1], [1, 4], QuantParams.PerTensor(1f, 2));
        foreach (var (mode, bias, expected) in new[]
        {
            (RequantizeMode.TfLiteFixedPoint, 0, 99), (RequantizeMode.FloatRoundHalfEven, 0, 98),
            (RequantizeMode.TfLiteFixedPoint, 4, 101), (RequantizeMode.FloatRoundHalfEven, 4, 100),
        })
        {
            var op = new QLinearGemmOp { OutputQuant = QuantParams.PerTensor(1f, 100), Requantize = mode };
            var y = QuantizedOpHarness.Run(op, [a, b, Tensor.FromArray(new Shape(1), new[] { bias })], [1, 2]);
            Assert.Equal(new Shape(1, 1), y.Shape);
            Assert.Equal(expected, y.Bytes.Span[0]);
        }
    }

    /// <summary>A random problem with its naive real-valued expectation.</summary>
    private sealed record Problem(Tensor A, Tensor B, Tensor? Bias, QLinearGemmOp Op, Shape OutShape, double[] Real, double[] Zone)
    {
        public static Problem Random(Random rng, int[] aShape, int[] bShape, bool transB, bool perAxis, bool bias, DataType aType,
            DataType bType, DataType yType, RequantizeMode mode, ConvActivation activation)
        {
            int k = aShape[^1], n = transB ? bShape[0] : bShape[^1];
            int m = aShape.Length == 1 ? 1 : aShape[^2];
            int Zp(DataType t) => rng.Next(4) switch { 0 => t == DataType.Int8 ? -128 : 0, 1 => t == DataType.Int8 ? 127 : 255, _ => t == DataType.Int8 ? rng.Next(-128, 128) : rng.Next(256) };
            int Val(byte v, DataType t) => t == DataType.Int8 ? (sbyte)v : v;
            var ad = new byte[aShape.Aggregate(1, (x, y) => x * y)];
            var bd = new byte[bShape.Aggregate(1, (x, y) => x * y)];
            rng.NextBytes(ad);
            rng.NextBytes(bd);
            int za = Zp(aType), zy = Zp(yType);
            float sa = 0.02f, sy = 0.05f;
            var sb = Enumerable.Range(0, perAxis ? n : 1).Select(_ => (float)(Math.Exp(rng.NextDouble() * 2 - 1) * 40 * sy / (sa * Math.Sqrt(k) * 100))).ToArray();
            var zb = Enumerable.Range(0, perAxis ? n : 1).Select(_ => Zp(bType)).ToArray();
            int[]? biasData = bias ? Enumerable.Range(0, n).Select(_ => rng.Next(-30000, 30000)).ToArray() : null;
            int weightAxis = transB ? 0 : bShape.Length - 1;
            var bq = perAxis ? new QuantParams(sb, zb.Select(z => (long)z).ToArray(), weightAxis) : QuantParams.PerTensor(sb[0], zb[0]);
            var op = new QLinearGemmOp { TransB = transB, OutputQuant = QuantParams.PerTensor(sy, zy), OutputType = yType, Requantize = mode, Activation = activation };
            // Batch dims: A's leading dims, broadcast against B's when B is batched.
            var aBatch = aShape.Length > 2 ? aShape[..^2] : [];
            var bBatch = !transB && bShape.Length > 2 ? bShape[..^2] : [];
            var batch = Shape.Broadcast(new Shape(aBatch), new Shape(bBatch))!.Value;
            var outDims = batch.Dims.ToArray().ToList();
            if (aShape.Length > 1) outDims.Add(m);
            if (transB || bShape.Length > 1) outDims.Add(n);
            var real = new double[batch.ElementCount * m * n];
            var zone = new double[real.Length];
            int Offset(int[] own, int item, int size)
            {
                // The matrix of batch item 'item' (row-major over 'batch') in an input with batch dims 'own'.
                int off = 0, stride = size, rem = item;
                var idx = new int[batch.Rank];
                for (int d = batch.Rank - 1; d >= 0; d--) { idx[d] = rem % batch[d]; rem /= batch[d]; }
                for (int d = own.Length - 1; d >= 0; d--)
                {
                    if (own[d] != 1) off += idx[d + batch.Rank - own.Length] * stride;
                    stride *= own[d];
                }
                return off;
            }
            for (int t = 0; t < batch.ElementCount; t++)
            {
                int ao = Offset(aBatch, t, m * k), bo = Offset(bBatch, t, k * n);
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        long acc = biasData?[j] ?? 0;
                        for (int p = 0; p < k; p++)
                        {
                            int bIndex = bo + (transB ? j * k + p : p * n + j);
                            acc += (long)(Val(ad[ao + i * k + p], aType) - za) * (Val(bd[bIndex], bType) - zb[perAxis ? j : 0]);
                        }
                        double multiplier = (double)sa * sb[perAxis ? j : 0] / sy;
                        real[(t * m + i) * n + j] = acc * multiplier;
                        zone[(t * m + i) * n + j] = QLinearConvOpTests.Problem.Zone(mode, multiplier);
                    }
            }
            return new Problem(Q(aType, aShape, ad, QuantParams.PerTensor(sa, za)), Q(bType, bShape, bd, bq),
                biasData is null ? null : Tensor.FromArray(new Shape(n), biasData), op, new Shape(outDims.ToArray()), real, zone);
        }

        public void AssertClose(Tensor y)
        {
            Assert.Equal(OutShape, y.Shape);
            var q = Op.OutputQuant!;
            var (lo, hi) = QuantizedActivationRange.Of(Op.Activation, q, Op.OutputType);
            var got = y.ToInt64Array();
            for (int i = 0; i < got.Length; i++)
            {
                double r = Real[i] + q.ZeroPoints[0];
                long expected = (long)Math.Clamp(Math.Round(r), lo, hi);
                long tolerance = Math.Abs(r - Math.Floor(r) - 0.5) < Zone[i] ? 1 : 0;
                Assert.True(Math.Abs(got[i] - expected) <= tolerance, $"element {i}: {got[i]}, naive {r:F4} → {expected}");
            }
        }
    }

    [Fact]
    public void MatchesNaiveComputationOverShapesAndForms()
    {
        var rng = new Random(17);
        DataType[] types = [DataType.UInt8, DataType.Int8];
        (int[] A, int[] B, bool TransB)[] shapes =
        [
            ([1, 7], [7, 5], false), ([3, 16], [16, 40], false), ([9, 33], [20, 33], true), ([2, 3, 8], [8, 17], false),
            ([8], [8, 3], false), ([2, 2, 4], [2, 4, 3], false), ([3, 1, 2, 5], [2, 5, 6], false), ([1, 1280], [1000, 1280], true),
            ([49, 96], [96, 24], false), ([4, 1], [1, 70], false),
        ];
        foreach (var (a, b, transB) in shapes)
        {
            bool batchedB = !transB && b.Length > 2;
            var p = Problem.Random(rng, a, b, transB, perAxis: rng.Next(2) == 0, bias: rng.Next(2) == 0, types[rng.Next(2)], types[rng.Next(2)],
                types[rng.Next(2)], (RequantizeMode)rng.Next(2), new[] { ConvActivation.None, ConvActivation.Relu, ConvActivation.Clip(-1, 1) }[rng.Next(3)]);
            // Reference (B not constant) and, for a matrix B, the packed fast kernel.
            var reference = QuantizedOpHarness.Run(p.Op, [p.A, p.B, p.Bias], [2]);
            p.AssertClose(reference);
            if (batchedB) continue;
            foreach (int threads in new[] { 1, 2 })
            {
                var (fast, kernel) = QuantizedOpHarness.RunWithKernel(p.Op, [p.A, p.B, p.Bias], [1, 2], threads: threads);
                Assert.Equal("Q8PackedGemmKernel", kernel);
                Assert.Equal(reference.Bytes.ToArray(), fast.Bytes.ToArray());
            }
        }
    }

    [Fact]
    public void MicrosoftQGemmImportsAsATransposedGemmWithBias()
    {
        var rng = new Random(23);
        var p = Problem.Random(rng, [3, 20], [6, 20], transB: true, perAxis: true, bias: true, DataType.UInt8, DataType.Int8, DataType.UInt8,
            RequantizeMode.FloatRoundHalfEven, ConvActivation.None);
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "qgemm" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        var node = new NodeProto { OpType = "QGemm", Domain = "com.microsoft", Name = "qgemm" };
        node.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        var tt = new TypeProto.Types.Tensor { ElemType = OnnxTensors.ToOnnxType(DataType.UInt8), Shape = new TensorShapeProto() };
        foreach (int d in p.A.Shape.Dims) tt.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        model.Graph.Input.Add(new ValueInfoProto { Name = "a", Type = new TypeProto { TensorType = tt } });
        node.Input.Add("a");
        void Init(string name, Tensor t)
        {
            model.Graph.Initializer.Add(OnnxTensors.ToProto(t, name));
            node.Input.Add(name);
        }
        var bq = p.B.Quant!;
        Init("a_scale", Tensor.Scalar(p.A.Quant!.Scales[0]));
        Init("a_zp", new Tensor(DataType.UInt8, Shape.Scalar, new[] { (byte)p.A.Quant.ZeroPoints[0] }));
        Init("b", new Tensor(DataType.Int8, p.B.Shape, p.B.Bytes.ToArray()));
        Init("b_scale", Tensor.FromArray(new Shape(bq.Scales.Count), bq.Scales.ToArray()));
        Init("b_zp", new Tensor(DataType.Int8, new Shape(bq.Scales.Count), bq.ZeroPoints.Select(z => (byte)(sbyte)z).ToArray()));
        Init("c", p.Bias!);
        Init("y_scale", Tensor.Scalar(p.Op.OutputQuant!.Scales[0]));
        Init("y_zp", new Tensor(DataType.UInt8, Shape.Scalar, new[] { (byte)p.Op.OutputQuant.ZeroPoints[0] }));
        node.Output.Add("y");
        model.Graph.Node.Add(node);
        model.Graph.Output.Add(new ValueInfoProto { Name = "y" });
        var session = InferenceSession.FromBytes(Google.Protobuf.MessageExtensions.ToByteArray(model));
        p.AssertClose(session.Run(new Tensor(DataType.UInt8, p.A.Shape, p.A.Bytes.ToArray()))[0]);
    }

    [Fact]
    public void ValidationNamesWhatIsWrong()
    {
        var a = Q(DataType.Int8, [2, 3], new byte[6], QuantParams.PerTensor(0.1f, 0));
        var b = Q(DataType.Int8, [3, 4], new byte[12], QuantParams.PerTensor(0.1f, 0));
        var oq = QuantParams.PerTensor(0.5f, 0);
        var ok = new QLinearGemmOp { OutputQuant = oq };
        Assert.Equal(new Shape(2, 4), QuantizedOpHarness.Run(ok, [a, b], [1]).Shape);
        string Error(Op op, Tensor?[] inputs) => Assert.ThrowsAny<DepthwiseException>(() => QuantizedOpHarness.Run(op, inputs, [1, 2])).Message;
        Assert.Contains("disagree on K", Error(ok, [a, Q(DataType.Int8, [4, 4], new byte[16], b.Quant)]));
        Assert.Contains("disagree on K", Error(new QLinearGemmOp { OutputQuant = oq, TransB = true }, [a, b]));
        Assert.Contains("B ('c1') has no quantization", Error(ok, [a, Q(DataType.Int8, [3, 4], new byte[12])]));
        Assert.Contains("along axis 0", Error(ok, [a, Q(DataType.Int8, [3, 4], new byte[12], new QuantParams([1f, 1f, 1f], [0, 0, 0], 0))]));
        Assert.Contains("2 per-axis scales; expected one per output channel (4)", Error(ok, [a, Q(DataType.Int8, [3, 4], new byte[12], new QuantParams([1f, 1f], [0, 0], 1))]));
        Assert.Contains("bias has shape", Error(ok, [a, b, Tensor.FromArray(new Shape(3), new int[3])]));
        Assert.Contains("must be quantized per tensor", Error(ok, [Q(DataType.Int8, [2, 3], new byte[6], new QuantParams([1f, 2f], [0, 0], 0)), b]));
        Assert.Contains("Sigmoid", Error(new QLinearGemmOp { OutputQuant = oq, Activation = ConvActivation.Sigmoid }, [a, b]));
    }
}
