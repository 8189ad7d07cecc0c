using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class PowOpTests
{
    private static Tensor Run(Tensor x, Tensor y) => GraphFactory.RunOp(new PowOp(), [x, y])[0];

    [Fact]
    public void BroadcastsFloatBaseAndExponent()
    {
        foreach (var pair in BroadcastPairs)
        {
            Shape sa = new(pair[0]), sb = new(pair[1]);
            var xa = Enumerable.Range(0, sa.ElementCount).Select(i => i * 0.25f - 1.5f).ToArray();
            var xb = Enumerable.Range(0, sb.ElementCount).Select(i => (i % 7) * 0.5f - 1).ToArray();
            var y = Run(Tensor.FromArray(sa, xa), Tensor.FromArray(sb, xb));
            var so = Broadcast(sa, sb);
            Assert.Equal(so, y.Shape);
            var yy = y.ToArray<float>();
            for (int i = 0; i < so.ElementCount; i++)
            {
                var idx = Unflatten(so, i);
                double e = (float)Math.Pow(xa[Flat(sa, idx)], xb[Flat(sb, idx)]);
                Assert.True(Close(yy[i], e), $"{xa[Flat(sa, idx)]}^{xb[Flat(sb, idx)]}: got {yy[i]}, expected {e}");
            }
        }
    }

    [Fact]
    public void FloatBaseTakesEveryExponentType()
    {
        var x = Tensor.FromArray(new Shape(4), new[] { 2f, -2f, 0.5f, 0f });
        float[] expected = [8f, -8f, 0.125f, 0f];
        Assert.Equal(expected, Run(x, Tensor.FromArray(new Shape(4), new[] { 3, 3, 3, 3 })).ToArray<float>());
        Assert.Equal(expected, Run(x, Tensor.FromArray(new Shape(4), new[] { 3L, 3L, 3L, 3L })).ToArray<float>());
        Assert.Equal(expected, Run(x, Tensor.FromArray(new Shape(4), new sbyte[] { 3, 3, 3, 3 })).ToArray<float>());
        Assert.Equal(expected, Run(x, Tensor.FromArray(new Shape(4), new byte[] { 3, 3, 3, 3 })).ToArray<float>());
        Assert.Equal(expected, Run(x, Tensor.FromArray(new Shape(4), new[] { (Half)3, (Half)3, (Half)3, (Half)3 })).ToArray<float>());
        Assert.Equal(new[] { 0.25f, 0.25f, 4f, float.PositiveInfinity },
            Run(x, Tensor.FromArray(new Shape(4), new[] { -2, -2, -2, -1 })).ToArray<float>());
        Assert.Equal(new[] { (Half)4, (Half)(-8) },
            Run(Tensor.FromArray(new Shape(2), new[] { (Half)2, (Half)(-2) }), Tensor.FromArray(new Shape(2), new[] { 2L, 3L })).ToArray<Half>());
    }

    [Fact]
    public void IntegerBaseIsExactAndWraps()
    {
        Assert.Equal(new[] { 1, 32, 729, -27, 1, unchecked((int)(1L << 31)) },
            Run(Tensor.FromArray(new Shape(6), new[] { 1, 2, 3, -3, 7, 2 }), Tensor.FromArray(new Shape(6), new[] { 4, 5, 6, 3, 0, 31 })).ToArray<int>());
        Assert.Equal(new[] { 1L << 62, unchecked(3486784401L * 3486784401L) },
            Run(Tensor.FromArray(new Shape(2), new[] { 2L, 3L }), Tensor.FromArray(new Shape(2), new[] { 62L, 40L })).ToArray<long>());
        // Negative integer exponents: 1/x^|y| truncated; ±1 stay exact; 0 gives 0 instead of trapping.
        Assert.Equal(new[] { 0, 1, -1, 1, 0 },
            Run(Tensor.FromArray(new Shape(5), new[] { 2, 1, -1, -1, 0 }), Tensor.FromArray(new Shape(5), new[] { -1, -5, -3, -2, -1 })).ToArray<int>());
    }

    [Fact]
    public void IntegerBaseWithFloatExponentTruncatesAndSaturates()
    {
        Assert.Equal(new[] { 1L, 32L, 729L, 1L, 0L, long.MaxValue, 0L },
            Run(Tensor.FromArray(new Shape(7), new[] { 1L, 2L, 3L, 2L, 2L, 10L, -8L }),
                Tensor.FromArray(new Shape(7), new[] { 4f, 5f, 6f, 0.5f, -1f, 30f, 1f / 3 })).ToArray<long>());
        Assert.Equal(new[] { 2, int.MaxValue, int.MinValue },
            Run(Tensor.FromArray(new Shape(3), new[] { 5, 10, -10 }), Tensor.FromArray(new Shape(3), new[] { 0.5f, 10f, 11f })).ToArray<int>());
    }

    [Fact]
    public void RejectsUnsupportedBaseTypes() =>
        Assert.Throws<ShapeMismatchException>(() => Run(Tensor.FromArray(new Shape(1), new byte[] { 2 }), Tensor.FromArray(new Shape(1), new byte[] { 2 })));

    [Fact]
    public void MixedTypeKernelAllocatesNothing() =>
        AssertRunAllocatesNothing(new PowOp(), Tensor.FromArray(new Shape(3, 4), new float[12]), Tensor.FromArray(new Shape(4), new[] { 1, 2, 3, 4 }));

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass(
        "test_pow", "test_pow_bcast_array", "test_pow_bcast_scalar", "test_pow_example",
        "test_pow_types_float", "test_pow_types_float32_int32", "test_pow_types_float32_int64", "test_pow_types_int",
        "test_pow_types_int32_float32", "test_pow_types_int32_int32", "test_pow_types_int64_float32", "test_pow_types_int64_int64");
}
