namespace Depthwise.Ops;

/// <summary>
/// Where the channel axis of a spatial operator's data (Conv, the pools, BatchNormalization) lies. ONNX defines every
/// operator channels-first; the channels-last forms exist for the kernels that want them (depthwise and pointwise
/// convolutions read one pixel's channels contiguously) and are introduced by the layout pass, never by an importer.
/// </summary>
public enum ChannelLayout
{
    /// <summary>[N, C, spatial...] (NCHW for images): the ONNX layout and the default.</summary>
    ChannelsFirst,

    /// <summary>[N, H, W, C] (NHWC): 4-D data only, channels contiguous per pixel.</summary>
    ChannelsLast,
}
