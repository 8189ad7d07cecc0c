using Depthwise.Kernels.Depthwise;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// One quantized depthwise convolution call for <see cref="Q8DepthwiseConvDriver"/>: the packed tap rows and bias row
/// (<see cref="W"/>), the folded bias row <c>bias − zx·Σw'</c> (<see cref="Folded"/>, normally the packed one; the
/// hybrid kernels pass one for the zero point of each run) and the zx row the padding taps read.
/// </summary>
internal unsafe struct Q8DepthwiseConvArgs
{
    public byte* X;
    public byte* Y;
    public int* W;
    public int* Folded;
    public int RowStride;
    public int InputZeroPoint;
    public byte* ZeroPointRow;
    public DepthwiseConvShape Shape;
    public Q8RequantArgs Q;
    public DepthwiseConvRange Range;
}
