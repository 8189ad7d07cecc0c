namespace Depthwise.Ops;

/// <summary>
/// An operator over [N, C, spatial...] data that also has a channels-last (NHWC) form: Conv, MaxPool, AveragePool,
/// GlobalAveragePool, GlobalMaxPool, BatchNormalization. The layout pass uses it to switch a node's layout without
/// knowing the operator.
/// </summary>
public interface IChannelLayoutOp
{
    /// <summary>The layout of the data inputs and of output 0.</summary>
    ChannelLayout Layout { get; }

    /// <summary>True when input <paramref name="index"/> is data in <see cref="Layout"/> (as opposed to weights or statistics).</summary>
    bool IsLayoutInput(int index);

    /// <summary>A copy of the operator with every attribute the same except the layout.</summary>
    Op WithLayout(ChannelLayout layout);
}
