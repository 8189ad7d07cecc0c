using Depthwise.Formats.TFLite;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;
using B = Depthwise.Formats.TFLite.TfLiteBuiltinOperator;
using O = Depthwise.Formats.TFLite.TfLiteOptions;

namespace Depthwise.Tests.Formats.TFLite;

/// <summary>
/// One synthetic model per importer row, run and compared with a naive NHWC reference written here from TFLite's
/// definitions (padding, rounding and coordinate rules as TFLite's reference kernels apply them).
/// </summary>
public sealed class TfLiteOpTableTests
{
    private static float[] Seeded(int n, int seed, float lo = -1, float hi = 1)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (float)r.NextDouble() * (hi - lo);
        return a;
    }

    private static Tensor[] Run(byte[] model, params Tensor[] inputs) => new InferenceSession(TfLiteImporter.Import(model, "test.tflite")).Run(inputs);

    private static float[] RunOne(byte[] model, params Tensor[] inputs) => Run(model, inputs)[0].ToArray<float>();

    private static Tensor T(int[] shape, float[] data) => Tensor.FromArray(new Shape(shape), data);

    private static void Close(float[] expected, float[] actual, float tol = 1e-4f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    private static float Act(float v, TfLiteActivation a) => a switch
    {
        TfLiteActivation.Relu => Math.Max(v, 0),
        TfLiteActivation.Relu6 => Math.Clamp(v, 0, 6),
        TfLiteActivation.ReluN1To1 => Math.Clamp(v, -1, 1),
        TfLiteActivation.Tanh => MathF.Tanh(v),
        _ => v,
    };

    /// <summary>TFLite's output size and leading pad for one spatial dim (SAME: ceil(in/stride), pad = total/2).</summary>
    private static (int Out, int Pad) Window(int input, int kernel, int stride, int dilation, bool same)
    {
        int eff = (kernel - 1) * dilation + 1;
        int output = same ? (input + stride - 1) / stride : (input - eff + stride) / stride;
        int total = Math.Max((output - 1) * stride + eff - input, 0);
        return (output, total / 2);
    }

    // ---------------------------------------------------------------- convolutions

    /// <summary>Naive NHWC convolution with OHWI filters; group = C / filter in-channels.</summary>
    private static float[] Conv(float[] x, int[] xs, float[] w, int[] ws, float[]? bias, int sh, int sw, int dh, int dw, bool same, TfLiteActivation act, out int[] ys)
    {
        int n = xs[0], h = xs[1], wd = xs[2], c = xs[3], o = ws[0], kh = ws[1], kw = ws[2], ci = ws[3];
        int groups = c / ci, og = o / groups;
        var (oh, ph) = Window(h, kh, sh, dh, same);
        var (ow, pw) = Window(wd, kw, sw, dw, same);
        ys = [n, oh, ow, o];
        var y = new float[n * oh * ow * o];
        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                    for (int oc = 0; oc < o; oc++)
                    {
                        double acc = bias?[oc] ?? 0;
                        int g = oc / og;
                        for (int ky = 0; ky < kh; ky++)
                            for (int kx = 0; kx < kw; kx++)
                            {
                                int iy = oy * sh - ph + ky * dh, ix = ox * sw - pw + kx * dw;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                for (int k = 0; k < ci; k++)
                                    acc += x[((b * h + iy) * wd + ix) * c + g * ci + k] * w[((oc * kh + ky) * kw + kx) * ci + k];
                            }
                        y[((b * oh + oy) * ow + ox) * o + oc] = Act((float)acc, act);
                    }
        return y;
    }

    private static FbTable ConvOptions(bool same, int sw, int sh, TfLiteActivation act, int dw = 1, int dh = 1) =>
        new FbTable().U8(0, same ? (byte)0 : (byte)1).I32(1, sw).I32(2, sh).U8(3, (byte)act).I32(4, dw).I32(5, dh);

    [Theory]
    [InlineData(true, 2, 1, 1, (int)TfLiteActivation.Relu6, 3)]
    [InlineData(false, 1, 2, 2, (int)TfLiteActivation.None, 3)]
    [InlineData(true, 1, 1, 1, (int)TfLiteActivation.ReluN1To1, 1)]   // grouped: 4 channels, filters of 2 → 2 groups
    [InlineData(true, 2, 2, 1, (int)TfLiteActivation.Tanh, 3)]
    public void Conv2DMatchesNaiveNhwc(bool same, int sh, int sw, int dil, int activation, int k)
    {
        var act = (TfLiteActivation)activation;
        bool grouped = k == 1;
        int[] xs = grouped ? [1, 4, 5, 4] : [2, 7, 6, 3];
        int[] ws = grouped ? [6, 1, 1, 2] : [4, k, k, 3];
        var x = Seeded(xs.Aggregate(1, (a, b) => a * b), 1);
        var w = Seeded(ws.Aggregate(1, (a, b) => a * b), 2);
        var bias = Seeded(ws[0], 3);
        var expected = Conv(x, xs, w, ws, bias, sh, sw, dil, dil, same, act, out var ys);
        var b = new TfLiteModelBuilder();
        int xi = b.Float("x", xs), wi = b.FloatConst("w", ws, w), bi = b.FloatConst("b", [ws[0]], bias), yi = b.Float("y", ys);
        b.Inputs.Add(xi);
        b.Outputs.Add(yi);
        b.Op(B.CONV_2D, [xi, wi, bi], [yi], O.Conv2D, ConvOptions(same, sw, sh, act, dil, dil));
        var g = TfLiteImporter.Import(b.Build());
        var conv = (ConvOp)g.Nodes.First(n => n.Op is ConvOp).Op;
        Assert.Equal(ChannelLayout.ChannelsLast, conv.Layout);
        Assert.Equal(same ? AutoPad.SameUpper : AutoPad.Valid, conv.AutoPad);
        Close(expected, RunOne(b.Build(), T(xs, x)));
    }

    [Fact]
    public void DepthwiseConv2DWithMultiplierMatchesNaiveNhwc()
    {
        int[] xs = [1, 6, 5, 3];
        int m = 2, c = 3;
        var x = Seeded(90, 4);
        var w = Seeded(3 * 3 * c * m, 5);   // [1, 3, 3, C·M]
        var bias = Seeded(c * m, 6);
        // Depthwise = grouped conv with one input channel per group; as OHWI: w_ohwi[oc, ky, kx, 0] = w[0, ky, kx, oc].
        var ohwi = new float[w.Length];
        for (int oc = 0; oc < c * m; oc++)
            for (int t = 0; t < 9; t++) ohwi[oc * 9 + t] = w[t * c * m + oc];
        var expected = Conv(x, xs, ohwi, [c * m, 3, 3, 1], bias, 2, 1, 1, 1, true, TfLiteActivation.Relu, out var ys);
        var b = new TfLiteModelBuilder();
        int xi = b.Float("x", xs), wi = b.FloatConst("w", [1, 3, 3, c * m], w), bi = b.FloatConst("b", [c * m], bias), yi = b.Float("y", ys);
        b.Inputs.Add(xi);
        b.Outputs.Add(yi);
        b.Op(B.DEPTHWISE_CONV_2D, [xi, wi, bi], [yi], O.DepthwiseConv2D,
            new FbTable().U8(0, 0).I32(1, 1).I32(2, 2).I32(3, m).U8(4, (byte)TfLiteActivation.Relu));
        Close(expected, RunOne(b.Build(), T(xs, x)));
    }

    [Fact]
    public void Float16FiltersBehindDequantizeAreCastAndPermuted()
    {
        int[] xs = [1, 4, 4, 2], ws = [3, 3, 3, 2];
        var x = Seeded(32, 7);
        var w = Seeded(54, 8).Select(v => (float)(Half)v).ToArray();
        var expected = Conv(x, xs, w, ws, null, 1, 1, 1, 1, true, TfLiteActivation.None, out var ys);
        var b = new TfLiteModelBuilder();
        int xi = b.Float("x", xs), wh = b.HalfConst("w16", ws, w), wf = b.Float("w", ws), yi = b.Float("y", ys);
        b.Inputs.Add(xi);
        b.Outputs.Add(yi);
        b.Op(B.DEQUANTIZE, [wh], [wf]);
        b.Op(B.CONV_2D, [xi, wf, -1], [yi], O.Conv2D, ConvOptions(true, 1, 1, TfLiteActivation.None));
        var bytes = b.Build();
        Close(expected, RunOne(bytes, T(xs, x)));
        var session = new InferenceSession(TfLiteImporter.Import(bytes));
        var conv = session.Graph.Nodes.Single(n => n.Op is ConvOp);
        Assert.Equal(DataType.Float32, conv.Inputs[1]!.Constant!.DataType);   // folded when the session was created
    }

    [Theory]
    [InlineData(false, (int)TfLiteActivation.None)]
    [InlineData(true, (int)TfLiteActivation.Relu)]
    public void FullyConnectedFlattensTheInputAndKeepsDimsWhenAsked(bool keepDims, int activation)
    {
        var act = (TfLiteActivation)activation;
        int[] xs = [2, 3, 4];
        const int units = 5, k = 4;
        var x = Seeded(24, 9);
        var w = Seeded(units * k, 10);
        var bias = Seeded(units, 11);
        var expected = new float[6 * units];
        for (int r = 0; r < 6; r++)
            for (int u = 0; u < units; u++)
            {
                double acc = bias[u];
                for (int i = 0; i < k; i++) acc += x[r * k + i] * w[u * k + i];
                expected[r * units + u] = Act((float)acc, act);
            }
        int[] ys = keepDims ? [2, 3, units] : [6, units];
        var b = new TfLiteModelBuilder();
        int xi = b.Float("x", xs), wi = b.FloatConst("w", [units, k], w), bi = b.FloatConst("b", [units], bias), yi = b.Float("y", ys);
        b.Inputs.Add(xi);
        b.Outputs.Add(yi);
        b.Op(B.FULLY_CONNECTED, [xi, wi, bi], [yi], O.FullyConnected, new FbTable().U8(0, (byte)act).Bool(2, keepDims));
        var y = Run(b.Build(), T(xs, x))[0];
        Assert.Equal(ys, y.Shape.ToArray());
        Close(expected, y.ToArray<float>());
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void PoolsMatchNaiveNhwcAndAveragesExcludePadding(bool average, bool same)
    {
        int[] xs = [1, 7, 6, 2];
        var x = Seeded(84, 12);
        int kh = 3, kw = 2, sh = 2, sw = 2;
        var (oh, ph) = Window(7, kh, sh, 1, same);
        var (ow, pw) = Window(6, kw, sw, 1, same);
        var expected = new float[oh * ow * 2];
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
                for (int c = 0; c < 2; c++)
                {
                    double sum = 0; float max = float.NegativeInfinity; int count = 0;
                    for (int ky = 0; ky < kh; ky++)
                        for (int kx = 0; kx < kw; kx++)
                        {
                            int iy = oy * sh - ph + ky, ix = ox * sw - pw + kx;
                            if (iy < 0 || iy >= 7 || ix < 0 || ix >= 6) continue;
                            float v = x[(iy * 6 + ix) * 2 + c];
                            sum += v; max = Math.Max(max, v); count++;
                        }
                    expected[(oy * ow + ox) * 2 + c] = Act(average ? (float)(sum / count) : max, TfLiteActivation.Relu);
                }
        var options = new FbTable().U8(0, same ? (byte)0 : (byte)1).I32(1, sw).I32(2, sh).I32(3, kw).I32(4, kh).U8(5, (byte)TfLiteActivation.Relu);
        var model = TfLiteModelBuilder.Single(average ? B.AVERAGE_POOL_2D : B.MAX_POOL_2D, O.Pool2D, options, [1, oh, ow, 2], ("x", xs, null));
        Close(expected, RunOne(model, T(xs, x)));
    }

    /// <summary>TFLite's transposed convolution: every input pixel scatters into out[y·s − pad + k] (OHWI filters).</summary>
    private static float[] TransposeConv(float[] x, int[] xs, float[] w, int[] ws, float[]? bias, int stride, int outH, int outW, int padH, int padW)
    {
        int h = xs[1], wd = xs[2], c = xs[3], o = ws[0], kh = ws[1], kw = ws[2];
        var y = new float[outH * outW * o];
        for (int i = 0; i < y.Length; i++) y[i] = bias?[i % o] ?? 0;
        for (int iy = 0; iy < h; iy++)
            for (int ix = 0; ix < wd; ix++)
                for (int ic = 0; ic < c; ic++)
                    for (int ky = 0; ky < kh; ky++)
                        for (int kx = 0; kx < kw; kx++)
                            for (int oc = 0; oc < o; oc++)
                            {
                                int oy = iy * stride - padH + ky, ox = ix * stride - padW + kx;
                                if (oy < 0 || oy >= outH || ox < 0 || ox >= outW) continue;
                                y[(oy * outW + ox) * o + oc] += x[(iy * wd + ix) * c + ic] * w[((oc * kh + ky) * kw + kx) * c + ic];
                            }
        return y;
    }

    [Theory]
    [InlineData(true, 3, 8, 10)]    // SAME: out = in · stride
    [InlineData(false, 3, 9, 11)]   // VALID: out = (in − 1)·stride + k
    [InlineData(true, 4, 8, 10)]    // even kernel
    public void TransposeConvMatchesTfLiteScatter(bool same, int k, int outH, int outW)
    {
        int[] xs = [1, 4, 5, 3], ws = [2, k, k, 3];
        var x = Seeded(60, 13);
        var w = Seeded(2 * k * k * 3, 14);
        var bias = Seeded(2, 15);
        int PadFor(int output, int input) => Math.Max(((same ? (output + 1) / 2 : (output - k + 2) / 2) - 1) * 2 + k - output, 0) / 2;
        var expected = TransposeConv(x, xs, w, ws, bias, 2, outH, outW, PadFor(outH, 4), PadFor(outW, 5));
        var b = new TfLiteModelBuilder();
        int si = b.IntConst("output_shape", [4], [1, outH, outW, 2]);
        int wi = b.FloatConst("w", ws, w), xi = b.Float("x", xs), bi = b.FloatConst("b", [2], bias), yi = b.Float("y", [1, outH, outW, 2]);
        b.Inputs.Add(xi);
        b.Outputs.Add(yi);
        b.Op(B.TRANSPOSE_CONV, [si, wi, xi, bi], [yi], O.TransposeConv, new FbTable().U8(0, same ? (byte)0 : (byte)1).I32(1, 2).I32(2, 2));
        Close(expected, RunOne(b.Build(), T(xs, x)));
    }

    [Theory]
    [InlineData(1, 4, 16)]   // SAME, kernel 4: total pad 2, output 32 from 16
    [InlineData(1, 3, 5)]
    [InlineData(2, 3, 5)]    // VALID
    public void MediaPipeConvolution2DTransposeBiasMatchesItsReference(int padding, int k, int size)
    {
        int[] xs = [1, size, size, 2], ws = [3, k, k, 2];
        var x = Seeded(size * size * 2, 16);
        var w = Seeded(3 * k * k * 2, 17);
        var bias = Seeded(3, 18);
        const int s = 2;
        int total = padding == 1 ? Math.Max(0, k - (size - 1) % s - 1) : 0;
        int output = s * (size - 1) + k - total;
        var expected = TransposeConv(x, xs, w, ws, bias, s, output, output, total / 2, total / 2);
        var b = new TfLiteModelBuilder();
        int xi = b.Float("x", xs), wi = b.FloatConst("w", ws, w), bi = b.FloatConst("b", [3], bias), yi = b.Float("y", [1, output, output, 3]);
        b.Inputs.Add(xi);
        b.Outputs.Add(yi);
        var options = new byte[12];
        BitConverter.TryWriteBytes(options.AsSpan(0), padding);
        BitConverter.TryWriteBytes(options.AsSpan(4), s);
        BitConverter.TryWriteBytes(options.AsSpan(8), s);
        b.Custom("Convolution2DTransposeBias", [xi, wi, bi], [yi], options);
        var y = Run(b.Build(), T(xs, x))[0];
        Assert.Equal(new Shape(1, output, output, 3), y.Shape);
        Close(expected, y.ToArray<float>());
    }

    // ---------------------------------------------------------------- elementwise

    [Theory]
    [InlineData((int)B.ADD, (int)O.Add, (int)TfLiteActivation.Relu6)]
    [InlineData((int)B.SUB, (int)O.Sub, (int)TfLiteActivation.None)]
    [InlineData((int)B.MUL, (int)O.Mul, (int)TfLiteActivation.ReluN1To1)]
    [InlineData((int)B.DIV, (int)O.Div, (int)TfLiteActivation.Relu)]
    public void BinaryOperatorsBroadcastAndApplyTheFusedActivation(int opCode, int optionsType, int activation)
    {
        var (op, options, act) = ((B)opCode, (O)optionsType, (TfLiteActivation)activation);
        var a = Seeded(24, 19, -8, 8);
        var c = Seeded(4, 20, 0.5f, 3);
        var expected = new float[24];
        for (int i = 0; i < 24; i++)
        {
            float x = a[i], y = c[i % 4];
            expected[i] = Act(op switch { B.ADD => x + y, B.SUB => x - y, B.MUL => x * y, _ => x / y }, act);
        }
        var model = TfLiteModelBuilder.Single(op, options, new FbTable().U8(0, (byte)act), [2, 3, 4], ("a", [2, 3, 4], null), ("c", [4], c));
        Close(expected, RunOne(model, T([2, 3, 4], a)));
    }

    [Theory]
    [InlineData((int)B.RELU)]
    [InlineData((int)B.RELU6)]
    [InlineData((int)B.RELU_N1_TO_1)]
    [InlineData((int)B.TANH)]
    [InlineData((int)B.LOGISTIC)]
    [InlineData((int)B.HARD_SWISH)]
    [InlineData((int)B.LEAKY_RELU)]
    public void ActivationsMatchTheirDefinitions(int opCode)
    {
        var op = (B)opCode;
        var x = Seeded(40, 21, -8, 8);
        var expected = x.Select(v => op switch
        {
            B.RELU => Math.Max(v, 0),
            B.RELU6 => Math.Clamp(v, 0, 6),
            B.RELU_N1_TO_1 => Math.Clamp(v, -1, 1),
            B.TANH => MathF.Tanh(v),
            B.LOGISTIC => 1 / (1 + MathF.Exp(-v)),
            B.HARD_SWISH => v * Math.Clamp(v + 3, 0, 6) / 6,
            _ => v < 0 ? 0.2f * v : v,
        }).ToArray();
        var options = op == B.LEAKY_RELU ? new FbTable().F32(0, 0.2f) : null;
        var model = TfLiteModelBuilder.Single(op, op == B.LEAKY_RELU ? O.LeakyRelu : O.None, options, [5, 8], ("x", [5, 8], null));
        Close(expected, RunOne(model, T([5, 8], x)), 1e-5f);
    }

    [Fact]
    public void PReluTakesPerChannelSlopes()
    {
        var x = Seeded(24, 22, -3, 3);
        var alpha = new[] { 0.1f, 0.2f, 0.3f };
        var expected = x.Select((v, i) => v < 0 ? v * alpha[i % 3] : v).ToArray();
        var model = TfLiteModelBuilder.Single(B.PRELU, O.None, null, [1, 2, 4, 3], ("x", [1, 2, 4, 3], null), ("alpha", [1, 1, 3], alpha));
        Close(expected, RunOne(model, T([1, 2, 4, 3], x)));
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(0.5f)]
    public void SoftmaxWithBetaRunsOverTheLastAxis(float beta)
    {
        var x = Seeded(12, 23, -4, 4);
        var expected = new float[12];
        for (int r = 0; r < 3; r++)
        {
            double sum = 0;
            for (int i = 0; i < 4; i++) sum += Math.Exp(beta * x[r * 4 + i]);
            for (int i = 0; i < 4; i++) expected[r * 4 + i] = (float)(Math.Exp(beta * x[r * 4 + i]) / sum);
        }
        var model = TfLiteModelBuilder.Single(B.SOFTMAX, O.Softmax, new FbTable().F32(0, beta), [3, 4], ("x", [3, 4], null));
        Close(expected, RunOne(model, T([3, 4], x)));
    }

    // ---------------------------------------------------------------- tensor operators

    [Fact]
    public void MeanOverHeightAndWidthIsAGlobalPoolAndOtherAxesAReduceMean()
    {
        var x = Seeded(2 * 3 * 4 * 5, 24);
        var hw = new float[2 * 5];
        for (int b = 0; b < 2; b++)
            for (int c = 0; c < 5; c++)
            {
                double s = 0;
                for (int i = 0; i < 12; i++) s += x[(b * 12 + i) * 5 + c];
                hw[b * 5 + c] = (float)(s / 12);
            }
        var b1 = new TfLiteModelBuilder();
        int xi = b1.Float("x", 2, 3, 4, 5), ai = b1.IntConst("axes", [2], [1, 2]), yi = b1.Float("y", 2, 5);
        b1.Inputs.Add(xi);
        b1.Outputs.Add(yi);
        b1.Op(B.MEAN, [xi, ai], [yi], O.Reducer, new FbTable().Bool(0, false));
        Assert.Contains(TfLiteImporter.Import(b1.Build()).Nodes, n => n.Op is GlobalAveragePoolOp { Layout: ChannelLayout.ChannelsLast });
        Close(hw, RunOne(b1.Build(), T([2, 3, 4, 5], x)));

        var last = new float[24];
        for (int i = 0; i < 24; i++) last[i] = (float)(Enumerable.Range(0, 5).Sum(c => (double)x[i * 5 + c]) / 5);
        var b2 = new TfLiteModelBuilder();
        xi = b2.Float("x", 2, 3, 4, 5); ai = b2.IntConst("axes", [2], [-1, 3]); yi = b2.Float("y", 2, 3, 4, 1);
        b2.Inputs.Add(xi);
        b2.Outputs.Add(yi);
        b2.Op(B.MEAN, [xi, ai], [yi], O.Reducer, new FbTable().Bool(0, true));
        var y = Run(b2.Build(), T([2, 3, 4, 5], x))[0];
        Assert.Equal(new Shape(2, 3, 4, 1), y.Shape);
        Close(last, y.ToArray<float>());
    }

    [Fact]
    public void ReshapeTakesTheShapeInputOrTheNewShapeOption()
    {
        var x = Seeded(24, 25);
        var b = new TfLiteModelBuilder();
        int xi = b.Float("x", 2, 12), si = b.IntConst("shape", [3], [4, -1, 2]), yi = b.Float("y", 4, 3, 2);
        b.Inputs.Add(xi);
        b.Outputs.Add(yi);
        b.Op(B.RESHAPE, [xi, si], [yi]);
        var y = Run(b.Build(), T([2, 12], x))[0];
        Assert.Equal(new Shape(4, 3, 2), y.Shape);
        Assert.Equal(x, y.ToArray<float>());
        var model = TfLiteModelBuilder.Single(B.RESHAPE, O.Reshape, new FbTable().Ints(0, 6, 4), [6, 4], ("x", [2, 12], null));
        Assert.Equal(new Shape(6, 4), Run(model, T([2, 12], x))[0].Shape);
    }

    [Fact]
    public void SqueezeConcatenationTransposeAndPad()
    {
        var x = Seeded(6, 26);
        var sq = TfLiteModelBuilder.Single(B.SQUEEZE, O.Squeeze, new FbTable().Ints(0, 0, 2), [2, 3], ("x", [1, 2, 1, 3], null));
        Assert.Equal(new Shape(2, 3), Run(sq, T([1, 2, 1, 3], x))[0].Shape);

        var c = Seeded(4, 27);
        var cat = TfLiteModelBuilder.Single(B.CONCATENATION, O.Concatenation, new FbTable().I32(0, -1).U8(1, (byte)TfLiteActivation.Relu), [2, 5],
            ("x", [2, 3], null), ("c", [2, 2], c));
        var expected = new[] { x[0], x[1], x[2], c[0], c[1], x[3], x[4], x[5], c[2], c[3] }.Select(v => Math.Max(v, 0)).ToArray();
        Close(expected, RunOne(cat, T([2, 3], x)));

        var b = new TfLiteModelBuilder();
        int xi = b.Float("x", 2, 3), pi = b.IntConst("perm", [2], [1, 0]), yi = b.Float("y", 3, 2);
        b.Inputs.Add(xi);
        b.Outputs.Add(yi);
        b.Op(B.TRANSPOSE, [xi, pi], [yi]);
        Assert.Equal(new[] { x[0], x[3], x[1], x[4], x[2], x[5] }, RunOne(b.Build(), T([2, 3], x)));

        b = new TfLiteModelBuilder();
        xi = b.Float("x", 2, 3); pi = b.IntConst("paddings", [2, 2], [1, 0, 0, 2]);
        int vi = b.FloatConst("value", [], [9f]);
        yi = b.Float("y", 3, 5);
        b.Inputs.Add(xi);
        b.Outputs.Add(yi);
        b.Op(B.PADV2, [xi, pi, vi], [yi]);
        Assert.Equal(new[] { 9, 9, 9, 9, 9, x[0], x[1], x[2], 9, 9, x[3], x[4], x[5], 9, 9 }, RunOne(b.Build(), T([2, 3], x)));
    }

    /// <summary>TFLite's bilinear source coordinate and taps for one output index.</summary>
    private static (int Lo, int Hi, float Frac) BilinearTaps(int o, int inSize, int outSize, bool align, bool half)
    {
        float scale = align && outSize > 1 ? (inSize - 1) / (float)(outSize - 1) : inSize / (float)outSize;
        float v = half ? (o + 0.5f) * scale - 0.5f : o * scale;
        int lo = Math.Max((int)MathF.Floor(v), 0);
        int hi = Math.Min((int)MathF.Ceiling(v), inSize - 1);
        return (lo, hi, v - lo);
    }

    private static int NearestTap(int o, int inSize, int outSize, bool align, bool half)
    {
        float scale = align && outSize > 1 ? (inSize - 1) / (float)(outSize - 1) : inSize / (float)outSize;
        float offset = half ? 0.5f : 0;
        int v = Math.Min(align ? (int)MathF.Round((o + offset) * scale, MidpointRounding.AwayFromZero) : (int)MathF.Floor((o + offset) * scale), inSize - 1);
        return half ? Math.Max(v, 0) : v;
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(true, true, false)]
    [InlineData(true, false, true)]
    [InlineData(false, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    public void ResizeFollowsTfLiteCoordinateRules(bool bilinear, bool align, bool half)
    {
        int h = 5, w = 4, c = 2, oh = 9, ow = 7;
        var x = Seeded(h * w * c, 28);
        var expected = new float[oh * ow * c];
        for (int y = 0; y < oh; y++)
            for (int xo = 0; xo < ow; xo++)
                for (int ch = 0; ch < c; ch++)
                {
                    float At(int iy, int ix) => x[(iy * w + ix) * c + ch];
                    if (bilinear)
                    {
                        var (y0, y1, fy) = BilinearTaps(y, h, oh, align, half);
                        var (x0, x1, fx) = BilinearTaps(xo, w, ow, align, half);
                        expected[(y * ow + xo) * c + ch] = At(y0, x0) * (1 - fy) * (1 - fx) + At(y1, x0) * fy * (1 - fx) + At(y0, x1) * (1 - fy) * fx + At(y1, x1) * fy * fx;
                    }
                    else expected[(y * ow + xo) * c + ch] = At(NearestTap(y, h, oh, align, half), NearestTap(xo, w, ow, align, half));
                }
        var b = new TfLiteModelBuilder();
        int xi = b.Float("x", 1, h, w, c), si = b.IntConst("size", [2], [oh, ow]), yi = b.Float("y", 1, oh, ow, c);
        b.Inputs.Add(xi);
        b.Outputs.Add(yi);
        if (bilinear) b.Op(B.RESIZE_BILINEAR, [xi, si], [yi], O.ResizeBilinear, new FbTable().Bool(2, align).Bool(3, half));
        else b.Op(B.RESIZE_NEAREST_NEIGHBOR, [xi, si], [yi], O.ResizeNearestNeighbor, new FbTable().Bool(0, align).Bool(1, half));
        Close(expected, RunOne(b.Build(), T([1, h, w, c], x)), 1e-5f);
    }

    private static byte[] StridedSliceModel(int[] inShape, int[] begin, int[] end, int[] strides, int[] outShape, FbTable options)
    {
        var b = new TfLiteModelBuilder();
        int xi = b.Float("x", inShape);
        int bi = b.IntConst("begin", [begin.Length], begin), ei = b.IntConst("end", [end.Length], end), si = b.IntConst("strides", [strides.Length], strides);
        int yi = b.Float("y", outShape);
        b.Inputs.Add(xi);
        b.Outputs.Add(yi);
        b.Op(B.STRIDED_SLICE, [xi, bi, ei, si], [yi], O.StridedSlice, options);
        return b.Build();
    }

    [Fact]
    public void StridedSliceResolvesMasksLikeTensorFlow()
    {
        // x[r, c] = 10 r + c on a 4×5 grid.
        var x = new float[20];
        for (int r = 0; r < 4; r++) for (int c = 0; c < 5; c++) x[r * 5 + c] = 10 * r + c;
        var input = T([4, 5], x);

        // x[1:3, ::2]
        var y = Run(StridedSliceModel([4, 5], [1, 0], [3, 0], [1, 2], [2, 3], new FbTable().I32(1, 2)), input)[0];
        Assert.Equal(new Shape(2, 3), y.Shape);
        Assert.Equal(new float[] { 10, 12, 14, 20, 22, 24 }, y.ToArray<float>());

        // x[::-1, -1] (shrink the column): reversed rows of the last column.
        y = Run(StridedSliceModel([4, 5], [0, -1], [0, 0], [-1, 1], [4], new FbTable().I32(0, 1).I32(1, 1).I32(4, 2)), input)[0];
        Assert.Equal(new Shape(4), y.Shape);
        Assert.Equal(new float[] { 34, 24, 14, 4 }, y.ToArray<float>());

        // x[..., 1:4:2] (ellipsis first), then x[2, np.newaxis, :2]
        y = Run(StridedSliceModel([4, 5], [0, 1], [0, 4], [1, 2], [4, 2], new FbTable().I32(2, 1)), input)[0];
        Assert.Equal(new float[] { 1, 3, 11, 13, 21, 23, 31, 33 }, y.ToArray<float>());
        y = Run(StridedSliceModel([4, 5], [2, 0, 0], [3, 0, 2], [1, 1, 1], [1, 2], new FbTable().I32(3, 2).I32(4, 1)), input)[0];
        Assert.Equal(new Shape(1, 2), y.Shape);
        Assert.Equal(new float[] { 20, 21 }, y.ToArray<float>());

        // Out-of-range bounds clamp; x[-100:100, 3:1] is empty along the columns.
        y = Run(StridedSliceModel([4, 5], [-100, 3], [100, 1], [1, 1], [4, 0], new FbTable()), input)[0];
        Assert.Equal(new Shape(4, 0), y.Shape);
        // x[3:0:-2, 4:-6:-3] → rows 3, 1; columns 4, 1
        y = Run(StridedSliceModel([4, 5], [3, 4], [0, -6], [-2, -3], [2, 2], new FbTable()), input)[0];
        Assert.Equal(new float[] { 34, 31, 14, 11 }, y.ToArray<float>());
    }

    [Fact]
    public void SliceSplitAndSplitV()
    {
        var x = Seeded(24, 29);
        var b = new TfLiteModelBuilder();
        int xi = b.Float("x", 4, 6), bi = b.IntConst("begin", [2], [1, 2]), si = b.IntConst("size", [2], [2, -1]), yi = b.Float("y", 2, 4);
        b.Inputs.Add(xi);
        b.Outputs.Add(yi);
        b.Op(B.SLICE, [xi, bi, si], [yi]);
        Assert.Equal(new[] { x[8], x[9], x[10], x[11], x[14], x[15], x[16], x[17] }, RunOne(b.Build(), T([4, 6], x)));

        b = new TfLiteModelBuilder();
        xi = b.Float("x", 4, 6);
        int ai = b.IntConst("axis", [], [1]), y0 = b.Float("y0", 4, 3), y1 = b.Float("y1", 4, 3);
        b.Inputs.Add(xi);
        b.Outputs.AddRange([y0, y1]);
        b.Op(B.SPLIT, [ai, xi], [y0, y1], O.Split, new FbTable().I32(0, 2));
        var outs = Run(b.Build(), T([4, 6], x));
        Assert.Equal(new[] { x[3], x[4], x[5] }, outs[1].ToArray<float>()[..3]);

        b = new TfLiteModelBuilder();
        xi = b.Float("x", 4, 6);
        int sz = b.IntConst("sizes", [2], [1, -1]);
        ai = b.IntConst("axis", [], [0]);
        y0 = b.Float("y0", 1, 6); y1 = b.Float("y1", 3, 6);
        b.Inputs.Add(xi);
        b.Outputs.AddRange([y0, y1]);
        b.Op(B.SPLIT_V, [xi, sz, ai], [y0, y1]);
        outs = Run(b.Build(), T([4, 6], x));
        Assert.Equal(new Shape(3, 6), outs[1].Shape);
        Assert.Equal(x[6..], outs[1].ToArray<float>());
    }

    [Fact]
    public void ArgMaxRemovesTheAxisAndWritesTheOutputTensorsIndexType()
    {
        var x = new float[] { 1, 5, 2, 5, 0, -1, -3, -2, -9, -1 };
        foreach (var (type, min) in new[] { (TfLiteTensorType.INT32, false), (TfLiteTensorType.INT64, true) })
        {
            var b = new TfLiteModelBuilder();
            int xi = b.Float("x", 2, 5), ai = b.IntConst("axis", [1], [-1]), yi = b.Tensor("y", type, [2]);
            b.Inputs.Add(xi);
            b.Outputs.Add(yi);
            b.Op(min ? B.ARG_MIN : B.ARG_MAX, [xi, ai], [yi], min ? O.ArgMin : O.ArgMax, new FbTable().I8(0, (sbyte)type));
            var y = Run(b.Build(), T([2, 5], x))[0];
            Assert.Equal(new Shape(2), y.Shape);
            Assert.Equal(min ? new long[] { 4, 3 } : new long[] { 1, 0 }, y.ToInt64Array());   // first index on ties
            Assert.Equal(type == TfLiteTensorType.INT32 ? DataType.Int32 : DataType.Int64, y.DataType);
        }
    }

    [Fact]
    public void DetectionPostProcessReadsItsFlexBufferOptions()
    {
        var options = FlexBufferBuilder.Map(("max_detections", 2), ("max_classes_per_detection", 1), ("nms_score_threshold", 0.3f),
            ("nms_iou_threshold", 0.5f), ("num_classes", 2), ("y_scale", 10f), ("x_scale", 10f), ("h_scale", 5f), ("w_scale", 5f));
        var b = new TfLiteModelBuilder();
        int boxes = b.Float("boxes", 1, 3, 4), scores = b.Float("scores", 1, 3, 3);
        int anchors = b.FloatConst("anchors", [3, 4], [0.2f, 0.2f, 0.2f, 0.2f, 0.5f, 0.5f, 0.2f, 0.2f, 0.8f, 0.8f, 0.2f, 0.2f]);
        int o0 = b.Float("detection_boxes"), o1 = b.Float("detection_classes"), o2 = b.Float("detection_scores"), o3 = b.Float("num_detections");
        b.Inputs.AddRange([boxes, scores]);
        b.Outputs.AddRange([o0, o1, o2, o3]);
        b.Custom("TFLite_Detection_PostProcess", [boxes, scores, anchors], [o0, o1, o2, o3], options);
        var g = TfLiteImporter.Import(b.Build());
        var op = Assert.IsType<DetectionPostProcessOp>(Assert.Single(g.Nodes).Op);
        Assert.Equal((2, 1, 100, false, 0.3f, 0.5f, 2), (op.MaxDetections, op.MaxClassesPerDetection, op.DetectionsPerClass, op.UseRegularNms, op.NmsScoreThreshold, op.NmsIouThreshold, op.NumClasses));
        Assert.Equal((10f, 10f, 5f, 5f), (op.YScale, op.XScale, op.HScale, op.WScale));
        Assert.All(g.Outputs, v => Assert.Null(v.DeclaredShape));
        // Zero encodings decode to the anchors; anchor 2 (class 1, 0.9) and anchor 0 (class 0, 0.6) survive, anchor 1 is below the threshold.
        var outs = new InferenceSession(g).Run(Tensor.Zeros(DataType.Float32, new Shape(1, 3, 4)),
            T([1, 3, 3], [0, 0.6f, 0.1f, 0, 0.2f, 0.1f, 0, 0.1f, 0.9f]));
        Assert.Equal(new float[] { 0.7f, 0.7f, 0.9f, 0.9f, 0.1f, 0.1f, 0.3f, 0.3f }, outs[0].ToArray<float>().Select(v => MathF.Round(v, 5)).ToArray());
        Assert.Equal(new float[] { 1, 0 }, outs[1].ToArray<float>());
        Assert.Equal(new float[] { 0.9f, 0.6f }, outs[2].ToArray<float>());
        Assert.Equal(new float[] { 2 }, outs[3].ToArray<float>());
    }

    [Fact]
    public void QuantizedMaxPoolKeepsTheBytesAndClampsAFusedActivationToItsQuantizedRange()
    {
        var q = TfLiteModelBuilder.Quant([0.05f], [100]);
        var b = new TfLiteModelBuilder();
        int xi = b.Tensor("x", TfLiteTensorType.UINT8, [1, 2, 2, 1], quantization: q), yi = b.Tensor("y", TfLiteTensorType.UINT8, [1, 1, 1, 1], quantization: q);
        b.Inputs.Add(xi);
        b.Outputs.Add(yi);
        b.Op(B.MAX_POOL_2D, [xi], [yi], O.Pool2D, new FbTable().U8(0, 1).I32(1, 2).I32(2, 2).I32(3, 2).I32(4, 2).U8(5, (byte)TfLiteActivation.Relu6));
        var g = TfLiteImporter.Import(b.Build());
        Tensor X(params byte[] v) => Tensor.FromArray(new Shape(1, 2, 2, 1), v, QuantParams.PerTensor(0.05f, 100));
        // Relu6 in the quantized domain: [zp, zp + 6/0.05] = [100, 220].
        Assert.Equal(new byte[] { 220 }, new InferenceSession(g).Run(X(3, 250, 7, 9))[0].ToArray<byte>());
        Assert.Equal(new byte[] { 100 }, new InferenceSession(g).Run(X(3, 50, 7, 9))[0].ToArray<byte>());
        Assert.Equal(new byte[] { 150 }, new InferenceSession(g).Run(X(3, 150, 7, 9))[0].ToArray<byte>());
    }

    // ---------------------------------------------------------------- quantized rows

    private static readonly QuantParams U8 = QuantParams.PerTensor(0.1f, 120);

    private static byte[] Q(params float[] real) => real.Select(v => (byte)Math.Clamp(Math.Round(v / 0.1f) + 120, 0, 255)).ToArray();

    private static float Real(byte q, QuantParams p) => (q - p.ZeroPoints[0]) * p.Scales[0];

    /// <summary>A model x (uint8, <see cref="U8"/>) → op → y (uint8 or float, quantized as given).</summary>
    private static byte[] QuantizedUnary(B op, TfLiteTensorType outType, FbTable? outQuant, int[] inShape, int[] outShape, O optionsType = O.None, FbTable? options = null, params (string Name, int[] Shape, int[] Data)[] extra)
    {
        var b = new TfLiteModelBuilder();
        int x = b.Tensor("x", TfLiteTensorType.UINT8, inShape, quantization: TfLiteModelBuilder.Quant([0.1f], [120]));
        var inputs = new List<int> { x };
        foreach (var e in extra) inputs.Add(b.IntConst(e.Name, e.Shape, e.Data));
        int y = b.Tensor("y", outType, outShape, quantization: outQuant);
        b.Inputs.Add(x);
        b.Outputs.Add(y);
        b.Op(op, inputs.ToArray(), [y], optionsType, options);
        return b.Build();
    }

    private static Tensor QIn(int[] shape, byte[] data) => Tensor.FromArray(new Shape(shape), data, U8);

    [Fact]
    public void DequantizeAndQuantizeUseTfLitesArithmetic()
    {
        var x = new byte[] { 0, 119, 120, 121, 255 };
        var deq = RunOne(QuantizedUnary(B.DEQUANTIZE, TfLiteTensorType.FLOAT32, null, [5], [5]), QIn([5], x));
        Assert.Equal(x.Select(q => (float)(0.1 * (q - 120))).ToArray(), deq);   // the double-precision scale, as TFLite

        // float → uint8: round half away from zero, saturate.
        var b = new TfLiteModelBuilder();
        int xi = b.Float("x", 6), yi = b.Tensor("y", TfLiteTensorType.UINT8, [6], quantization: TfLiteModelBuilder.Quant([0.5f], [10]));
        b.Inputs.Add(xi);
        b.Outputs.Add(yi);
        b.Op(B.QUANTIZE, [xi], [yi]);
        var y = Run(b.Build(), T([6], [0.25f, -0.25f, 0.75f, 1.25f, -100, 1000]))[0];
        Assert.Equal(new byte[] { 11, 9, 12, 13, 0, 255 }, y.ToArray<byte>());
        Assert.Equal(QuantParams.PerTensor(0.5f, 10).Scales, y.Quant!.Scales);

        // uint8 → int8 requantization: real values kept within one step.
        var req = Run(QuantizedUnary(B.QUANTIZE, TfLiteTensorType.INT8, TfLiteModelBuilder.Quant([0.05f], [-3]), [5], [5]), QIn([5], x))[0];
        var got = req.ToArray<sbyte>();
        for (int i = 0; i < x.Length; i++)
        {
            double want = Math.Clamp(Math.Round(Real(x[i], U8) / 0.05) - 3, -128, 127);
            Assert.InRange(got[i], want - 1, want + 1);
        }
    }

    [Theory]
    [InlineData((int)B.LOGISTIC)]
    [InlineData((int)B.TANH)]
    [InlineData((int)B.RELU6)]
    [InlineData((int)B.HARD_SWISH)]
    public void QuantizedActivationsAreTablesWithinOneStepOfTheRealFunction(int opCode)
    {
        var op = (B)opCode;
        var outQ = op == B.LOGISTIC ? QuantParams.PerTensor(1f / 256, 0) : op == B.TANH ? QuantParams.PerTensor(1f / 128, 128) : QuantParams.PerTensor(0.05f, 30);
        var model = QuantizedUnary(op, TfLiteTensorType.UINT8, TfLiteModelBuilder.Quant([outQ.Scales[0]], [outQ.ZeroPoints[0]]), [256], [256]);
        Assert.Contains(TfLiteImporter.Import(model).Nodes, n => n.Op is QLinearLookupOp);
        var x = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var y = Run(model, QIn([256], x))[0].ToArray<byte>();
        for (int i = 0; i < 256; i++)
        {
            double v = Real(x[i], U8);
            double f = op switch
            {
                B.LOGISTIC => 1 / (1 + Math.Exp(-v)),
                B.TANH => Math.Tanh(v),
                B.RELU6 => Math.Clamp(v, 0, 6),
                _ => v * Math.Clamp(v + 3, 0, 6) / 6,
            };
            double want = Math.Clamp(Math.Round(f / outQ.Scales[0]) + outQ.ZeroPoints[0], 0, 255);
            Assert.InRange(y[i], want - 1, want + 1);
        }
    }

    [Fact]
    public void QuantizedSoftmaxAveragePoolAndMean()
    {
        var x = Q(-1, 0.5f, 2, 3, 1, -2, 0, 0.3f);
        // SOFTMAX → uint8 with scale 1/256, zero point 0.
        var sm = Run(QuantizedUnary(B.SOFTMAX, TfLiteTensorType.UINT8, TfLiteModelBuilder.Quant([1f / 256], [0]), [2, 4], [2, 4], O.Softmax, new FbTable().F32(0, 1)), QIn([2, 4], x))[0].ToArray<byte>();
        for (int r = 0; r < 2; r++)
        {
            var row = Enumerable.Range(0, 4).Select(i => (double)Real(x[r * 4 + i], U8)).ToArray();
            double sum = row.Sum(v => Math.Exp(v));
            for (int i = 0; i < 4; i++) Assert.InRange(sm[r * 4 + i], Math.Min(255, Math.Round(Math.Exp(row[i]) / sum * 256)) - 1, Math.Round(Math.Exp(row[i]) / sum * 256) + 1);
        }
        // AVERAGE_POOL_2D 2×2 VALID over a [1, 2, 2, 2] input, same quantization in and out.
        var pool = Run(QuantizedUnary(B.AVERAGE_POOL_2D, TfLiteTensorType.UINT8, TfLiteModelBuilder.Quant([0.1f], [120]), [1, 2, 2, 2], [1, 1, 1, 2], O.Pool2D,
            new FbTable().U8(0, 1).I32(1, 2).I32(2, 2).I32(3, 2).I32(4, 2)), QIn([1, 2, 2, 2], x))[0].ToArray<byte>();
        for (int c = 0; c < 2; c++)
        {
            double mean = (x[c] + x[2 + c] + x[4 + c] + x[6 + c]) / 4.0;
            Assert.InRange(pool[c], Math.Round(mean) - 1, Math.Round(mean) + 1);
        }
        // MEAN over H and W with keep_dims → QLinearGlobalAveragePool (TFLite's Mean4D: here sum/4 rounded, like the pool).
        var kept = QuantizedUnary(B.MEAN, TfLiteTensorType.UINT8, TfLiteModelBuilder.Quant([0.1f], [120]), [1, 2, 2, 2], [1, 1, 1, 2], O.Reducer, new FbTable().Bool(0, true), ("axes", [2], [1, 2]));
        Assert.Contains(TfLiteImporter.Import(kept).Nodes, n => n.Op is QLinearGlobalAveragePoolOp { Layout: ChannelLayout.ChannelsLast });
        Assert.Equal(pool, Run(kept, QIn([1, 2, 2, 2], x))[0].ToArray<byte>());
        // Without keep_dims TFLite takes its reference mean: with equal quantization the integer sum / count, truncated
        // (channel 1: 498 / 4 → 124, where the pool rounds to 125).
        var model = QuantizedUnary(B.MEAN, TfLiteTensorType.UINT8, TfLiteModelBuilder.Quant([0.1f], [120]), [1, 2, 2, 2], [1, 2], O.Reducer, new FbTable(), ("axes", [2], [1, 2]));
        Assert.Contains(TfLiteImporter.Import(model).Nodes, n => n.Op is QLinearMeanOp { KeepDims: false });
        var mean2 = Run(model, QIn([1, 2, 2, 2], x))[0];
        Assert.Equal(new Shape(1, 2), mean2.Shape);
        var truncated = Enumerable.Range(0, 2).Select(c => (byte)((x[c] + x[2 + c] + x[4 + c] + x[6 + c]) / 4)).ToArray();
        Assert.Equal(truncated, mean2.ToArray<byte>());
        Assert.NotEqual(pool, truncated);
    }

    [Fact]
    public void QuantizedEluIsTfLitesFloatTable()
    {
        var outQ = QuantParams.PerTensor(0.05f, 100);
        var model = QuantizedUnary(B.ELU, TfLiteTensorType.UINT8, TfLiteModelBuilder.Quant([0.05f], [100]), [256], [256]);
        Assert.Contains(TfLiteImporter.Import(model).Nodes, n => n.Op is QLinearLookupOp { Kind: QLinearLookupKind.Elu });
        var x = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var y = Run(model, QIn([256], x))[0].ToArray<byte>();
        for (int i = 0; i < 256; i++)
        {
            // PopulateLookupTable: dequantize and evaluate in float, round half away from zero at 1/s_out, add z_out.
            float v = 0.1f * (i - 120);
            float f = v < 0 ? MathF.Exp(v) - 1 : v;
            int want = Math.Clamp((int)MathF.Round(f * (1 / outQ.Scales[0]), MidpointRounding.AwayFromZero) + 100, 0, 255);
            Assert.Equal(want, y[i]);
        }
        var floatElu = new TfLiteModelBuilder();
        int fx = floatElu.Float("x", 2), fy = floatElu.Float("y", 2);
        floatElu.Inputs.Add(fx);
        floatElu.Outputs.Add(fy);
        floatElu.Op(B.ELU, [fx], [fy]);
        Assert.Throws<UnsupportedOperatorException>(() => TfLiteImporter.Import(floatElu.Build()));
    }

    [Fact]
    public void QuantizedMeanOverOtherAxesIsQLinearMean()
    {
        // MEAN over the channels of [1, 2, 2, 3] with another output scale: TFLite's float formula
        // round_half_away(mean · s_in/s_out − z_in · s_in/s_out) + z_out.
        var x = Q(-1, 0.5f, 2, 3, 1, -2, 0, 0.3f, 0.7f, -0.4f, 1.1f, 2.5f);
        var model = QuantizedUnary(B.MEAN, TfLiteTensorType.UINT8, TfLiteModelBuilder.Quant([0.07f], [90]), [1, 2, 2, 3], [1, 2, 2], O.Reducer, new FbTable(), ("axes", [1], [3]));
        Assert.Contains(TfLiteImporter.Import(model).Nodes, n => n.Op is QLinearMeanOp);
        var y = Run(model, QIn([1, 2, 2, 3], x))[0];
        Assert.Equal(new Shape(1, 2, 2), y.Shape);
        float scale = 0.1f / 0.07f, bias = -120 * scale;
        for (int p = 0; p < 4; p++)
        {
            float mean = (float)(x[3 * p] + x[3 * p + 1] + x[3 * p + 2]) / 3;
            Assert.Equal(Math.Clamp((int)MathF.Round(mean * scale + bias, MidpointRounding.AwayFromZero) + 90, 0, 255), y.ToArray<byte>()[p]);
        }
    }

    [Fact]
    public void QuantizedConcatenationRequantizesInputsWithOtherParameters()
    {
        var b = new TfLiteModelBuilder();
        int a = b.Tensor("a", TfLiteTensorType.UINT8, [1, 2], quantization: TfLiteModelBuilder.Quant([0.1f], [120]));
        int c = b.Tensor("c", TfLiteTensorType.UINT8, [1, 2], quantization: TfLiteModelBuilder.Quant([0.2f], [100]));
        int y = b.Tensor("y", TfLiteTensorType.UINT8, [1, 4], quantization: TfLiteModelBuilder.Quant([0.1f], [120]));
        b.Inputs.AddRange([a, c]);
        b.Outputs.Add(y);
        b.Op(B.CONCATENATION, [a, c], [y], O.Concatenation, new FbTable().I32(0, 1));
        var g = TfLiteImporter.Import(b.Build());
        Assert.Single(g.Nodes, n => n.Op is QLinearLookupOp { Kind: QLinearLookupKind.Rescale });   // only c needs requantizing
        var outs = new InferenceSession(g).Run(QIn([1, 2], [130, 10]), Tensor.FromArray(new Shape(1, 2), new byte[] { 110, 90 }, QuantParams.PerTensor(0.2f, 100)));
        // c's real values 2.0 and −2.0 become 140 and 100 in the output's scale.
        Assert.Equal(new byte[] { 130, 10, 140, 100 }, outs[0].ToArray<byte>());
    }

    /// <summary>A naive uint8 NHWC convolution (OHWI filters, per-tensor), requantized as XNNPACK (float scale, half to even) or TFLite's fixed point.</summary>
    private static byte[] QConv(byte[] x, int[] xs, byte[] w, int[] ws, int[] bias, int stride, bool same, QuantParams qx, QuantParams qw, QuantParams qy, bool fixedPoint, out int[] ys)
    {
        int h = xs[1], wd = xs[2], c = xs[3], o = ws[0], kh = ws[1], kw = ws[2];
        var (oh, ph) = Window(h, kh, stride, 1, same);
        var (ow, pw) = Window(wd, kw, stride, 1, same);
        ys = [1, oh, ow, o];
        var y = new byte[oh * ow * o];
        int zx = (int)qx.ZeroPoints[0], zw = (int)qw.ZeroPoints[0], zy = (int)qy.ZeroPoints[0];
        float scale = qx.Scales[0] * qw.Scales[0] / qy.Scales[0];
        var (mult, shift) = Depthwise.Kernels.Quantized.FixedPoint.QuantizeMultiplier((double)(qx.Scales[0] * qw.Scales[0]) / qy.Scales[0]);
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
                for (int oc = 0; oc < o; oc++)
                {
                    int acc = bias[oc];
                    for (int ky = 0; ky < kh; ky++)
                        for (int kx = 0; kx < kw; kx++)
                        {
                            int iy = oy * stride - ph + ky, ix = ox * stride - pw + kx;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                            for (int k = 0; k < c; k++) acc += (x[(iy * wd + ix) * c + k] - zx) * (w[((oc * kh + ky) * kw + kx) * c + k] - zw);
                        }
                    int v = fixedPoint
                        ? Depthwise.Kernels.Quantized.FixedPoint.MultiplyByQuantizedMultiplier(acc, mult, shift) + zy
                        : (int)MathF.Round(acc * scale, MidpointRounding.ToEven) + zy;
                    y[(oy * ow + ox) * o + oc] = (byte)Math.Clamp(v, 0, 255);
                }
        return y;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void QuantizedConv2DIsQLinearConvWithTheChosenRequantization(bool fixedPoint)
    {
        int[] xs = [1, 6, 5, 3], ws = [4, 3, 3, 3];
        var r = new Random(31);
        var x = Enumerable.Range(0, 90).Select(_ => (byte)r.Next(256)).ToArray();
        var w = Enumerable.Range(0, 108).Select(_ => (byte)r.Next(256)).ToArray();
        var bias = Enumerable.Range(0, 4).Select(_ => r.Next(-2000, 2000)).ToArray();
        QuantParams qx = QuantParams.PerTensor(0.02f, 128), qw = QuantParams.PerTensor(0.013f, 140), qy = QuantParams.PerTensor(0.11f, 100);
        var expected = QConv(x, xs, w, ws, bias, 2, true, qx, qw, qy, fixedPoint, out var ys);
        var b = new TfLiteModelBuilder();
        int xi = b.Tensor("x", TfLiteTensorType.UINT8, xs, quantization: TfLiteModelBuilder.Quant([0.02f], [128]));
        int wi = b.Tensor("w", TfLiteTensorType.UINT8, ws, w, TfLiteModelBuilder.Quant([0.013f], [140]));
        int bi = b.IntConst("b", [4], bias);
        int yi = b.Tensor("y", TfLiteTensorType.UINT8, ys, quantization: TfLiteModelBuilder.Quant([0.11f], [100]));
        b.Inputs.Add(xi);
        b.Outputs.Add(yi);
        b.Op(B.CONV_2D, [xi, wi, bi], [yi], O.Conv2D, ConvOptions(true, 2, 2, TfLiteActivation.None));
        var options = fixedPoint ? new TfLiteImportOptions { ConvolutionRequantize = Depthwise.Kernels.Quantized.RequantizeMode.TfLiteFixedPoint } : null;
        var g = TfLiteImporter.Import(b.Build(), "q.tflite", options);
        var conv = Assert.IsType<QLinearConvOp>(Assert.Single(g.Nodes).Op);
        Assert.Equal(fixedPoint ? Depthwise.Kernels.Quantized.RequantizeMode.TfLiteFixedPoint : Depthwise.Kernels.Quantized.RequantizeMode.FloatRoundHalfEven, conv.Requantize);
        Assert.Equal(ChannelLayout.ChannelsLast, conv.Layout);
        var y = new InferenceSession(g).Run(Tensor.FromArray(new Shape(xs), x, qx))[0];
        Assert.Equal(qy, y.Quant);
        Assert.Equal(expected, y.ToArray<byte>());
    }

    [Fact]
    public void QuantizedFullyConnectedIsQLinearGemmOverTheFlattenedInput()
    {
        var r = new Random(32);
        var x = Enumerable.Range(0, 12).Select(_ => (byte)r.Next(256)).ToArray();
        var w = Enumerable.Range(0, 18).Select(_ => (byte)r.Next(256)).ToArray();
        var bias = new[] { 100, -50, 7 };
        QuantParams qx = QuantParams.PerTensor(0.05f, 120), qw = QuantParams.PerTensor(0.01f, 130), qy = QuantParams.PerTensor(0.2f, 90);
        // FC over [2, 6] rows = a 1×1 convolution over a [1, 1, 2, 6] image.
        var expected = QConv(x, [1, 1, 2, 6], w, [3, 1, 1, 6], bias, 1, false, qx, qw, qy, fixedPoint: false, out _);
        var b = new TfLiteModelBuilder();
        int xi = b.Tensor("x", TfLiteTensorType.UINT8, [2, 1, 6], quantization: TfLiteModelBuilder.Quant([0.05f], [120]));
        int wi = b.Tensor("w", TfLiteTensorType.UINT8, [3, 6], w, TfLiteModelBuilder.Quant([0.01f], [130]));
        int bi = b.IntConst("b", [3], bias);
        int yi = b.Tensor("y", TfLiteTensorType.UINT8, [2, 3], quantization: TfLiteModelBuilder.Quant([0.2f], [90]));
        b.Inputs.Add(xi);
        b.Outputs.Add(yi);
        b.Op(B.FULLY_CONNECTED, [xi, wi, bi], [yi], O.FullyConnected, new FbTable());
        var g = TfLiteImporter.Import(b.Build());
        Assert.Contains(g.Nodes, n => n.Op is QLinearGemmOp { TransB: true });
        Assert.Equal(expected, new InferenceSession(g).Run(Tensor.FromArray(new Shape(2, 1, 6), x, qx))[0].ToArray<byte>());
    }

    // ---------------------------------------------------------------- names and errors

    [Fact]
    public void GraphKeepsTensorNamesAndModelOrderAndMakesRepeatedNamesUnique()
    {
        var b = new TfLiteModelBuilder();
        int a = b.Float("b_second", 2), c = b.Float("a_first", 2), s = b.Float("dup", 2), r = b.Float("dup", 2);
        b.Inputs.AddRange([a, c]);
        b.Outputs.AddRange([r, s]);
        b.Op(B.ADD, [a, c], [s], O.Add, new FbTable());
        b.Op(B.RELU, [s], [r]);
        var g = TfLiteImporter.Import(b.Build());
        Assert.Equal(["b_second", "a_first"], g.Inputs.Select(v => v.Name));
        Assert.Equal(2, g.Outputs.Select(v => v.Name).Distinct().Count());
        Assert.Equal("dup", g.Outputs[1].Name);
        var outs = new InferenceSession(g).Run(T([2], [1, -5]), T([2], [1, 1]));
        Assert.Equal(new float[] { 2, 0 }, outs[0].ToArray<float>());
        Assert.Equal(new float[] { 2, -4 }, outs[1].ToArray<float>());
    }

    [Fact]
    public void UnknownOperatorsAreNamedWithTheirIndexAndOutputTensor()
    {
        var b = new TfLiteModelBuilder();
        int x = b.Float("x", 2), y = b.Float("relu_out", 2), z = b.Float("lstm_out", 2);
        b.Inputs.Add(x);
        b.Outputs.Add(z);
        b.Op(B.RELU, [x], [y]);
        b.Op(B.LSTM, [y], [z]);
        var e = Assert.Throws<UnsupportedOperatorException>(() => TfLiteImporter.Import(b.Build()));
        Assert.Equal("LSTM", e.OpType);
        Assert.Equal("lstm_out", e.NodeName);
        Assert.Contains("operator #1", e.Message);

        b = new TfLiteModelBuilder();
        x = b.Float("x", 2); y = b.Float("y", 2);
        b.Inputs.Add(x);
        b.Outputs.Add(y);
        b.Custom("MyCustomOp", [x], [y], null);
        e = Assert.Throws<UnsupportedOperatorException>(() => TfLiteImporter.Import(b.Build()));
        Assert.Equal("MyCustomOp", e.OpType);
        Assert.Equal("tflite.custom", e.Domain);

        b = new TfLiteModelBuilder();
        x = b.Float("x", 2); y = b.Float("y", 2);
        b.Inputs.Add(x);
        b.Outputs.Add(y);
        b.Op(B.WHILE, [x], [y]);
        Assert.Contains("subgraph 0", Assert.Throws<UnsupportedOperatorException>(() => TfLiteImporter.Import(b.Build())).Message);
    }
}
