using Depthwise.Kernels;
using Depthwise.Kernels.Depthwise;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Tests.Kernels.Depthwise;

/// <summary>The scalar reference against the naive loop (definition) and against the engine's NCHW Conv (ONNX semantics).</summary>
public class F32DepthwiseConvReferenceTests
{
    /// <summary>(KH, KW, SH, SW, DH, DW): the specialized geometries and the awkward ones the generic kernel covers.</summary>
    public static TheoryData<int, int, int, int, int, int> Geometries() => new()
    {
        { 3, 3, 1, 1, 1, 1 }, { 3, 3, 2, 2, 1, 1 }, { 5, 5, 1, 1, 1, 1 }, { 5, 5, 2, 2, 1, 1 },
        { 1, 1, 1, 1, 1, 1 }, { 2, 2, 2, 2, 1, 1 }, { 3, 3, 1, 1, 2, 2 }, { 1, 3, 1, 2, 1, 1 },
        { 3, 1, 2, 1, 1, 3 }, { 7, 7, 1, 1, 1, 1 }, { 2, 4, 3, 3, 2, 1 }, { 4, 4, 3, 1, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void MatchesNaiveLoop(int kh, int kw, int sh, int sw, int dh, int dw)
    {
        int index = 0, checkedCases = 0;
        foreach (int c in new[] { 1, 3, 16, 17, 33 })
            foreach (var (h, w) in new[] { (1, 1), (3, 3), (5, 8), (8, 5), (14, 14), (1, 15) })
                foreach (var (t, l, b, r) in DepthwiseConvCase.Pads)
                {
                    if (h + t + b < (kh - 1) * dh + 1 || w + l + r < (kw - 1) * dw + 1) continue;
                    var shape = new DepthwiseConvShape(2, h, w, c, kh, kw, sh, sw, dh, dw, t, l, b, r);
                    var epilogue = DepthwiseConvCase.Epilogues[index % DepthwiseConvCase.Epilogues.Length];
                    var test = new DepthwiseConvCase(shape, epilogue, seed: index, bias: index % 4 != 3);
                    index++;
                    var expected = NaiveDepthwiseConv.Run(shape, test.Input, test.Filters, test.Bias, epilogue);
                    var actual = test.Reference();
                    var magnitude = test.Magnitude();
                    for (int i = 0; i < expected.Length; i++)
                    {
                        double tolerance = 2e-7 * (kh * kw + 2) * magnitude[i] + 1e-6;
                        if (Math.Abs(actual[i] - expected[i]) > tolerance)
                            Assert.Fail($"{test}: element {i} is {actual[i]}, naive {expected[i]}");
                    }
                    checkedCases++;
                }
        Assert.True(checkedCases > 50, $"only {checkedCases} cases fit");
    }

    [Theory]
    [InlineData(2, 17, 11, 11, 3, 2, 1, 1, 1, 1, 1)]
    [InlineData(1, 8, 7, 6, 3, 1, 2, 0, 0, 1, 1)]
    [InlineData(2, 5, 9, 9, 5, 2, 1, 2, 2, 1, 2)]
    [InlineData(1, 4, 10, 7, 3, 1, 2, 2, 2, 2, 2)]
    public void MatchesTheEngineConvOpInNchw(int n, int c, int h, int w, int k, int s, int d, int t, int l, int b, int r)
    {
        var shape = new DepthwiseConvShape(n, h, w, c, k, k, s, s, d, d, t, l, b, r);
        var test = new DepthwiseConvCase(shape, FusedEpilogue.Linear, seed: 42);
        var nchw = new float[test.Input.Length];
        for (int i = 0; i < n; i++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int ch = 0; ch < c; ch++)
                        nchw[((i * c + ch) * h + y) * w + x] = test.Input[((i * h + y) * w + x) * c + ch];
        var op = new ConvOp { Group = c, Strides = [s, s], Dilations = [d, d], Pads = [t, l, b, r] };
        var yTensor = GraphFactory.RunOp(op, [
            Tensor.FromArray(new Shape(n, c, h, w), nchw),
            Tensor.FromArray(new Shape(c, 1, k, k), test.Filters),
            Tensor.FromArray(new Shape(c), test.Bias!),
        ])[0];
        int oh = shape.OutputHeight, ow = shape.OutputWidth;
        Assert.Equal(new Shape(n, c, oh, ow), yTensor.Shape);
        var conv = yTensor.ToArray<float>();
        var actual = test.Reference();
        for (int i = 0; i < n; i++)
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++)
                    for (int ch = 0; ch < c; ch++)
                        Assert.Equal(conv[((i * c + ch) * oh + y) * ow + x], actual[((i * oh + y) * ow + x) * c + ch], 1e-5f);
    }

    [Fact]
    public void ARangeWritesOnlyItsRows()
    {
        var shape = DepthwiseConvShape.Square(2, 6, 5, 7, 3, 1, 1);
        var test = new DepthwiseConvCase(shape, FusedEpilogue.Relu6, seed: 3);
        var full = test.Reference();
        var partial = Enumerable.Repeat(float.NaN, shape.OutputLength).ToArray();
        var range = DepthwiseConvRange.Rows(shape, 1, 2, 4);
        F32DepthwiseConvReference.Run(test.Weights, shape, test.Epilogue, test.Input, partial, range);
        int rowLength = shape.OutputWidth * shape.Channels;
        for (int i = 0; i < partial.Length; i++)
        {
            int unit = i / rowLength;
            if (unit >= range.Start && unit < range.End) Assert.Equal(full[i], partial[i]);
            else Assert.True(float.IsNaN(partial[i]), $"element {i} outside the range was written");
        }
    }
}
