using Depthwise.Kernels.Depthwise;

namespace Depthwise.Kernels.Quantized;

/// <summary>One quantized depthwise convolution call for <see cref="Q8DepthwiseConvDriver"/>.</summary>
internal unsafe struct Q8DepthwiseConvArgs
{
    public byte* X;
    public byte* Y;
    public int* W;
    public int RowStride;
    public int InputZeroPoint;
    public byte* ZeroPointRow;
    public DepthwiseConvShape Shape;
    public Q8RequantArgs Q;
    public DepthwiseConvRange Range;
}
