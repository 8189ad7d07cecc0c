using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.QuantizedElementwiseHarness;

namespace Depthwise.Tests.Ops;

public class DequantizeLinearOpTests
{
    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_dequantizelinear", "test_dequantizelinear_axis");

    [Fact]
    public void OnnxFormInt8Uint8AndInt32()
    {
        var s8 = GraphFactory.RunOp(new DequantizeLinearOp(),
            [Tensor.FromArray(new Shape(3), new sbyte[] { -128, 0, 127 }), Tensor.Scalar(0.5f), Tensor.Scalar((sbyte)-1)], 1, 1, 2)[0];
        Assert.Equal(new[] { -63.5f, 0.5f, 64f }, s8.ToArray<float>());
        var i32 = GraphFactory.RunOp(new DequantizeLinearOp(), [Tensor.FromArray(new Shape(2), new[] { -1000, 123456 }), Tensor.Scalar(0.25f)], 1, 1)[0];
        Assert.Equal(new[] { -250f, 30864f }, i32.ToArray<float>());
    }

    [Fact]
    public void TfLiteFormUsesTheInputQuantizationPerTensorAndPerChannel()
    {
        var x = U8(new Shape(2, 2), [0, 10, 20, 255], 0.1f, 10);
        Assert.Equal(new[] { -1f, 0f, 1f, 24.5f }, Run1(new DequantizeLinearOp(), x).ToArray<float>());
        // Per channel along axis 0 (TFLite's quantized_dimension), symmetric int8 weights.
        var w = Tensor.FromArray(new Shape(2, 3), new sbyte[] { -2, 0, 2, -127, 1, 127 }, new QuantParams([0.5f, 0.01f], [0, 0], 0));
        var y = Run1(new DequantizeLinearOp(), w).ToArray<float>();
        Assert.Equal(new[] { -1f, 0f, 1f, -127 * 0.01f, 0.01f, 127 * 0.01f }, y);
        // A constant input is folded at compile time the same way.
        Assert.Equal(y, Run(new DequantizeLinearOp(), [w], 1, 0)[0].ToArray<float>());
    }

    [Fact]
    public void LargeTensorsMatchTheFormula()
    {
        var bytes = RandomBytes(150_000, 4);
        var y = Run1(new DequantizeLinearOp(), U8(new Shape(bytes.Length), bytes, 0.3f, 77)).ToArray<float>();
        for (int i = 0; i < bytes.Length; i++) Assert.Equal((bytes[i] - 77) * 0.3f, y[i]);
    }

    [Fact]
    public void RejectsUnquantizedInputsAndMismatchedZeroPoints()
    {
        var plain = Tensor.FromArray(new Shape(2), new byte[] { 1, 2 });
        Assert.Contains("no quantization", Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new DequantizeLinearOp(), [plain])).Message);
        Assert.Contains("must match", Assert.Throws<ShapeMismatchException>(() =>
            GraphFactory.RunOp(new DequantizeLinearOp(), [plain, Tensor.Scalar(1f), Tensor.Scalar((sbyte)0)], 1, 1, 2)).Message);
    }
}
