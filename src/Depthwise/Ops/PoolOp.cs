using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Shared attributes and window geometry of AveragePool and MaxPool over [N, C, spatial...] inputs (or [N, H, W, C]
/// when <see cref="Layout"/> is channels-last).
/// </summary>
public abstract class PoolOp : Op, IChannelLayoutOp
{
    /// <summary>Window sizes per spatial dim (required).</summary>
    public int[] KernelShape { get; init; } = [];

    /// <summary>Strides per spatial dim; null means all 1.</summary>
    public int[]? Strides { get; init; }

    /// <summary>Dilations per spatial dim; null means all 1.</summary>
    public int[]? Dilations { get; init; }

    /// <summary>Explicit pads, all begins then all ends; null means all 0. Ignored unless <see cref="AutoPad"/> is NotSet.</summary>
    public int[]? Pads { get; init; }

    /// <summary>How pads are chosen.</summary>
    public AutoPad AutoPad { get; init; }

    /// <summary>Round the output size up instead of down (a window must still start inside the input or its begin padding).</summary>
    public bool CeilMode { get; init; }

    /// <summary>Layout of X and Y (channels-first, ONNX's, by default).</summary>
    public ChannelLayout Layout { get; init; }

    /// <inheritdoc />
    public bool IsLayoutInput(int index) => index == 0;

    /// <inheritdoc />
    public abstract Op WithLayout(ChannelLayout layout);

    /// <summary>The window for input 0, after checking it is [N, C, spatial...] (or [N, H, W, C]).</summary>
    protected SpatialWindow Window(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        PlaneLayout.Expect(ctx, 0, Layout, minRank: 3);
        return SpatialWindow.ForSliding(ctx, PlaneLayout.SpatialDims(ctx.InputShape(0), Layout), KernelShape, Strides, Dilations, Pads, AutoPad, CeilMode);
    }

    /// <summary>The output shape [N, C, pooled spatial...] (or [N, pooled H, pooled W, C]).</summary>
    protected Shape OutputShape(Shape x, SpatialWindow w)
    {
        ArgumentNullException.ThrowIfNull(w);
        var layout = PlaneLayout.Of(x, Layout);
        return PlaneLayout.Compose(layout.Batch, layout.Channels, w.OutputDims, Layout);
    }

    /// <summary>Per spatial dim (D, H, W) and output position, the taps [Lo, Hi) that read inside the input.</summary>
    protected static (int[][] Lo, int[][] Hi) TapRanges(SpatialWindow w)
    {
        ArgumentNullException.ThrowIfNull(w);
        var lo = new int[3][];
        var hi = new int[3][];
        for (int d = 0; d < 3; d++)
        {
            lo[d] = new int[w.Output[d]];
            hi[d] = new int[w.Output[d]];
            for (int o = 0; o < w.Output[d]; o++) (lo[d][o], hi[d][o]) = w.TapRangeForOutput(d, o);
        }
        return (lo, hi);
    }
}
