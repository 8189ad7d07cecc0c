using Depthwise.Kernels.Gemm;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// One quantized GEMM call for <see cref="Q8GemmDriver"/>: packed weights, the A operand either as int16 rows
/// (<see cref="A16"/>, already <c>a − za</c>, even row stride) or as 8-bit rows (<see cref="A8"/>) widened one
/// M-tile at a time into <see cref="Scratch"/> (MR·2·KPairs shorts), C as bytes, the requantization tables and the
/// tile range to compute.
/// </summary>
internal unsafe struct Q8GemmArgs
{
    public int* W;
    public int PanelStride;
    public int K;
    public int KPairs;
    public short* A16;
    public nint Lda16;
    public byte* A8;
    public nint Lda8;
    public bool ASigned;
    public int AZeroPoint;
    public short* Scratch;
    public byte* C;
    public nint Ldc;
    public int M;
    public int N;
    public Q8RequantArgs Q;
    public GemmTileRange Range;
    public int PanelsPerBlock;
}
