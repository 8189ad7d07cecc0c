namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// Everything a depthwise row kernel reads, gathered once per call by <see cref="F32DepthwiseConvVariant"/> after
/// it has checked the buffer lengths: raw pointers (pinned for the call) and the geometry as plain ints.
/// </summary>
internal unsafe struct DepthwiseConvArgs
{
    /// <summary>Input [N, H, W, C].</summary>
    public float* Input;

    /// <summary>Output [N, OH, OW, C].</summary>
    public float* Output;

    /// <summary>Packed weights (<see cref="F32DepthwiseConvWeights"/>): bias row, then KH·KW tap rows.</summary>
    public float* Weights;

    public int Height, Width, Channels, ChannelStride;
    public int KernelHeight, KernelWidth, StrideHeight, StrideWidth, DilationHeight, DilationWidth;
    public int PadTop, PadLeft, OutputHeight, OutputWidth;

    /// <summary>Output columns [InteriorStart, InteriorEnd) need no bounds checks.</summary>
    public int InteriorStart, InteriorEnd;

    /// <summary>Clamp bounds of the epilogue.</summary>
    public float Min, Max;
}
