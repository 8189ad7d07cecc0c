using Depthwise.Kernels.Depthwise;

namespace Depthwise.Tests.Kernels.Depthwise;

public class F32DepthwiseConvWeightsTests
{
    [Theory]
    [InlineData(1, 3, 3)]
    [InlineData(15, 3, 3)]
    [InlineData(16, 5, 5)]
    [InlineData(17, 2, 4)]
    [InlineData(33, 1, 1)]
    [InlineData(144, 3, 3)]
    public void PacksBiasThenOneChannelContiguousRowPerTap(int c, int kh, int kw)
    {
        var filters = Enumerable.Range(0, c * kh * kw).Select(i => 1f + i).ToArray();   // [C, 1, KH, KW]
        var bias = Enumerable.Range(0, c).Select(i => -1f - i).ToArray();
        var packed = F32DepthwiseConvWeights.PackChannelFirst(c, kh, kw, filters, bias);
        int cs = (c + 15) / 16 * 16;
        Assert.Equal(cs, packed.ChannelStride);
        Assert.Equal((1 + kh * kw) * cs, packed.Length);
        var p = packed.Packed;
        Assert.Equal(packed.Length, p.Length);
        for (int i = 0; i < cs; i++) Assert.Equal(i < c ? bias[i] : 0f, p[i]);
        for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
                for (int i = 0; i < cs; i++)
                    Assert.Equal(i < c ? filters[(i * kh + ky) * kw + kx] : 0f, p[(1 + ky * kw + kx) * cs + i]);
    }

    [Fact]
    public void ChannelLastSourceAndExplicitStridesPackTheSame()
    {
        int c = 19, kh = 3, kw = 5;
        var first = Enumerable.Range(0, c * kh * kw).Select(i => MathF.Sin(i)).ToArray();
        var last = new float[first.Length];   // [KH, KW, C]
        for (int ch = 0; ch < c; ch++)
            for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++)
                    last[(ky * kw + kx) * c + ch] = first[(ch * kh + ky) * kw + kx];
        var a = F32DepthwiseConvWeights.PackChannelFirst(c, kh, kw, first, []);
        var b = F32DepthwiseConvWeights.PackChannelLast(c, kh, kw, last, []);
        var s = F32DepthwiseConvWeights.Pack(c, kh, kw, last, 1, kw * c, c, []);
        Assert.True(a.Packed.SequenceEqual(b.Packed));
        Assert.True(a.Packed.SequenceEqual(s.Packed));
        Assert.True(a.Packed[..a.ChannelStride].ToArray().All(v => v == 0), "no bias packs zeros");
    }

    [Fact]
    public unsafe void RowsStartOn64ByteBoundaries()
    {
        for (int c = 1; c < 40; c += 7)
        {
            var packed = F32DepthwiseConvWeights.PackChannelFirst(c, 3, 3, new float[c * 9], []);
            fixed (float* p = packed.Packed) Assert.Equal(0, (long)p % 64);
        }
    }

    [Fact]
    public void RejectsShortWeightsAndWrongBias()
    {
        Assert.Throws<ArgumentException>(() => F32DepthwiseConvWeights.PackChannelFirst(4, 3, 3, new float[35], []));
        Assert.Throws<ArgumentException>(() => F32DepthwiseConvWeights.PackChannelFirst(4, 3, 3, new float[36], new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => F32DepthwiseConvWeights.PackChannelFirst(0, 3, 3, [], []));
    }
}
