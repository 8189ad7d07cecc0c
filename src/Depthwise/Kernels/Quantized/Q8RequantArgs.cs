namespace Depthwise.Kernels.Quantized;

/// <summary>
/// The per-channel tables of a <see cref="Q8Requantization"/> as raw pointers (index = output channel), plus the output
/// zero point and clamp, for the vector kernels. The fixed-point tables split TFLite's signed shift into a left
/// shift and a right shift, and precompute RoundingDivideByPOT's mask (2^right − 1) and threshold (mask / 2).
/// </summary>
internal unsafe struct Q8RequantArgs
{
    public int* Multiplier;
    public int* LeftShift;
    public int* RightShift;
    public int* RemainderMask;
    public int* RemainderThreshold;
    public float* Scale;
    public int ZeroPoint;
    public int Min;
    public int Max;
    public float MinF;
    public float MaxF;
}
