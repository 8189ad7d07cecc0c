using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.QuantizedElementwiseHarness;

namespace Depthwise.Tests.Ops;

public class QuantizeLinearOpTests
{
    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_quantizelinear", "test_quantizelinear_axis");

    [Fact]
    public void OnnxFormRoundsHalfToEvenAndSaturates()
    {
        var x = Tensor.FromArray(new Shape(6), new[] { 0f, 2f, 3f, 1000f, -254f, -1000f });
        var y = GraphFactory.RunOp(new QuantizeLinearOp { Requantize = RequantizeMode.FloatRoundHalfEven },
            [x, Tensor.Scalar(2f), Tensor.Scalar((byte)128)], 1, 1, 2)[0];
        Assert.Equal(DataType.UInt8, y.DataType);
        Assert.Equal(new byte[] { 128, 129, 130, 255, 1, 0 }, y.ToArray<byte>());   // 1.5 → 2, 1 + 128 = 129
        // Without a zero point the output is uint8 with zero point 0.
        var u = GraphFactory.RunOp(new QuantizeLinearOp { Requantize = RequantizeMode.FloatRoundHalfEven }, [x, Tensor.Scalar(2f)], 1, 1)[0];
        Assert.Equal(new byte[] { 0, 1, 2, 255, 0, 0 }, u.ToArray<byte>());
    }

    [Fact]
    public void TfLiteFormTakesOutputQuantAndRoundsHalfAwayFromZero()
    {
        var x = Tensor.FromArray(new Shape(2, 3), new[] { 0.25f, -0.25f, 0.75f, -0.75f, 100f, -100f });
        var op = new QuantizeLinearOp { OutputQuant = QuantParams.PerTensor(0.5f, -1), OutputType = DataType.Int8 };
        var y = GraphFactory.RunOp(op, [x])[0];
        Assert.Equal(new sbyte[] { 0, -2, 1, -3, 127, -128 }, y.ToArray<sbyte>());
    }

    [Fact]
    public void PerAxisAlongEveryAxisAndLargeTensors()
    {
        var rng = new Random(1);
        var shape = new Shape(3, 4, 5);
        var data = Enumerable.Range(0, shape.ElementCount).Select(_ => (float)(rng.NextDouble() * 20 - 10)).ToArray();
        for (int axis = -3; axis < 3; axis++)
        {
            int ax = axis < 0 ? axis + 3 : axis, len = shape[ax];
            var scales = Enumerable.Range(1, len).Select(i => 0.05f * i).ToArray();
            var zps = Enumerable.Range(0, len).Select(i => (sbyte)(i * 3 - 4)).ToArray();
            var y = GraphFactory.RunOp(new QuantizeLinearOp { Axis = axis, Requantize = RequantizeMode.FloatRoundHalfEven },
                [Tensor.FromArray(shape, data), Tensor.FromArray(new Shape(len), scales), Tensor.FromArray(new Shape(len), zps)], 1, 1, 2)[0];
            var got = y.ToArray<sbyte>();
            var st = shape.Strides();
            for (int i = 0; i < data.Length; i++)
            {
                int c = i / st[ax] % len;
                int expected = Math.Clamp((int)MathF.Round(data[i] / scales[c], MidpointRounding.ToEven) + zps[c], -128, 127);
                Assert.Equal(expected, got[i]);
            }
        }
        // A tensor large enough to run in parallel chunks.
        var big = Enumerable.Range(0, 200_000).Select(i => (i % 1000) * 0.1f - 50f).ToArray();
        var q = GraphFactory.RunOp(new QuantizeLinearOp { OutputQuant = QuantParams.PerTensor(0.4f, 128) }, [Tensor.FromArray(new Shape(big.Length), big)])[0].ToArray<byte>();
        for (int i = 0; i < big.Length; i++)
            Assert.Equal((byte)Math.Clamp((int)MathF.Round(big[i] / 0.4f, MidpointRounding.AwayFromZero) + 128, 0, 255), q[i]);
    }

    [Fact]
    public void RejectsBadParameters()
    {
        var x = Tensor.FromArray(new Shape(2, 3), new float[6]);
        Assert.Contains("3 elements", Assert.Throws<ShapeMismatchException>(() =>
            GraphFactory.RunOp(new QuantizeLinearOp(), [x, Tensor.FromArray(new Shape(2), new[] { 1f, 2f })], 1, 1)).Message);
        Assert.Contains("OutputQuant", Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new QuantizeLinearOp(), [x])).Message);
        Assert.Contains("positive", Assert.Throws<ShapeMismatchException>(() =>
            GraphFactory.RunOp(new QuantizeLinearOp(), [x, Tensor.Scalar(0f)], 1, 1)).Message);
    }
}
