using Depthwise.Kernels.Elementwise;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Tests.Kernels.Elementwise;

/// <summary>
/// Every vector path of the elementwise operator structs against the scalar operator, over lengths 0..300 (every tail
/// of every width), out of place and in place. test.sh re-runs these with AVX-512, AVX2 and all intrinsics off.
/// </summary>
public class VectorOperatorTests
{
    private static float[] Data(int n, int seed, float scale = 8f)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        // Awkward values: exact breakpoints, signed zeros, NaN.
        if (n > 5) { x[0] = -3f; x[1] = 3f; x[2] = -0f; x[3] = 0f; x[4] = float.NaN; x[5] = -2.5f; }
        return x;
    }

    private static void AssertSame(float expected, float actual, float relTol, string what)
    {
        if (float.IsNaN(expected)) { Assert.True(float.IsNaN(actual), $"{what}: expected NaN, got {actual}"); return; }
        if (relTol == 0)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual) || expected == actual,
                $"{what}: expected {expected}, got {actual}");
            return;
        }
        float tol = relTol * Math.Max(Math.Abs(expected), 1e-30f);
        Assert.True(Math.Abs(expected - actual) <= tol, $"{what}: expected {expected}, got {actual}");
    }

    private static void CheckUnary<TOp>(TOp op, float relTol = 0) where TOp : struct, IVectorUnaryOperator<float>
    {
        for (int n = 0; n <= 300; n++)
        {
            var x = Data(n, n);
            var y = new float[n + 3];
            UnaryDriver.RunVector(op, x, y.AsSpan(0, n));
            var inPlace = (float[])x.Clone();
            UnaryDriver.RunVector(op, inPlace, inPlace);
            for (int i = 0; i < n; i++)
            {
                float e = op.Invoke(x[i]);
                AssertSame(e, y[i], relTol, $"{typeof(TOp).Name} n={n} i={i} x={x[i]}");
                AssertSame(e, inPlace[i], relTol, $"{typeof(TOp).Name} in place n={n} i={i}");
            }
            for (int i = n; i < y.Length; i++) Assert.Equal(0f, y[i]);
        }
    }

    [Fact] public void Relu() => CheckUnary(new ReluOperator<float>());
    [Fact] public void Clip() => CheckUnary(new ClipOperator<float>(-1.5f, 2.25f));
    [Fact] public void ClipMinAboveMax() => CheckUnary(new ClipOperator<float>(2f, -1f));
    [Fact] public void HardSigmoid() => CheckUnary(new HardSigmoidOperator(0.2f, 0.5f));
    [Fact] public void HardSwish() => CheckUnary(new HardSwishOperator());
    [Fact] public void Sigmoid() => CheckUnary(new SigmoidOperator());

    [Fact]
    public void ReluInt32()
    {
        for (int n = 0; n <= 100; n++)
        {
            var x = new int[n];
            for (int i = 0; i < n; i++) x[i] = (i * 7919 % 201) - 100;
            var y = new int[n];
            UnaryDriver.RunVector(new ReluOperator<int>(), x, y);
            for (int i = 0; i < n; i++) Assert.Equal(Math.Max(x[i], 0), y[i]);
        }
    }

    [Fact]
    public void VectorExpMatchesMathFExp()
    {
        double worst = 0;
        for (float x = -86f; x <= 88.7f; x += 0.0007f)
        {
            double e = MathF.Exp(x), a = VectorExp.Exp(x);
            worst = Math.Max(worst, Math.Abs(a - e) / e);
        }
        Assert.True(worst < 1e-6, $"worst relative error {worst}");
        Assert.Equal(float.PositiveInfinity, VectorExp.Exp(88.8f));
        Assert.Equal(float.PositiveInfinity, VectorExp.Exp(float.PositiveInfinity));
        Assert.True(VectorExp.Exp(-1000f) < 1e-37f);
        Assert.True(float.IsNaN(VectorExp.Exp(float.NaN)));
        Assert.Equal(1f, VectorExp.Exp(0f));
    }

    private static void CheckBinary<TOp>(TOp op) where TOp : struct, IVectorBinaryOperator<float>
    {
        for (int n = 0; n <= 300; n++)
        {
            var a = Data(n, n);
            var b = Data(n, n + 1000);
            if (n > 7) b[6] = 0f;
            var y = new float[n];
            BinaryDriver.Contiguous(op, a, b, y);
            var inA = (float[])a.Clone();
            BinaryDriver.Contiguous(op, inA, b, inA);
            var inB = (float[])b.Clone();
            BinaryDriver.Contiguous(op, a, inB, inB);
            for (int i = 0; i < n; i++)
            {
                float e = op.Invoke(a[i], b[i]);
                AssertSame(e, y[i], 0, $"{typeof(TOp).Name} n={n} i={i}");
                AssertSame(e, inA[i], 0, $"{typeof(TOp).Name} in place (a) n={n} i={i}");
                AssertSame(e, inB[i], 0, $"{typeof(TOp).Name} in place (b) n={n} i={i}");
            }
        }
    }

    [Fact] public void Add() => CheckBinary(new AddOperator<float>());
    [Fact] public void Sub() => CheckBinary(new SubOperator<float>());
    [Fact] public void Mul() => CheckBinary(new MulOperator<float>());
    [Fact] public void Div() => CheckBinary(new DivOperator<float>());
    [Fact] public void Max() => CheckBinary(new MaxOperator<float>());
    [Fact] public void Min() => CheckBinary(new MinOperator<float>());

    /// <summary>Broadcast patterns (the SE scale, bias rows, scalars either side, general strides) against the scalar driver.</summary>
    [Theory]
    [InlineData(new[] { 1, 7, 7, 17 }, new[] { 1, 1, 1, 17 })]
    [InlineData(new[] { 2, 3, 5, 33 }, new[] { 2, 1, 1, 33 })]
    [InlineData(new[] { 2, 15, 3 }, new int[0])]
    [InlineData(new int[0], new[] { 4, 37 })]
    [InlineData(new[] { 3, 1, 5 }, new[] { 1, 4, 1 })]
    [InlineData(new[] { 5, 1 }, new[] { 5, 19 })]
    [InlineData(new[] { 2, 40, 3 }, new[] { 40, 1 })]
    [InlineData(new[] { 1, 300 }, new[] { 1, 300 })]
    [InlineData(new[] { 0, 3 }, new[] { 1, 3 })]
    public void BroadcastMatchesScalarDriver(int[] sa, int[] sb)
    {
        var shapeA = new Shape(sa);
        var shapeB = new Shape(sb);
        var output = Shape.Broadcast(shapeA, shapeB)!.Value;
        var layout = new BroadcastLayout(output, shapeA, shapeB);
        var a = Data(shapeA.ElementCount, 1);
        var b = Data(shapeB.ElementCount, 2);
        var expected = new float[output.ElementCount];
        var actual = new float[output.ElementCount];
        BinaryDriver.Run<float, float, SubOperator<float>>(default, layout, a, b, expected);
        BinaryDriver.RunVector<float, SubOperator<float>>(default, layout, a, b, actual);
        for (int i = 0; i < expected.Length; i++) AssertSame(expected[i], actual[i], 0, $"i={i}");
        // Any split into row ranges gives the same result.
        int rows = BinaryDriver.RowCount(layout);
        var split = new float[output.ElementCount];
        for (int r = 0; r < rows; r += 2)
            BinaryDriver.RunVectorRows<float, SubOperator<float>>(default, layout, a, b, split, r, Math.Min(rows, r + 2));
        for (int i = 0; i < expected.Length; i++) AssertSame(expected[i], split[i], 0, $"split i={i}");
    }
}
