using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class EqualOpTests
{
    private static bool[] Run(Tensor a, Tensor b)
    {
        var y = GraphFactory.RunOp(new EqualOp(), [a, b])[0];
        Assert.Equal(DataType.Bool, y.DataType);
        return y.ToArray<bool>();
    }

    [Fact]
    public void BroadcastsAcrossEveryAxisPattern()
    {
        foreach (var pair in BroadcastPairs)
        {
            Shape sa = new(pair[0]), sb = new(pair[1]);
            var xa = Enumerable.Range(0, sa.ElementCount).Select(i => i % 3).ToArray();
            var xb = Enumerable.Range(0, sb.ElementCount).Select(i => i % 2).ToArray();
            var yy = Run(Tensor.FromArray(sa, xa), Tensor.FromArray(sb, xb));
            var so = Broadcast(sa, sb);
            Assert.Equal(so.ElementCount, yy.Length);
            for (int i = 0; i < so.ElementCount; i++)
            {
                var idx = Unflatten(so, i);
                Assert.Equal(xa[Flat(sa, idx)] == xb[Flat(sb, idx)], yy[i]);
            }
        }
    }

    [Fact]
    public void FloatsCompareByIeeeRules()
    {
        Assert.Equal(new[] { false, true, true, false },
            Run(Tensor.FromArray(new Shape(4), new[] { float.NaN, -0f, 1.5f, 1f }), Tensor.FromArray(new Shape(4), new[] { float.NaN, 0f, 1.5f, 1.0000001f })));
        Assert.Equal(new[] { false, true },
            Run(Tensor.FromArray(new Shape(2), new[] { Half.NaN, (Half)2 }), Tensor.FromArray(new Shape(2), new[] { Half.NaN, (Half)2 })));
    }

    [Fact]
    public void ComparesEveryOtherType()
    {
        Assert.Equal(new[] { true, false }, Run(Tensor.FromArray(new Shape(2), new sbyte[] { -1, 2 }), Tensor.FromArray(new Shape(2), new sbyte[] { -1, 3 })));
        Assert.Equal(new[] { true, false }, Run(Tensor.FromArray(new Shape(2), new byte[] { 255, 2 }), Tensor.FromArray(new Shape(2), new byte[] { 255, 3 })));
        Assert.Equal(new[] { true, false }, Run(Tensor.FromArray(new Shape(2), new[] { long.MinValue, 1L }), Tensor.FromArray(new Shape(2), new[] { long.MinValue, 1L << 32 | 1 })));
        Assert.Equal(new[] { true, false, false, true },
            Run(Tensor.FromArray(new Shape(4), new[] { true, true, false, false }), Tensor.FromArray(new Shape(4), new[] { true, false, true, false })));
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_equal", "test_equal_bcast");
}
