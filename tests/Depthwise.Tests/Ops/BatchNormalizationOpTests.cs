using Depthwise.Formats.Onnx;
using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

public class BatchNormalizationOpTests
{
    private static Tensor Positive(int seed, params int[] dims)
    {
        var t = Random(seed, dims);
        var s = t.AsSpan<float>();
        for (int i = 0; i < s.Length; i++) s[i] = MathF.Abs(s[i]) + 0.1f;
        return t;
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4, 5 }, 1e-5f)]
    [InlineData(new[] { 1, 17, 1, 1 }, 1e-2f)]
    [InlineData(new[] { 2, 5 }, 1e-5f)]             // [N, C]
    [InlineData(new[] { 2, 1, 7 }, 0.5f)]
    [InlineData(new[] { 1, 3, 2, 3, 4 }, 1e-5f)]
    public void MatchesFormulaPerChannel(int[] dims, float epsilon)
    {
        int c = dims[1];
        var x = Random(71, dims);
        Tensor scale = Random(72, c), bias = Random(73, c), mean = Random(74, c), variance = Positive(75, c);
        var expected = Expected(x, scale, bias, mean, variance, epsilon, perActivation: false);
        var y = GraphFactory.RunOp(new BatchNormalizationOp { Epsilon = epsilon }, [x, scale, bias, mean, variance], 1, 1, 2, 3, 4)[0];
        AssertClose(x.Shape, expected, y);
    }

    private static float[] Expected(Tensor x, Tensor scale, Tensor bias, Tensor mean, Tensor variance, float epsilon, bool perActivation)
    {
        var dims = x.Shape.ToArray();
        int plane = Count(dims[2..]);
        var xs = x.ToArray<float>();
        var r = new float[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            int c = i / plane % dims[1];
            int p = perActivation ? c * plane + i % plane : c;
            r[i] = (float)((xs[i] - mean.ToArray<float>()[p]) / Math.Sqrt(variance.ToArray<float>()[p] + (double)epsilon) * scale.ToArray<float>()[p] + bias.ToArray<float>()[p]);
        }
        return r;
    }

    [Fact]
    public void Opset7SpatialZeroUsesPerActivationStatistics()
    {
        var x = Random(76, 2, 3, 2, 2);
        Tensor scale = Random(77, 3, 2, 2), bias = Random(78, 3, 2, 2), mean = Random(79, 3, 2, 2), variance = Positive(80, 3, 2, 2);
        var y = RunOnnxNode("BatchNormalization", 7, n => { n.Attr("spatial", 0L); n.Attr("epsilon", 1e-3f); }, [x, scale, bias, mean, variance])[0];
        AssertClose(x.Shape, Expected(x, scale, bias, mean, variance, 1e-3f, perActivation: true), y);

        var perChannel = RunOnnxNode("BatchNormalization", 7, _ => { }, [x, Random(1, 3), Random(2, 3), Random(3, 3), Positive(4, 3)])[0];
        Assert.Equal(x.Shape, perChannel.Shape);
    }

    [Fact]
    public void RejectsTrainingModeAndBadShapes()
    {
        var x = Random(81, 1, 3, 2, 2);
        Tensor[] ins = [x, Random(1, 3), Random(2, 3), Random(3, 3), Positive(4, 3)];
        Assert.Throws<UnsupportedOperatorException>(() => RunOnnxNode("BatchNormalization", 15, n => n.Attr("training_mode", 1L), ins));
        Assert.Throws<UnsupportedOperatorException>(() => RunOnnxNode("BatchNormalization", 9, _ => { }, ins, outputs: 3));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new BatchNormalizationOp(), [x, Random(1, 4), Random(2, 3), Random(3, 3), Positive(4, 3)]));
    }

    [SkippableFact]
    public void PassesOnnxNodeTests()
    {
        NodeTests.AssertPass("test_batchnorm_epsilon", "test_batchnorm_example");
        // Training mode is out of scope (inference engine): these must be reported as unsupported, not run wrongly.
        foreach (var t in new[] { "test_batchnorm_epsilon_training_mode", "test_batchnorm_example_training_mode" })
        {
            var dir = Path.Combine(NodeTests.Root, t);
            if (Directory.Exists(dir)) Assert.Equal(TestCaseStatus.Skip, OnnxTestCase.Run(dir).Status);
        }
    }
}
