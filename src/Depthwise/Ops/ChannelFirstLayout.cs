using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Addressing of a channel-first (NCHW, NCDHW...) tensor as batch × channel planes: the one place the spatial
/// operators compute where a channel's plane starts. A channel-last layout changes these helpers, not the op loops.
/// </summary>
public readonly record struct ChannelFirstLayout(int Batch, int Channels, int PlaneSize)
{
    /// <summary>The layout of a tensor of shape [N, C, spatial...] (rank ≥ 2).</summary>
    public static ChannelFirstLayout Of(Shape shape)
    {
        int plane = 1;
        for (int i = 2; i < shape.Rank; i++) plane *= shape[i];
        return new ChannelFirstLayout(shape[0], shape[1], plane);
    }

    /// <summary>Offset of the first element of channel <paramref name="c"/> of batch item <paramref name="n"/>.</summary>
    public int PlaneOffset(int n, int c) => (n * Channels + c) * PlaneSize;

    /// <summary>Number of planes (N · C).</summary>
    public int PlaneCount => Batch * Channels;
}
