using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

public class AddOpTests
{
    [Fact]
    public void BroadcastsAcrossEveryAxisPattern()
    {
        int[][] a = [[2, 3, 4], [2, 1, 4], [1, 3, 1], [4], [1], [3, 1]];
        int[][] b = [[2, 3, 4], [1, 3, 1], [2, 1, 4], [3, 4], [2, 3, 4], [1, 4]];
        for (int k = 0; k < a.Length; k++)
        {
            var sa = new Shape(a[k]); var sb = new Shape(b[k]);
            var xa = Enumerable.Range(0, sa.ElementCount).Select(i => (float)i).ToArray();
            var xb = Enumerable.Range(0, sb.ElementCount).Select(i => 100f * i).ToArray();
            var y = GraphFactory.RunOp(new AddOp(), [Tensor.FromArray(sa, xa), Tensor.FromArray(sb, xb)])[0];
            var so = Shape.Broadcast(sa, sb)!.Value;
            Assert.Equal(so, y.Shape);
            var yy = y.ToArray<float>();
            var st = so.Strides();
            for (int i = 0; i < so.ElementCount; i++)
            {
                var idx = new int[so.Rank];
                for (int d = 0, r = i; d < so.Rank; d++) { idx[d] = r / st[d]; r %= st[d]; }
                Assert.Equal(xa[Flat(sa, idx)] + xb[Flat(sb, idx)], yy[i]);
            }
        }
    }

    private static int Flat(Shape s, int[] outIdx)
    {
        int off = 0, stride = 1;
        for (int d = s.Rank - 1; d >= 0; d--)
        {
            int od = outIdx[outIdx.Length - s.Rank + d];
            off += (s[d] == 1 ? 0 : od) * stride;
            stride *= s[d];
        }
        return off;
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_add", "test_add_bcast", "test_add_uint8");
}
