using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class DropoutOpTests
{
    private static readonly Tensor X = Tensor.FromArray(new Shape(2, 3), new[] { 1f, -2f, 3f, 0f, float.NaN, 6f });

    [Fact]
    public void PassesDataThroughAndMasksNothing()
    {
        var r = GraphFactory.RunOp(new DropoutOp(), [X, Tensor.Scalar(0.9f)], 2);
        Assert.Equal(X.Bytes.ToArray(), r[0].Bytes.ToArray());
        Assert.Equal(DataType.Bool, r[1].DataType);
        Assert.Equal(X.Shape, r[1].Shape);
        Assert.All(r[1].ToArray<bool>(), Assert.True);
    }

    [Fact]
    public void Float16AndSingleOutput()
    {
        var x = Tensor.FromArray(new Shape(3), new[] { (Half)1, (Half)(-2), (Half)3 });
        Assert.Equal(x.ToArray<Half>(), GraphFactory.RunOp(new DropoutOp(), [x])[0].ToArray<Half>());
    }

    [Fact]
    public void TrainingModeFalseIsInferenceAndTrueIsRefused()
    {
        var r = GraphFactory.RunOp(new DropoutOp(), [X, null, Tensor.Scalar(false)], 2);
        Assert.All(r[1].ToArray<bool>(), Assert.True);
        // A run-time training_mode is specialized on its value when the plan is compiled.
        r = GraphFactory.RunOp(new DropoutOp(), [X, null, Tensor.Scalar(false)], 2, 2);
        Assert.Equal(X.Bytes.ToArray(), r[0].Bytes.ToArray());
        var e = Assert.Throws<UnsupportedOperatorException>(() => GraphFactory.RunOp(new DropoutOp(), [X, null, Tensor.Scalar(true)], 2, 2));
        Assert.Contains("training_mode", e.Message);
    }

    [Fact]
    public void ImportRefusesAConstantTrueTrainingMode()
    {
        var e = Assert.Throws<UnsupportedOperatorException>(() => OnnxNode(13, "Dropout",
            [("x", DataType.Float32, [2, 3]), ("r", DataType.Float32, []), ("t", DataType.Bool, [])], 1,
            initializers: new() { ["t"] = Tensor.Scalar(true) }));
        Assert.Contains("training_mode", e.Message);
    }

    [Fact]
    public void Opset7MaskHasTheDataType()
    {
        var s = OnnxNode(7, "Dropout", [("x", DataType.Float32, [2, 3])], 2, n => n.Attribute.Add(Attr("ratio", 0.3f)));
        var r = s.Run(X);
        Assert.Equal(X.Bytes.ToArray(), r[0].Bytes.ToArray());
        Assert.Equal(DataType.Float32, r[1].DataType);
        Assert.All(r[1].ToArray<float>(), v => Assert.Equal(1f, v));
        var s10 = OnnxNode(10, "Dropout", [("x", DataType.Float32, [2, 3])], 2);
        Assert.Equal(DataType.Bool, s10.Run(X)[1].DataType);
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_dropout_default", "test_dropout_default_mask", "test_dropout_default_mask_ratio", "test_dropout_default_old",
        "test_dropout_default_ratio", "test_dropout_random_old");
}
