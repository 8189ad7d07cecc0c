using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Addressing of a spatial operator's data as batch × channel planes: element p (row-major over the spatial dims) of
/// channel c of batch item n is at <c>PlaneOffset(n, c) + p · ElementStride</c>. Channels-first planes are contiguous
/// (stride 1); channels-last planes interleave (stride = channels). The reference kernels of Conv, the pools and
/// BatchNormalization index only through this struct, so one loop nest serves both layouts.
/// </summary>
public readonly record struct PlaneLayout(int Batch, int Channels, int PlaneSize, ChannelLayout Layout = ChannelLayout.ChannelsFirst)
{
    /// <summary>The layout of a tensor of shape [N, C, spatial...] (channels-first, rank ≥ 2) or [N, H, W, C] (channels-last).</summary>
    public static PlaneLayout Of(Shape shape, ChannelLayout layout = ChannelLayout.ChannelsFirst)
    {
        int plane = 1;
        var spatial = SpatialDims(shape, layout);
        foreach (int d in spatial) plane *= d;
        return new PlaneLayout(shape[0], shape[ChannelAxis(shape.Rank, layout)], plane, layout);
    }

    /// <summary>Elements between consecutive spatial positions of one channel.</summary>
    public int ElementStride => Layout == ChannelLayout.ChannelsLast ? Channels : 1;

    /// <summary>Elements between the same position of consecutive channels.</summary>
    public int ChannelStride => Layout == ChannelLayout.ChannelsLast ? 1 : PlaneSize;

    /// <summary>Offset of the first element of channel <paramref name="c"/> of batch item <paramref name="n"/>.</summary>
    public int PlaneOffset(int n, int c) => n * Channels * PlaneSize + c * ChannelStride;

    /// <summary>Number of planes (N · C).</summary>
    public int PlaneCount => Batch * Channels;

    /// <summary>The axis holding the channels: 1, or the last one for channels-last.</summary>
    public static int ChannelAxis(int rank, ChannelLayout layout) => layout == ChannelLayout.ChannelsLast ? rank - 1 : 1;

    /// <summary>The spatial dims of a tensor in this layout ([2..] channels-first, [1..rank-1) channels-last).</summary>
    public static ReadOnlySpan<int> SpatialDims(Shape shape, ChannelLayout layout) =>
        layout == ChannelLayout.ChannelsLast ? shape.Dims[1..^1] : shape.Dims[2..];

    /// <summary>The shape of a tensor with these batch, channel and spatial sizes in <paramref name="layout"/>.</summary>
    public static Shape Compose(int batch, int channels, ReadOnlySpan<int> spatial, ChannelLayout layout)
    {
        var dims = new int[spatial.Length + 2];
        dims[0] = batch;
        if (layout == ChannelLayout.ChannelsLast)
        {
            spatial.CopyTo(dims.AsSpan(1));
            dims[^1] = channels;
        }
        else
        {
            dims[1] = channels;
            spatial.CopyTo(dims.AsSpan(2));
        }
        return new Shape(dims);
    }

    /// <summary>
    /// Checks that input <paramref name="input"/> fits <paramref name="layout"/>: rank ≥ <paramref name="minRank"/>
    /// channels-first, exactly 4 (NHWC) channels-last.
    /// </summary>
    public static void Expect(OpContext ctx, int input, ChannelLayout layout, int minRank)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var x = ctx.InputShape(input);
        if (layout == ChannelLayout.ChannelsLast)
        {
            if (x.Rank != 4) throw ctx.Error($"X has shape {x}; the channels-last form takes [N, H, W, C]");
        }
        else if (x.Rank < minRank)
        {
            throw ctx.Error(minRank > 2
                ? $"X has shape {x}; expected [N, C, spatial...] with at least one spatial dim"
                : $"X has shape {x}; expected [N, C, ...]");
        }
    }
}
