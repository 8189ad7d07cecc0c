using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Tests.Kernels.Resize;

/// <summary>
/// uint8/int8 bilinear resizing as TFLite's XNNPACK delegate computes it (<see cref="ResizeOp.TfLiteXnnpack"/>):
/// 11-bit weights, rounding half up, hand-computed here; the synthetic TFLite conformance models check it against the
/// real runtime.
/// </summary>
public class TfLiteResizeXnnpackTests
{
    private static readonly QuantParams Q = QuantParams.PerTensor(0.05f, 7);

    private static Tensor Resize(ResizeCoordinateMode coords, Tensor x, bool xnnpack, params long[] sizes) =>
        GraphFactory.RunOp(new ResizeOp { Mode = ResizeMode.Linear, CoordinateMode = coords, TfLiteArithmetic = true, TfLiteXnnpack = xnnpack },
            [x, null, null, Tensor.FromArray(new Shape(sizes.Length), sizes)], 1, 3)[0];

    [Fact]
    public void RoundsHalfUpWithElevenBitWeights()
    {
        // Width 2 → 4, no flags: scale 0.5, sources 0, 0.5, 1, 1.5 → lower 0, 0, 1, 1 (upper clamped to 1), α 0, 1024, 0, 1024.
        var u8 = Tensor.FromArray(new Shape(1, 1, 2, 1), new byte[] { 10, 21 }, Q);
        Assert.Equal([10, 16, 21, 21], Resize(ResizeCoordinateMode.Asymmetric, u8, true, 1, 1, 4, 1).ToArray<byte>());
        // int8: −15.5 rounds half up to −15 (TFLite's builtin int8 kernel rounds it away from zero, to −16).
        var s8 = Tensor.FromArray(new Shape(1, 1, 2, 1), new sbyte[] { -10, -21 }, Q);
        Assert.Equal([-10, -15, -21, -21], Resize(ResizeCoordinateMode.Asymmetric, s8, true, 1, 1, 4, 1).ToArray<sbyte>());
        Assert.Equal([-10, -16, -21, -21], Resize(ResizeCoordinateMode.Asymmetric, s8, false, 1, 1, 4, 1).ToArray<sbyte>());
        // Half-pixel centres: sources 0.25·(2o + 1) − 0.5 clamped to [0, 1] → 0, 0.25, 0.75, 1 → −10, −12.75, −18.25, −21.
        Assert.Equal([-10, -13, -18, -21], Resize(ResizeCoordinateMode.HalfPixel, s8, true, 1, 1, 4, 1).ToArray<sbyte>());
        Assert.Equal([10, 13, 18, 21], Resize(ResizeCoordinateMode.HalfPixel, u8, true, 1, 1, 4, 1).ToArray<byte>());
        // Align corners, width 2 → 3: scale 1/2 → 10, 15.5 → 16, 21.
        Assert.Equal([10, 16, 21], Resize(ResizeCoordinateMode.AlignCorners, u8, true, 1, 1, 3, 1).ToArray<byte>());
    }

    [Fact]
    public void BlendsRowsAfterColumnsInFixedPoint()
    {
        // 2×2 → 3×3 with align_corners (scale 1/2 on both axes): the centre is the mean of the four corners computed as
        // t = 2048·tl + (tr − tl)·1024, b likewise, (2048·t + (b − t)·1024 + 2²¹) >> 22.
        var x = Tensor.FromArray(new Shape(1, 2, 2, 2), new byte[] { 0, 255, 90, 0, 31, 255, 120, 1 }, Q);
        var y = Resize(ResizeCoordinateMode.AlignCorners, x, true, 1, 3, 3, 2).ToArray<byte>();
        // Channel 0: corners 0, 90, 31, 120 → centre (0 + 90 + 31 + 120)/4 = 60.25 → 60; edge midpoints 45, 15.5 → 16, 75.5 → 76, 105.
        Assert.Equal([0, 45, 90, 16, 60, 105, 31, 76, 120], Enumerable.Range(0, 9).Select(i => (int)y[2 * i]));
        // Channel 1: corners 255, 0, 255, 1 → centre 127.75 → 128; top midpoint 127.5 → 128, bottom 128.
        Assert.Equal(128, y[2 * 4 + 1]);
        Assert.Equal(128, y[2 * 1 + 1]);
        Assert.Equal(128, y[2 * 7 + 1]);
    }
}
