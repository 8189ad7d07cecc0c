using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>Shared attributes and window geometry of AveragePool and MaxPool over [N, C, spatial...] inputs.</summary>
public abstract class PoolOp : Op
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

    /// <summary>The window for input 0, after checking it is [N, C, spatial...].</summary>
    protected SpatialWindow Window(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var x = ctx.InputShape(0);
        if (x.Rank < 3) throw ctx.Error($"X has shape {x}; expected [N, C, spatial...] with at least one spatial dim");
        return SpatialWindow.ForSliding(ctx, x.Dims[2..], KernelShape, Strides, Dilations, Pads, AutoPad, CeilMode);
    }

    /// <summary>The output shape [N, C, pooled spatial...].</summary>
    protected static Shape OutputShape(Shape x, SpatialWindow w)
    {
        ArgumentNullException.ThrowIfNull(w);
        var dims = new int[x.Rank];
        dims[0] = x[0];
        dims[1] = x[1];
        w.OutputDims.CopyTo(dims, 2);
        return new Shape(dims);
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
