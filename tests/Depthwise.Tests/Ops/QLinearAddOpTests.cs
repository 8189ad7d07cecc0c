using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.QuantizedElementwiseHarness;

namespace Depthwise.Tests.Ops;

public class QLinearAddOpTests
{
    private static QLinearAddOp Add(float scale, int zp, RequantizeMode mode = RequantizeMode.TfLiteFixedPoint, bool subtract = false, ConvActivation act = default) =>
        new() { OutputQuant = QuantParams.PerTensor(scale, zp), Requantize = mode, Subtract = subtract, Activation = act };

    [Theory]
    // A: scale 0.5, zp 10; B: scale 0.25, zp 20; C: scale 1, zp 5 (values worked by hand in TFLite's arithmetic).
    [InlineData(30, 60, 25)]  // 10 + 10 = 20
    [InlineData(31, 61, 26)]  // 10.5 + 10.25 = 20.75 → 21
    [InlineData(30, 22, 16)]  // 10 + 0.5 = 10.5: the final rounding shift rounds half away from zero → 11
    [InlineData(10, 18, 4)]   // 0 − 0.5 = −0.5 → −1
    [InlineData(255, 255, 186)] // 122.5 + 58.75 = 181.25
    [InlineData(0, 0, 0)]       // −5 + −5 = −10 → −5, clamped to 0
    public void TfLiteAddOfTwoScalesWorkedByHand(byte a, byte b, byte expected)
    {
        var y = Run1(Add(1f, 5), U8(new Shape(1), [a], 0.5f, 10), U8(new Shape(1), [b], 0.25f, 20));
        Assert.Equal(expected, y.ToArray<byte>()[0]);
        if (y.Quant is { } q) Assert.Equal((1f, 5L), (q.Scales[0], q.ZeroPoints[0]));
    }

    [Theory]
    [InlineData(DataType.UInt8, false)]
    [InlineData(DataType.UInt8, true)]
    [InlineData(DataType.Int8, false)]
    [InlineData(DataType.Int8, true)]
    public void TfLiteModeEqualsTfLiteFormulaStepByStepAndTheRealResultWithinOne(DataType type, bool subtract)
    {
        int lo = type == DataType.Int8 ? -128 : 0, hi = lo + 255;
        var rng = new Random(5 + (int)type);
        int[][] shapesA = [[2, 3, 5, 7], [2, 1, 5, 1], [70], [1], [3, 1, 33]];
        int[][] shapesB = [[2, 3, 5, 7], [1, 3, 1, 7], [70], [3, 40], [1, 4, 33]];
        for (int k = 0; k < shapesA.Length; k++)
        {
            float sa = (float)(0.01 + rng.NextDouble() * 0.2), sb = (float)(0.01 + rng.NextDouble() * 0.2);
            float sy = (float)(Math.Max(sa, sb) * (1 + rng.NextDouble() * 2));
            int za = lo + rng.Next(256), zb = lo + rng.Next(256), zy = lo + rng.Next(256);
            if (k == 0) { za = lo; zb = hi; zy = lo; }   // edge zero points
            var a = Data(type, new Shape(shapesA[k]), sa, za, rng);
            var b = Data(type, new Shape(shapesB[k]), sb, zb, rng);
            var op = Add(sy, zy, subtract: subtract);
            var y = Run1(op, a, b);
            var ya = Values(y);
            var (va, vb) = (Values(a), Values(b));
            var outShape = Shape.Broadcast(a.Shape, b.Shape)!.Value;
            for (int i = 0; i < outShape.ElementCount; i++)
            {
                int qa = va[Index(a.Shape, outShape, i)], qb = vb[Index(b.Shape, outShape, i)];
                int expected = TfLiteAdd(qa, za, sa, qb, zb, sb, zy, sy, subtract, lo, hi);
                Assert.Equal(expected, ya[i]);
                double real = sa * (qa - za) + (subtract ? -1 : 1) * sb * (qb - zb);
                double ideal = Math.Clamp(Math.Round(real / sy) + zy, lo, hi);
                Assert.True(Math.Abs(ya[i] - ideal) <= 1, $"{ya[i]} vs real {real / sy + zy}");
            }
        }
    }

    [Theory]
    [InlineData(DataType.UInt8)]
    [InlineData(DataType.Int8)]
    public void OnnxModeEqualsOnnxRuntimeFloatFormula(DataType type)
    {
        int lo = type == DataType.Int8 ? -128 : 0, hi = lo + 255;
        var rng = new Random(9);
        // Same shapes (fused multiply-adds), a scalar B and a scalar A (folded into the constant first), and a row broadcast.
        int[][] shapesA = [[1, 8, 9, 9], [1, 8, 9, 9], [1], [4, 1000]];
        int[][] shapesB = [[1, 8, 9, 9], [1], [2, 77], [1000]];
        for (int k = 0; k < shapesA.Length; k++)
        {
            float sa = 0.05f + k * 0.013f, sb = 0.11f - k * 0.01f, sy = 0.13f;
            int za = lo + 100 + k, zb = lo + 30, zy = lo + 128;
            var a = Data(type, new Shape(shapesA[k]), sa, za, rng);
            var b = Data(type, new Shape(shapesB[k]), sb, zb, rng);
            var y = Values(Run1(Add(sy, zy, RequantizeMode.FloatRoundHalfEven), a, b));
            var (va, vb) = (Values(a), Values(b));
            var outShape = Shape.Broadcast(a.Shape, b.Shape)!.Value;
            float ra = sa / sy, rb = sb / sy, f = zy - (ra * za + rb * zb);
            for (int i = 0; i < outShape.ElementCount; i++)
            {
                float qa = va[Index(a.Shape, outShape, i)], qb = vb[Index(b.Shape, outShape, i)];
                float v = b.Shape.ElementCount == 1 ? MathF.FusedMultiplyAdd(qa, ra, f + qb * rb)
                    : a.Shape.ElementCount == 1 ? MathF.FusedMultiplyAdd(qb, rb, f + qa * ra)
                    : MathF.FusedMultiplyAdd(qa, ra, MathF.FusedMultiplyAdd(qb, rb, f));
                Assert.Equal(Math.Clamp((int)MathF.Round(v, MidpointRounding.ToEven), lo, hi), y[i]);
            }
        }
    }

    [Fact]
    public void LargeBroadcastsSplitAcrossThreadsGiveTheSameBytes()
    {
        // [1, 56, 56, 24] + [24]: above the parallel threshold, in row chunks on two threads.
        var rng = new Random(21);
        var a = Data(DataType.UInt8, new Shape(1, 56, 56, 24), 0.4014929f, 136, rng);
        var b = Data(DataType.UInt8, new Shape(24), 0.2758343f, 119, rng);
        var g = new Graph.Graph("t");
        var va = g.AddInput("a", DataType.UInt8, a.Shape.Dims.ToArray().Select(Graph.Dim.Known).ToArray());
        va.Quant = a.Quant;
        var vb = g.AddInput("b", DataType.UInt8, b.Shape.Dims.ToArray().Select(Graph.Dim.Known).ToArray());
        vb.Quant = b.Quant;
        var node = g.AddNode("add", Add(0.43216896f, 133), [va, vb], ["y"]);
        g.AddOutput(node.Outputs[0]);
        var y = new Depthwise.Runtime.InferenceSession(g, new Depthwise.Runtime.SessionOptions { Threads = 2 }).Run([a, b])[0].ToArray<byte>();
        var (qa, qb) = (Values(a), Values(b));
        for (int i = 0; i < y.Length; i++)
            Assert.Equal(TfLiteAdd(qa[i], 136, 0.4014929f, qb[i % 24], 119, 0.2758343f, 133, 0.43216896f, false, 0, 255), y[i]);
    }

    [Fact]
    public void FusedReluClampsAtTheOutputZeroPoint()
    {
        var a = U8(new Shape(4), [0, 50, 100, 200], 0.1f, 100);
        var b = U8(new Shape(4), [100, 100, 100, 100], 0.1f, 100);
        var y = Run1(Add(0.1f, 100, act: ConvActivation.Relu), a, b).ToArray<byte>();
        Assert.Equal(new byte[] { 100, 100, 100, 200 }, y);
        var y6 = Run1(Add(0.1f, 100, act: ConvActivation.Clip(0, 6)), a, b).ToArray<byte>();
        Assert.Equal(new byte[] { 100, 100, 100, 160 }, y6);
    }

    [Fact]
    public void RefusesUnquantizedOrMismatchedInputs()
    {
        var q = U8(new Shape(2), [1, 2], 0.1f, 0);
        var plain = Tensor.FromArray(new Shape(2), new byte[] { 1, 2 });
        Assert.Contains("no quantization", Assert.Throws<ShapeMismatchException>(() => Run1(Add(0.1f, 0), q, plain)).Message);
        var s8 = S8(new Shape(2), [1, 2], 0.1f, 0);
        Assert.Contains("both must have one type", Assert.Throws<ShapeMismatchException>(() => Run1(Add(0.1f, 0), q, s8)).Message);
        Assert.Contains("OutputQuant", Assert.Throws<ShapeMismatchException>(() => Run1(new QLinearAddOp(), q, q)).Message);
        var perAxis = Tensor.FromArray(new Shape(2), new byte[] { 1, 2 }, new QuantParams([0.1f, 0.2f], [0, 0]));
        Assert.Contains("per axis", Assert.Throws<ShapeMismatchException>(() => Run1(Add(0.1f, 0), q, perAxis)).Message);
        Assert.Contains("zero point 300", Assert.Throws<ShapeMismatchException>(() => Run1(Add(0.1f, 300), q, q)).Message);
    }

    /// <summary>TFLite's AddElementwise for one pair, from its Prepare formulas, step by step.</summary>
    internal static int TfLiteAdd(int qa, int za, float sa, int qb, int zb, float sb, int zy, float sy, bool subtract, int lo, int hi)
    {
        double twiceMax = 2 * Math.Max(sa, sb);
        var (m1, s1) = FixedPoint.QuantizeMultiplier(sa / twiceMax);
        var (m2, s2) = FixedPoint.QuantizeMultiplier(sb / twiceMax);
        var (mo, so) = FixedPoint.QuantizeMultiplier(twiceMax / ((1 << 20) * sy));
        if (subtract) m2 = -m2;
        int x1 = FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp((qa - za) * (1 << 20), m1, s1);
        int x2 = FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp((qb - zb) * (1 << 20), m2, s2);
        int raw = FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(x1 + x2, mo, so) + zy;
        return Math.Clamp(raw, lo, hi);
    }

    internal static Tensor Data(DataType type, Shape shape, float scale, int zp, Random rng)
    {
        var bytes = new byte[shape.ElementCount];
        rng.NextBytes(bytes);
        return type == DataType.Int8
            ? Tensor.FromArray(shape, bytes.Select(b => unchecked((sbyte)b)).ToArray(), QuantParams.PerTensor(scale, zp))
            : Tensor.FromArray(shape, bytes, QuantParams.PerTensor(scale, zp));
    }

    internal static int[] Values(Tensor t) => t.DataType == DataType.Int8
        ? t.ToArray<sbyte>().Select(v => (int)v).ToArray()
        : t.ToArray<byte>().Select(v => (int)v).ToArray();

    /// <summary>Flat index in an input of shape <paramref name="s"/> of output element <paramref name="flat"/> (numpy broadcasting).</summary>
    internal static int Index(Shape s, Shape outShape, int flat)
    {
        var st = outShape.Strides();
        int off = 0, stride = 1;
        for (int d = s.Rank - 1; d >= 0; d--)
        {
            int od = outShape.Rank - s.Rank + d;
            int idx = flat / st[od] % outShape[od];
            off += (s[d] == 1 ? 0 : idx) * stride;
            stride *= s[d];
        }
        return off;
    }
}
