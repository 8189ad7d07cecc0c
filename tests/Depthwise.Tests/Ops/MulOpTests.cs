using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.ElementwiseTestKit;

namespace Depthwise.Tests.Ops;

public class MulOpTests
{
    [Fact]
    public void BroadcastsAcrossEveryAxisPattern()
    {
        foreach (var pair in BroadcastPairs)
        {
            Shape sa = new(pair[0]), sb = new(pair[1]);
            var xa = Enumerable.Range(0, sa.ElementCount).Select(i => i * 0.5f - 3).ToArray();
            var xb = Enumerable.Range(0, sb.ElementCount).Select(i => 7.25f - i).ToArray();
            var y = GraphFactory.RunOp(new MulOp(), [Tensor.FromArray(sa, xa), Tensor.FromArray(sb, xb)])[0];
            var so = Broadcast(sa, sb);
            Assert.Equal(so, y.Shape);
            var yy = y.ToArray<float>();
            for (int i = 0; i < so.ElementCount; i++)
            {
                var idx = Unflatten(so, i);
                Assert.Equal(xa[Flat(sa, idx)] * xb[Flat(sb, idx)], yy[i]);
            }
        }
    }

    [Fact]
    public void RejectsShapesThatDoNotBroadcastAndMixedTypes()
    {
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new MulOp(), [Tensor.Zeros(DataType.Float32, new Shape(2, 3)), Tensor.Zeros(DataType.Float32, new Shape(2))]));
        Assert.Throws<ShapeMismatchException>(() => GraphFactory.RunOp(new MulOp(), [Tensor.Zeros(DataType.Float32, new Shape(2)), Tensor.Zeros(DataType.Int32, new Shape(2))]));
    }

    [Fact]
    public void ComputesEveryIntegerTypeAndFloat16()
    {
        Assert.Equal(new sbyte[] { unchecked((sbyte)(100 * 60)), (sbyte)(-7 * 3) },
            GraphFactory.RunOp(new MulOp(), [Tensor.FromArray(new Shape(2), new sbyte[] { 100, -7 }), Tensor.FromArray(new Shape(2), new sbyte[] { 60, 3 })])[0].ToArray<sbyte>());
        Assert.Equal(new byte[] { unchecked((byte)(200 * 100)), (byte)(9 * 3) },
            GraphFactory.RunOp(new MulOp(), [Tensor.FromArray(new Shape(2), new byte[] { 200, 9 }), Tensor.FromArray(new Shape(2), new byte[] { 100, 3 })])[0].ToArray<byte>());
        Assert.Equal(new[] { unchecked(int.MaxValue * 2), -9 * 4 },
            GraphFactory.RunOp(new MulOp(), [Tensor.FromArray(new Shape(2), new[] { int.MaxValue, -9 }), Tensor.FromArray(new Shape(2), new[] { 2, 4 })])[0].ToArray<int>());
        Assert.Equal(new[] { unchecked(long.MinValue * 3L), (1L << 40) * 5L },
            GraphFactory.RunOp(new MulOp(), [Tensor.FromArray(new Shape(2), new[] { long.MinValue, 1L << 40 }), Tensor.FromArray(new Shape(2), new[] { 3L, 5L })])[0].ToArray<long>());
        Assert.Equal(new[] { (Half)(1.5f * 0.25f), (Half)(-3f * 8f) },
            GraphFactory.RunOp(new MulOp(), [Tensor.FromArray(new Shape(2), new[] { (Half)1.5f, (Half)(-3f) }), Tensor.FromArray(new Shape(2), new[] { (Half)0.25f, (Half)8f })])[0].ToArray<Half>());
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_mul", "test_mul_bcast", "test_mul_example", "test_mul_uint8");
}
