using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

public class SoftmaxOpTests
{
    /// <summary>
    /// Softmax (or log-softmax) in double over groups of elements: with <paramref name="coerce"/>, the trailing dims from
    /// the axis form one row; otherwise elements sharing every index except the axis form one row.
    /// </summary>
    internal static float[] Naive(Tensor x, int axis, bool coerce, bool log)
    {
        var dims = x.Shape.ToArray();
        if (axis < 0) axis += dims.Length;
        var xs = x.ToArray<float>();
        var groups = new Dictionary<string, List<int>>();
        for (int f = 0; f < xs.Length; f++)
        {
            var idx = Unflatten(f, dims);
            var key = coerce ? string.Join(",", idx[..axis]) : string.Join(",", idx.Select((v, d) => d == axis ? -1 : v));
            if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
            list.Add(f);
        }
        var y = new float[xs.Length];
        foreach (var g in groups.Values)
        {
            double max = g.Max(i => (double)xs[i]);
            double sum = g.Sum(i => Math.Exp(xs[i] - max));
            foreach (var i in g) y[i] = (float)(log ? xs[i] - max - Math.Log(sum) : Math.Exp(xs[i] - max) / sum);
        }
        return y;
    }

    public static TheoryData<int[], int, bool> Cases() => new()
    {
        { [3, 4, 5], -1, false },
        { [3, 4, 5], 0, false },
        { [3, 4, 5], 1, false },
        { [3, 4, 5], -2, false },
        { [3, 4, 5], 1, true },      // opset < 13: rows are [4·5]
        { [3, 4, 5], 0, true },
        { [3, 4, 5], 2, true },
        { [3, 4, 5], -2, true },
        { [17], 0, false },
        { [2, 1, 1], 1, false },
        { [1, 1000], 1, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaiveReference(int[] dims, int axis, bool coerce)
    {
        var x = Random(91, dims);
        var s = x.AsSpan<float>();
        for (int i = 0; i < s.Length; i++) s[i] *= 20;
        AssertClose(x.Shape, Naive(x, axis, coerce, log: false), GraphFactory.RunOp(new SoftmaxOp { Axis = axis, CoerceTo2D = coerce }, [x])[0], 1e-5, 1e-7);
    }

    [Fact]
    public void IsStableForLargeInputs()
    {
        var x = Tensor.FromArray(new Shape(2, 4), new float[] { 0, 1, 2, 3, 10000, 10001, 10002, 10003 });
        var y = GraphFactory.RunOp(new SoftmaxOp(), [x])[0].ToArray<float>();
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
        for (int i = 0; i < 4; i++) Assert.Equal(y[i], y[i + 4], 6);
    }

    [Fact]
    public void ImportsBothSemantics()
    {
        var x = Random(92, 3, 4, 5);
        // Opset 11, default axis 1: each batch item's 20 values sum to 1.
        var legacy = RunOnnxNode("Softmax", 11, _ => { }, [x])[0];
        AssertClose(x.Shape, Naive(x, 1, coerce: true, log: false), legacy);
        // Opset 13, default axis -1.
        var modern = RunOnnxNode("Softmax", 13, _ => { }, [x])[0];
        AssertClose(x.Shape, Naive(x, -1, coerce: false, log: false), modern);
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new SoftmaxOp { Axis = 3 }, [x]));
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_softmax_axis_0", "test_softmax_axis_1", "test_softmax_axis_2", "test_softmax_default_axis",
        "test_softmax_example", "test_softmax_large_number", "test_softmax_negative_axis");
}
