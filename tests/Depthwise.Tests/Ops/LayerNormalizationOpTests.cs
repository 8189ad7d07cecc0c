using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

public class LayerNormalizationOpTests
{
    public static TheoryData<int[], int, int[], int[]?, float> Cases() => new()
    {
        // x dims, axis, scale dims, bias dims (null = none), epsilon
        { [2, 3, 4, 5], -1, [5], [5], 1e-5f },
        { [2, 3, 4, 5], 1, [3, 4, 5], [3, 4, 5], 1e-5f },
        { [2, 3, 4, 5], 0, [2, 3, 4, 5], null, 1e-5f },
        { [2, 3, 4, 5], -2, [1, 5], [4, 1], 0.1f },       // Scale and B broadcast inside the normalized dims
        { [3, 17], 1, [17], [1], 1e-5f },
        { [3, 17], 1, [], null, 1e-5f },                   // scalar scale
        { [4, 1], -1, [1], [1], 1e-5f },                   // one element per row: output is B
        { [2, 3, 5], -3, [1, 3, 5], [5], 0.1f },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaiveReference(int[] dims, int axis, int[] scaleDims, int[]? biasDims, float epsilon)
    {
        var x = Random(101, dims);
        var scale = Random(102, scaleDims);
        var bias = biasDims is null ? null : Random(103, biasDims);
        int a = axis < 0 ? axis + dims.Length : axis;
        int[] norm = dims[a..];
        int rows = Count(dims[..a]), len = Count(norm);
        var xs = x.ToArray<float>();
        var y = new float[xs.Length];
        var mean = new float[rows];
        var inv = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = xs.Skip(r * len).Take(len).Select(v => (double)v).ToArray();
            double m = row.Average();
            double v = row.Average(e => (e - m) * (e - m));
            double iv = 1 / Math.Sqrt(v + epsilon);
            mean[r] = (float)m;
            inv[r] = (float)iv;
            for (int i = 0; i < len; i++)
            {
                var idx = Unflatten(i, norm);
                double s = scale.ToArray<float>()[BroadcastFlat(idx, scaleDims)];
                double b = bias is null ? 0 : bias.ToArray<float>()[BroadcastFlat(idx, biasDims!)];
                y[r * len + i] = (float)((row[i] - m) * iv * s + b);
            }
        }
        var outs = GraphFactory.RunOp(new LayerNormalizationOp { Axis = axis, Epsilon = epsilon }, [x, scale, bias], outputs: 3);
        AssertClose(x.Shape, y, outs[0]);
        var statDims = dims.Select((d, i) => i < a ? d : 1).ToArray();
        AssertClose(new Shape(statDims), mean, outs[1]);
        AssertClose(new Shape(statDims), inv, outs[2], 1e-4, 1e-4);
        AssertClose(x.Shape, y, GraphFactory.RunOp(new LayerNormalizationOp { Axis = axis, Epsilon = epsilon }, [x, scale, bias])[0]);
    }

    /// <summary>Flat index into a tensor of <paramref name="own"/> dims broadcast (right-aligned) to index <paramref name="idx"/>.</summary>
    private static int BroadcastFlat(int[] idx, int[] own)
    {
        int f = 0;
        for (int d = 0; d < own.Length; d++) f = f * own[d] + (own[d] == 1 ? 0 : idx[d + idx.Length - own.Length]);
        return f;
    }

    [Fact]
    public void RejectsBadScaleAndStashType()
    {
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new LayerNormalizationOp(), [Random(1, 2, 3), Random(2, 4)]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new LayerNormalizationOp { Axis = 1 }, [Random(1, 2, 3), Random(2, 2, 3)]));
        Assert.Throws<UnsupportedOperatorException>(() => RunOnnxNode("LayerNormalization", 17, n => n.Attr("stash_type", 11L), [Random(1, 2, 3), Random(2, 3)]));
        var y = RunOnnxNode("LayerNormalization", 17, n => n.Attr("axis", 0L), [Random(1, 2, 3), Random(2, 2, 3)], outputs: 2);
        Assert.Equal(new Shape(1, 1), y[1].Shape);
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_layer_normalization_2d_axis0", "test_layer_normalization_2d_axis1", "test_layer_normalization_2d_axis_negative_1",
        "test_layer_normalization_2d_axis_negative_2", "test_layer_normalization_3d_axis0_epsilon", "test_layer_normalization_3d_axis1_epsilon",
        "test_layer_normalization_3d_axis2_epsilon", "test_layer_normalization_3d_axis_negative_1_epsilon",
        "test_layer_normalization_3d_axis_negative_2_epsilon", "test_layer_normalization_3d_axis_negative_3_epsilon",
        "test_layer_normalization_4d_axis0", "test_layer_normalization_4d_axis1", "test_layer_normalization_4d_axis2",
        "test_layer_normalization_4d_axis3", "test_layer_normalization_4d_axis_negative_1", "test_layer_normalization_4d_axis_negative_2",
        "test_layer_normalization_4d_axis_negative_3", "test_layer_normalization_4d_axis_negative_4", "test_layer_normalization_default_axis");
}
