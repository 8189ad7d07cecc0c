using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

/// <summary>Naive N-D pooling over explicit pads, shared by the AveragePool and MaxPool tests.</summary>
internal static class PoolTestReference
{
    /// <summary>Output size along one dim (floor or ceil; a ceil window must start inside the input or begin pad).</summary>
    public static int OutSize(int input, int k, int s, int d, int pb, int pe, bool ceil)
    {
        int span = input + pb + pe - ((k - 1) * d + 1);
        int o = span / s + 1;
        if (ceil && span % s != 0 && o * s < input + pb) o++;
        return o;
    }

    /// <summary>
    /// For every output element, visits each kernel tap: <paramref name="visit"/>(output flat index, input flat index or
    /// -1 when the tap is in the padding, true when the tap is inside the padded extent [−pb, in + pe)).
    /// </summary>
    public static void ForEachTap(int[] xd, int[] kernel, int[] strides, int[] dilations, int[] pads, int[] outSpatial, Action<int, int, bool> visit)
    {
        int rank = kernel.Length;
        int[] yd = [xd[0], xd[1], .. outSpatial];
        for (int f = 0; f < Count(yd); f++)
        {
            var yi = Unflatten(f, yd);
            for (int kf = 0; kf < Count(kernel); kf++)
            {
                var k = Unflatten(kf, kernel);
                var xi = new int[rank + 2];
                xi[0] = yi[0]; xi[1] = yi[1];
                bool inside = true, inPadded = true;
                for (int d = 0; d < rank; d++)
                {
                    int p = yi[d + 2] * strides[d] + k[d] * dilations[d] - pads[d];
                    xi[d + 2] = p;
                    if (p < 0 || p >= xd[d + 2]) inside = false;
                    if (p < -pads[d] || p >= xd[d + 2] + pads[d + rank]) inPadded = false;
                }
                visit(f, inside ? Flatten(xi, xd) : -1, inPadded);
            }
        }
    }

    public static int[] OutSpatial(int[] xd, int[] kernel, int[] strides, int[] dilations, int[] pads, bool ceil)
    {
        int rank = kernel.Length;
        return Enumerable.Range(0, rank).Select(d => OutSize(xd[d + 2], kernel[d], strides[d], dilations[d], pads[d], pads[d + rank], ceil)).ToArray();
    }

    public static Shape OutShape(int[] xd, int[] outSpatial) => new([xd[0], xd[1], .. outSpatial]);
}
