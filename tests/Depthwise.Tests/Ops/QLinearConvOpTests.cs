using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

public class QLinearConvOpTests
{
    [SkippableFact]
    public void OnnxNodeTestPasses() => NodeTests.AssertPass("test_qlinearconv");

    private static Tensor U8(int[] shape, byte[] data, QuantParams? q = null) => Tensor.FromArray(new Shape(shape), data, q);

    /// <summary>
    /// Hand-computed: a 1×1 convolution over two channels whose accumulator lands on exact ties, where TFLite's
    /// fixed point (ties toward +∞, then away from zero) and ONNX Runtime's float rounding (ties to even) differ.
    /// </summary>
    [Theory]
    [InlineData(0.5f, 0, RequantizeMode.TfLiteFixedPoint, 99)]     // acc −3 → −1.5 → −1
    [InlineData(0.5f, 0, RequantizeMode.FloatRoundHalfEven, 98)]   // −1.5 → −2
    [InlineData(0.5f, 4, RequantizeMode.TfLiteFixedPoint, 101)]    // acc 1 → 0.5 → 1
    [InlineData(0.5f, 4, RequantizeMode.FloatRoundHalfEven, 100)]  // 0.5 → 0
    [InlineData(0.25f, 1, RequantizeMode.TfLiteFixedPoint, 99)]    // acc −2 → SRDHM −1, then RoundingDivideByPOT(−1, 1) = −1
    [InlineData(0.25f, 1, RequantizeMode.FloatRoundHalfEven, 100)] // −0.5 → 0
    public void TiesRoundAsEachRuntimeDoes(float xScale, int bias, RequantizeMode mode, int expected)
    {
        // x − zx = (1, −1), w − zw = (−1, 2): acc = −1 − 2 + bias.
        var x = U8([1, 2, 1, 1], [11, 9], QuantParams.PerTensor(xScale, 10));
        var w = U8([1, 2, 1, 1], [1, 4], QuantParams.PerTensor(1f, 2));
        var b = Tensor.FromArray(new Shape(1), new[] { bias });
        var op = new QLinearConvOp { OutputQuant = QuantParams.PerTensor(1f, 100), Requantize = mode };
        var y = QuantizedOpHarness.Run(op, [x, w, b], [1, 2]);
        Assert.Equal(DataType.UInt8, y.DataType);
        Assert.Equal(expected, y.Bytes.Span[0]);
    }

    [Fact]
    public void ReluAndClipBecomeIntegerClamps()
    {
        // acc = 2·(−30) = −60 → −60·0.5 = −30 → zy + (−30) = 70; Relu clamps at zy = 100; Clip(−5, 5)·(1/sy=1) at 95.
        var x = U8([1, 1, 1, 1], [40], QuantParams.PerTensor(0.5f, 70));
        var w = U8([1, 1, 1, 1], [2], QuantParams.PerTensor(1f, 0));
        foreach (var (act, expected) in new[] { (ConvActivation.None, 70), (ConvActivation.Relu, 100), (ConvActivation.Clip(-5, 5), 95) })
        {
            var op = new QLinearConvOp { OutputQuant = QuantParams.PerTensor(1f, 100), Activation = act };
            Assert.Equal(expected, QuantizedOpHarness.Run(op, [x, w], [1]).Bytes.Span[0]);
        }
    }

    /// <summary>A random quantized convolution, with the naive expectation computed in double precision.</summary>
    internal sealed class Problem
    {
        public required Tensor X, W;
        public Tensor? B;
        public required QLinearConvOp Op;
        public required int[] OutShape;
        public required double[] Real;  // per output element: the real-valued result / sy (before rounding and zy)
        public required double[] TieZone; // per output element: how close to a tie the runtime's rounding may differ from exact

        /// <summary>
        /// How far from x.5 TFLite's double rounding (SRDHM to 2^-right, then RoundingDivideByPOT) or ONNX's float
        /// product can move a result across the tie: 2^-(right+1) output steps, or float precision.
        /// </summary>
        public static double Zone(RequantizeMode mode, double real)
        {
            if (mode == RequantizeMode.FloatRoundHalfEven) return 1e-3;
            int shift = FixedPoint.QuantizeMultiplier(real).Shift;
            return Math.ScaleB(1, -Math.Max(0, -shift) - 1) + 1e-4;
        }

        public static Problem Random(Random rng, int n, int c, int[] spatial, int group, int mPerGroup, int[] kernel, int[] strides,
            int[] dilations, int[] pads, bool perAxis, DataType xType, DataType wType, DataType yType, RequantizeMode mode,
            ConvActivation activation = default)
        {
            int rank = spatial.Length, m = group * mPerGroup, cg = c / group;
            int Zp(DataType t) => rng.Next(4) switch { 0 => t == DataType.Int8 ? -128 : 0, 1 => t == DataType.Int8 ? 127 : 255, _ => t == DataType.Int8 ? rng.Next(-128, 128) : rng.Next(256) };
            int zx = Zp(xType), zy = Zp(yType);
            float sx = (float)Math.Exp(rng.NextDouble() * 2 - 4), sy = (float)(Math.Exp(rng.NextDouble() * 2 - 1));
            int taps = kernel.Aggregate(1, (a, k) => a * k);
            var ws = Enumerable.Range(0, perAxis ? m : 1).Select(_ => (float)(Math.Exp(rng.NextDouble() * 2 - 1) * 20 / (sx * Math.Sqrt(cg * taps) * 100) * sy)).ToArray();
            var wz = Enumerable.Range(0, perAxis ? m : 1).Select(_ => Zp(wType)).ToArray();
            var xdata = new byte[n * c * spatial.Aggregate(1, (a, s) => a * s)];
            var wdata = new byte[m * cg * taps];
            rng.NextBytes(xdata);
            rng.NextBytes(wdata);
            int[]? bias = rng.Next(3) == 0 ? null : Enumerable.Range(0, m).Select(_ => rng.Next(-20000, 20000)).ToArray();
            var xq = QuantParams.PerTensor(sx, zx);
            var wq = perAxis ? new QuantParams(ws, wz.Select(z => (long)z).ToArray(), 0) : QuantParams.PerTensor(ws[0], wz[0]);
            var x = new Tensor(xType, new Shape([n, c, .. spatial]), xdata, xq);
            var w = new Tensor(wType, new Shape([m, cg, .. kernel]), wdata, wq);
            var op = new QLinearConvOp
            {
                Group = group, Strides = strides, Dilations = dilations, Pads = pads, OutputQuant = QuantParams.PerTensor(sy, zy),
                OutputType = yType, Requantize = mode, Activation = activation,
            };
            // Naive: index arithmetic straight from the definition, NCHW, accumulation in long, scale in double.
            var outSpatial = new int[rank];
            for (int d = 0; d < rank; d++)
                outSpatial[d] = (spatial[d] + pads[d] + pads[d + rank] - ((kernel[d] - 1) * dilations[d] + 1)) / strides[d] + 1;
            int outPlane = outSpatial.Aggregate(1, (a, s) => a * s), inPlane = spatial.Aggregate(1, (a, s) => a * s);
            var real = new double[n * m * outPlane];
            var zone = new double[real.Length];
            int Val(byte v, DataType t) => t == DataType.Int8 ? (sbyte)v : v;
            var opos = new int[rank];
            var kpos = new int[rank];
            for (int b = 0; b < n; b++)
                for (int oc = 0; oc < m; oc++)
                    for (int p = 0; p < outPlane; p++)
                    {
                        for (int d = rank - 1, r = p; d >= 0; d--) { opos[d] = r % outSpatial[d]; r /= outSpatial[d]; }
                        long acc = bias?[oc] ?? 0;
                        int g = oc / mPerGroup;
                        for (int ic = 0; ic < cg; ic++)
                            for (int t = 0; t < taps; t++)
                            {
                                for (int d = rank - 1, r = t; d >= 0; d--) { kpos[d] = r % kernel[d]; r /= kernel[d]; }
                                int xi = 0;
                                bool inside = true;
                                for (int d = 0; d < rank; d++)
                                {
                                    int ip = opos[d] * strides[d] - pads[d] + kpos[d] * dilations[d];
                                    if (ip < 0 || ip >= spatial[d]) inside = false;
                                    xi = xi * spatial[d] + ip;
                                }
                                if (!inside) continue;
                                int xv = Val(xdata[(b * c + g * cg + ic) * inPlane + xi], xType) - zx;
                                int wv = Val(wdata[(oc * cg + ic) * taps + t], wType) - wz[perAxis ? oc : 0];
                                acc += (long)xv * wv;
                            }
                        double multiplier = (double)sx * ws[perAxis ? oc : 0] / sy;
                        real[(b * m + oc) * outPlane + p] = acc * multiplier;
                        zone[(b * m + oc) * outPlane + p] = Zone(mode, multiplier);
                    }
            return new Problem
            {
                X = x, W = w, B = bias is null ? null : Tensor.FromArray(new Shape(m), bias), Op = op,
                OutShape = [n, m, .. outSpatial], Real = real, TieZone = zone,
            };
        }

        /// <summary>Checks the output against the naive reals: exact away from ties, within one step near them.</summary>
        public void AssertClose(Tensor y)
        {
            Assert.Equal(new Shape(OutShape), y.Shape);
            var q = Op.OutputQuant!;
            var (lo, hi) = QuantizedActivationRange.Of(Op.Activation, q, Op.OutputType);
            var got = y.ToInt64Array();
            for (int i = 0; i < got.Length; i++)
            {
                double r = Real[i] + q.ZeroPoints[0];
                long expected = (long)Math.Clamp(Math.Round(r), lo, hi);
                double frac = Math.Abs(r - Math.Floor(r) - 0.5);
                long tolerance = frac < TieZone[i] ? 1 : 0;
                Assert.True(Math.Abs(got[i] - expected) <= tolerance, $"element {i}: {got[i]}, naive {r:F4} → {expected}");
            }
        }

        public Tensor?[] Inputs => [X, W, B];
    }

    public static TheoryData<int> Seeds() => [1, 2, 3, 4, 5, 6];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ReferenceMatchesNaiveComputation(int seed)
    {
        var rng = new Random(seed);
        DataType[] types = [DataType.UInt8, DataType.Int8];
        for (int i = 0; i < 12; i++)
        {
            int rank = 1 + i % 3;
            int group = new[] { 1, 2, 3 }[rng.Next(3)];
            int c = group * rng.Next(1, 4), mpg = rng.Next(1, 4);
            var spatial = Enumerable.Range(0, rank).Select(_ => rng.Next(rank == 3 ? 2 : 3, rank == 3 ? 5 : 9)).ToArray();
            var kernel = spatial.Select(s => rng.Next(1, Math.Min(4, s + 1))).ToArray();
            var strides = spatial.Select(_ => rng.Next(1, 3)).ToArray();
            var dilations = kernel.Select((k, d) => k > 1 && (kernel[d] - 1) * 2 + 1 <= spatial[d] && rng.Next(3) == 0 ? 2 : 1).ToArray();
            var pads = Enumerable.Range(0, 2 * rank).Select(_ => rng.Next(0, 2)).ToArray();
            var p = Problem.Random(rng, rng.Next(1, 3), c, spatial, group, mpg, kernel, strides, dilations, pads, rng.Next(2) == 0,
                types[rng.Next(2)], types[rng.Next(2)], types[rng.Next(2)], (RequantizeMode)rng.Next(2));
            // W as a graph input: the reference kernel, NCHW.
            p.AssertClose(QuantizedOpHarness.Run(p.Op, p.Inputs, [2]));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void FastNhwcKernelsEqualTheReference(int seed)
    {
        // Pointwise (GEMM), depthwise (also with stride 2 and odd sizes), the im2col stem and a strided 1×1; u8/i8,
        // per-tensor/per-axis, both requantizations, batch 2, activations. The reference: W not constant, NCHW.
        var rng = new Random(seed);
        DataType[] types = [DataType.UInt8, DataType.Int8];
        (int C, int H, int W, int Group, int Mpg, int K, int S, int Pad, string Kernel)[] layers =
        [
            (32, 7, 7, 1, 16, 1, 1, 0, "Q8PackedGemmKernel"), (17, 5, 3, 1, 33, 1, 1, 0, "Q8PackedGemmKernel"),
            (24, 9, 9, 24, 1, 3, 1, 1, "Q8DepthwiseConvKernel"), (19, 9, 7, 19, 1, 3, 2, 1, "Q8DepthwiseConvKernel"),
            (16, 1, 1, 16, 1, 3, 1, 1, "Q8DepthwiseConvKernel"), (3, 11, 11, 1, 32, 3, 2, 1, "Q8SmallInputConvKernel"),
            (5, 6, 6, 1, 7, 1, 2, 0, "Q8Im2ColConvKernel"), (40, 8, 8, 40, 1, 5, 2, 2, "Q8DepthwiseConvKernel"),
            (6, 7, 7, 1, 9, 3, 2, 1, "Q8Im2ColConvKernel"), (1, 9, 8, 1, 5, 3, 1, 1, "Q8SmallInputConvKernel"),
            (4, 10, 9, 1, 17, 3, 2, 1, "Q8SmallInputConvKernel"), (2, 6, 5, 1, 40, 5, 2, 2, "Q8SmallInputConvKernel"),
            (3, 1, 1, 1, 8, 3, 2, 1, "Q8SmallInputConvKernel"),
        ];
        foreach (var (c, h, w, group, mpg, k, s, pad, kernel) in layers)
        {
            var act = new[] { ConvActivation.None, ConvActivation.Relu, ConvActivation.Clip(0, 6) }[rng.Next(3)];
            var p = Problem.Random(rng, 2, c, [h, w], group, mpg, [k, k], [s, s], [1, 1], [pad, pad, pad, pad], rng.Next(2) == 0,
                types[rng.Next(2)], types[rng.Next(2)], types[rng.Next(2)], (RequantizeMode)rng.Next(2), act);
            var reference = QuantizedOpHarness.Run(p.Op, p.Inputs, [2]);
            p.AssertClose(reference);
            var nhwcOp = (QLinearConvOp)p.Op.WithLayout(ChannelLayout.ChannelsLast);
            var xNhwc = QuantizedOpHarness.Permute(p.X, [0, 2, 3, 1]);
            foreach (int threads in new[] { 1, 3 })
            {
                var (fast, used) = QuantizedOpHarness.RunWithKernel(nhwcOp, [xNhwc, p.W, p.B], [1, 2], threads: threads);
                Assert.Equal(kernel, used);
                Assert.Equal(QuantizedOpHarness.Permute(reference, [0, 2, 3, 1]).Bytes.ToArray(), fast.Bytes.ToArray());
            }
        }
    }

    [Fact]
    public void DepthMultiplierAndGroupedConvolutionsRunTheReferenceInBothLayouts()
    {
        var rng = new Random(9);
        var p = Problem.Random(rng, 1, 4, [6, 5], 4, 3, [3, 3], [2, 1], [1, 1], [1, 0, 1, 1], true, DataType.UInt8, DataType.Int8,
            DataType.UInt8, RequantizeMode.TfLiteFixedPoint);
        var nchw = QuantizedOpHarness.Run(p.Op, p.Inputs, [1, 2]);
        p.AssertClose(nchw);
        var nhwc = QuantizedOpHarness.Run(p.Op.WithLayout(ChannelLayout.ChannelsLast), [QuantizedOpHarness.Permute(p.X, [0, 2, 3, 1]), p.W, p.B], [1, 2]);
        Assert.Equal(QuantizedOpHarness.Permute(nchw, [0, 2, 3, 1]).Bytes.ToArray(), nhwc.Bytes.ToArray());
    }

    [Fact]
    public void AutoPadSameUpperIsTfLiteSame()
    {
        var rng = new Random(12);
        var explicitPads = Problem.Random(rng, 1, 8, [6, 6], 8, 1, [3, 3], [2, 2], [1, 1], [0, 0, 1, 1], false, DataType.Int8, DataType.Int8,
            DataType.Int8, RequantizeMode.TfLiteFixedPoint);
        var same = new QLinearConvOp { Group = 8, Strides = [2, 2], AutoPad = AutoPad.SameUpper, OutputQuant = explicitPads.Op.OutputQuant, OutputType = DataType.Int8 };
        var a = QuantizedOpHarness.Run(explicitPads.Op, explicitPads.Inputs, [1, 2]);
        var b = QuantizedOpHarness.Run(same, explicitPads.Inputs, [1, 2]);
        Assert.Equal(a.Bytes.ToArray(), b.Bytes.ToArray());
        explicitPads.AssertClose(b);
    }

    [Fact]
    public void TfLitePerTensorUint8MultiplierUsesTheFloatProduct()
    {
        // sx·sw rounded to float first (GetQuantizedConvolutionMultipler), per-channel int8 in double.
        float sx = 0.0078125f * 1.1f, sw = 0.0123f, sy = 0.0456f;
        var u8 = Q8Requantization.ForProduct(RequantizeMode.TfLiteFixedPoint, sx, [sw], sy, 0, 1, floatProduct: true, 0, 255);
        var s8 = Q8Requantization.ForProduct(RequantizeMode.TfLiteFixedPoint, sx, [sw], sy, 0, 1, floatProduct: false, -128, 127);
        Assert.Equal(FixedPoint.QuantizeMultiplier((double)(sx * sw) / sy).Multiplier, u8.Multiplier(0));
        Assert.Equal(FixedPoint.QuantizeMultiplier((double)sx * sw / sy).Multiplier, s8.Multiplier(0));
        var onnx = Q8Requantization.ForProduct(RequantizeMode.FloatRoundHalfEven, sx, [sw], sy, 0, 1, false, 0, 255);
        Assert.Equal(sx * sw / sy, onnx.Scale(0));
    }

    [Fact]
    public void ValidationNamesWhatIsWrong()
    {
        var x = U8([1, 2, 3, 3], new byte[18], QuantParams.PerTensor(0.1f, 3));
        var w = U8([4, 2, 1, 1], new byte[8], QuantParams.PerTensor(0.2f, 0));
        var oq = QuantParams.PerTensor(0.5f, 7);
        var ok = new QLinearConvOp { OutputQuant = oq };
        Assert.Equal(new Shape(1, 4, 3, 3), QuantizedOpHarness.Run(ok, [x, w], [1]).Shape);

        string Error(Op op, Tensor?[] inputs) => Assert.ThrowsAny<DepthwiseException>(() => QuantizedOpHarness.Run(op, inputs, [1, 2])).Message;
        Assert.Contains("X ('x0') has no quantization parameters", Error(ok, [U8([1, 2, 3, 3], new byte[18]), w]));
        Assert.Contains("W ('c1') has no quantization parameters", Error(ok, [x, U8([4, 2, 1, 1], new byte[8])]));
        Assert.Contains("OutputQuant", Error(new QLinearConvOp(), [x, w]));
        var perAxis3 = U8([4, 2, 1, 1], new byte[8], new QuantParams([0.1f, 0.2f, 0.3f], [0, 0, 0], 0));
        Assert.Contains("3 per-axis scales; expected one per output channel (4)", Error(ok, [x, perAxis3]));
        var perAxis1 = U8([4, 2, 1, 1], new byte[8], new QuantParams([0.1f, 0.2f], [0, 0], 1));
        Assert.Contains("along axis 1", Error(ok, [x, perAxis1]));
        Assert.Contains("type float32", Error(ok, [Tensor.FromArray(new Shape(1, 2, 3, 3), new float[18]), w]));
        Assert.Contains("B has shape", Error(ok, [x, w, Tensor.FromArray(new Shape(3), new int[3])]));
        Assert.Contains("type int64", Error(ok, [x, w, Tensor.FromArray(new Shape(4), new long[4])]));
        Assert.Contains("HardSwish", Error(new QLinearConvOp { OutputQuant = oq, Activation = ConvActivation.HardSwish }, [x, w]));
        Assert.Contains("zero point 300", Error(new QLinearConvOp { OutputQuant = QuantParams.PerTensor(1f, 300) }, [x, w]));
        Assert.Contains("OutputType", Error(new QLinearConvOp { OutputQuant = oq, OutputType = DataType.Int32 }, [x, w]));
    }

    [Fact]
    public void LayoutPassRunsQuantizedConvolutionNetworksChannelsLast()
    {
        var rng = new Random(4);
        var p = Problem.Random(rng, 1, 8, [6, 6], 8, 1, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1], true, DataType.UInt8, DataType.Int8,
            DataType.UInt8, RequantizeMode.FloatRoundHalfEven);
        var g = new Graph.Graph("q");
        var x = g.AddInput("x", DataType.UInt8, p.X.Shape.Dims.ToArray().Select(Graph.Dim.Known).ToArray());
        x.Quant = p.X.Quant;
        var node = g.AddNode("conv", p.Op, [x, g.AddConstant("w", p.W), p.B is null ? null : g.AddConstant("b", p.B)], ["y"]);
        g.AddOutput(node.Outputs[0]);
        Assert.True(new LayoutToChannelsLast().Run(g));
        Assert.Contains(g.Nodes, n => n.Op is QLinearConvOp { Layout: ChannelLayout.ChannelsLast });
        var y = new Depthwise.Runtime.InferenceSession(g, new Depthwise.Runtime.SessionOptions { OptimizationLevel = OptimizationLevel.None }).Run(p.X)[0];
        p.AssertClose(y);
    }

    [Fact]
    public void LayoutPassKeepsPerTensorQuantizationOnTheTransposesOfIrFormGraphs()
    {
        // Two IR-form convolutions in a row (quantization on the values, as the TFLite importer writes them): the
        // pass converts both, the transposes between them cancel, and the result equals the unconverted graph's.
        var rng = new Random(31);
        var first = Problem.Random(rng, 1, 8, [7, 7], 8, 1, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1], false, DataType.UInt8, DataType.UInt8,
            DataType.UInt8, RequantizeMode.TfLiteFixedPoint, ConvActivation.Clip(0, 6));
        var w2 = new byte[4 * 8];
        rng.NextBytes(w2);
        var second = new QLinearConvOp { OutputQuant = QuantParams.PerTensor(0.05f, 120) };
        Graph.Graph Build()
        {
            var g = new Graph.Graph("q");
            var x = g.AddInput("x", DataType.UInt8, first.X.Shape.Dims.ToArray().Select(Graph.Dim.Known).ToArray());
            x.Quant = first.X.Quant;
            var a = g.AddNode("conv1", first.Op, [x, g.AddConstant("w1", first.W), first.B is null ? null : g.AddConstant("b1", first.B)], ["a"]);
            a.Outputs[0].Quant = first.Op.OutputQuant;
            var w = g.AddConstant("w2", new Tensor(DataType.UInt8, new Shape(4, 8, 1, 1), w2, QuantParams.PerTensor(0.02f, 128)));
            var y = g.AddNode("conv2", second, [a.Outputs[0], w], ["y"]);
            g.AddOutput(y.Outputs[0]);
            return g;
        }
        var reference = new Depthwise.Runtime.InferenceSession(Build(), new Depthwise.Runtime.SessionOptions { OptimizationLevel = OptimizationLevel.None }).Run(first.X)[0];
        var graph = Build();
        Assert.True(new LayoutToChannelsLast().Run(graph));
        Assert.Equal(2, graph.Nodes.Count(n => n.Op is QLinearConvOp { Layout: ChannelLayout.ChannelsLast }));
        Assert.Equal(2, graph.Nodes.Count(n => n.Op is TransposeOp or ReshapeOp));   // at the graph input and output only
        var y = new Depthwise.Runtime.InferenceSession(graph, new Depthwise.Runtime.SessionOptions { OptimizationLevel = OptimizationLevel.None }).Run(first.X)[0];
        Assert.Equal(reference.Bytes.ToArray(), y.Bytes.ToArray());
    }
}
