using Depthwise.Kernels.Depthwise;

namespace Depthwise.Tests.Kernels.Depthwise;

public class DepthwiseConvShapeTests
{
    [Theory]
    [InlineData(112, 3, 1, 1, 112)]
    [InlineData(112, 3, 2, 1, 56)]
    [InlineData(7, 3, 1, 1, 7)]
    [InlineData(14, 5, 2, 2, 7)]
    [InlineData(15, 3, 2, 1, 8)]
    [InlineData(1, 3, 1, 1, 1)]
    [InlineData(3, 3, 2, 0, 1)]
    public void OutputSizeFollowsTheConvolutionFormula(int size, int k, int s, int pad, int expected)
    {
        var shape = DepthwiseConvShape.Square(1, size, size, 8, k, s, pad);
        Assert.Equal(expected, shape.OutputHeight);
        Assert.Equal(expected, shape.OutputWidth);
        Assert.Equal((long)expected * expected * 8 * k * k, shape.Macs);
    }

    [Theory]
    [InlineData(112, 3, 2, 0, 1)]   // TF SAME, stride 2, even input: the odd pad goes after
    [InlineData(113, 3, 2, 1, 1)]
    [InlineData(56, 5, 2, 1, 2)]
    [InlineData(28, 5, 1, 2, 2)]
    [InlineData(7, 3, 1, 1, 1)]
    public void SamePaddingPutsTheExtraPadAfter(int size, int k, int s, int before, int after)
    {
        var shape = DepthwiseConvShape.Same(1, size, size, 4, k, s);
        Assert.Equal((size + s - 1) / s, shape.OutputHeight);
        Assert.Equal((before, before, after, after), (shape.PadTop, shape.PadLeft, shape.PadBottom, shape.PadRight));
    }

    [Fact]
    public void InteriorColumnsAreExactlyThoseWithEveryTapInside()
    {
        int shapes = 0;
        foreach (int k in new[] { 1, 2, 3, 5 })
            foreach (int s in new[] { 1, 2, 3 })
                foreach (int d in new[] { 1, 2 })
                    foreach (var (_, w) in DepthwiseConvCase.Sizes)
                        foreach (var (_, l, _, r) in DepthwiseConvCase.Pads)
                        {
                            if (w + l + r < (k - 1) * d + 1) continue;
                            var shape = new DepthwiseConvShape(1, 1, w, 1, 1, k, 1, s, 1, d, 0, l, 0, r);
                            var inside = Enumerable.Range(0, shape.OutputWidth)
                                .Select(x => Enumerable.Range(0, k).All(kx => x * s - l + kx * d >= 0 && x * s - l + kx * d < w))
                                .ToArray();
                            int start = shape.InteriorStart, end = shape.InteriorEnd;
                            Assert.InRange(start, 0, shape.OutputWidth);
                            Assert.InRange(end, start, shape.OutputWidth);
                            for (int x = 0; x < inside.Length; x++)
                                Assert.True(inside[x] == (x >= start && x < end), $"{shape}: column {x} interior={inside[x]}, range [{start}, {end})");
                            shapes++;
                        }
        Assert.True(shapes > 500);
    }

    [Fact]
    public void RejectsBadGeometry()
    {
        Assert.Throws<ArgumentException>(() => DepthwiseConvShape.Square(1, 2, 2, 3, 5, 1, 1));   // kernel larger than padded input
        Assert.Throws<ArgumentOutOfRangeException>(() => DepthwiseConvShape.Square(1, 8, 8, 3, 3, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DepthwiseConvShape.Square(1, 8, 8, 0, 3, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DepthwiseConvShape.Square(1, 8, 8, 3, 3, 1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DepthwiseConvShape(1, 8, 8, 3, 3, 3, 1, 1, 0, 1, 0, 0, 0, 0));
        Assert.Throws<ArgumentException>(() => DepthwiseConvShape.Square(1 << 12, 1 << 10, 1 << 10, 1 << 8, 3, 1, 1));
    }

    [Theory]
    [InlineData(1, 7, 1)]
    [InlineData(2, 7, 3)]
    [InlineData(3, 5, 8)]
    [InlineData(1, 1, 4)]
    public void SplitCoversEveryRowOnce(int batch, int size, int parts)
    {
        var shape = DepthwiseConvShape.Square(batch, size, size, 3, 3, 1, 1);
        int next = 0;
        for (int i = 0; i < parts; i++)
        {
            var range = DepthwiseConvRange.Split(shape, parts, i);
            Assert.Equal(next, range.Start);
            Assert.InRange(range.Count, shape.RowCount / parts, shape.RowCount / parts + 1);
            next = range.End;
        }
        Assert.Equal(shape.RowCount, next);
        if (batch > 1 && size >= 3) Assert.Equal(new DepthwiseConvRange(size + 1, size + 3), DepthwiseConvRange.Rows(shape, 1, 1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => DepthwiseConvRange.Rows(shape, batch, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DepthwiseConvRange.Rows(shape, 0, 0, size + 1));
    }
}
