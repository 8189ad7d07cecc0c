using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

public class LogSoftmaxOpTests
{
    [Theory]
    [InlineData(new[] { 3, 4, 5 }, -1, false)]
    [InlineData(new[] { 3, 4, 5 }, 0, false)]
    [InlineData(new[] { 3, 4, 5 }, 1, false)]
    [InlineData(new[] { 3, 4, 5 }, 1, true)]
    [InlineData(new[] { 3, 4, 5 }, 0, true)]
    [InlineData(new[] { 3, 4, 5 }, -1, true)]
    [InlineData(new[] { 17 }, 0, false)]
    [InlineData(new[] { 2, 1, 1 }, 1, false)]
    public void MatchesNaiveReference(int[] dims, int axis, bool coerce)
    {
        var x = Random(93, dims);
        var s = x.AsSpan<float>();
        for (int i = 0; i < s.Length; i++) s[i] *= 20;
        AssertClose(x.Shape, SoftmaxOpTests.Naive(x, axis, coerce, log: true), GraphFactory.RunOp(new LogSoftmaxOp { Axis = axis, CoerceTo2D = coerce }, [x])[0], 1e-5, 1e-5);
    }

    [Fact]
    public void IsStableForLargeInputs()
    {
        var x = Tensor.FromArray(new Shape(1, 3), new float[] { -1e30f, 0, 1e30f });
        var y = GraphFactory.RunOp(new LogSoftmaxOp(), [x])[0].ToArray<float>();
        Assert.Equal(0f, y[2]);
        Assert.Equal(-1e30f, y[1], 1e24f);
    }

    [Fact]
    public void ImportsBothSemantics()
    {
        var x = Random(94, 2, 3, 4);
        AssertClose(x.Shape, SoftmaxOpTests.Naive(x, 1, coerce: true, log: true), RunOnnxNode("LogSoftmax", 7, _ => { }, [x])[0]);
        AssertClose(x.Shape, SoftmaxOpTests.Naive(x, 0, coerce: true, log: true), RunOnnxNode("LogSoftmax", 11, n => n.Attr("axis", 0L), [x])[0]);
        AssertClose(x.Shape, SoftmaxOpTests.Naive(x, -1, coerce: false, log: true), RunOnnxNode("LogSoftmax", 13, _ => { }, [x])[0]);
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_logsoftmax_axis_0", "test_logsoftmax_axis_1", "test_logsoftmax_axis_2", "test_logsoftmax_default_axis",
        "test_logsoftmax_example_1", "test_logsoftmax_large_number", "test_logsoftmax_negative_axis");
}
