namespace Depthwise.Kernels.Quantized;

/// <summary>
/// The vector width an 8-bit quantized elementwise kernel (add, lookup, quantize, dequantize, global average pool)
/// runs at. A kernel is created with <see cref="Q8Isas.Best"/> once, when the plan is compiled; tests run every
/// supported value against <see cref="Scalar"/>.
/// </summary>
public enum Q8Isa
{
    /// <summary>Plain scalar C#: the reference, and the fallback when hardware intrinsics are off.</summary>
    Scalar = 0,

    /// <summary><c>Vector128</c> (SSE4.1 on x64, AdvSimd on ARM64: the ARM64 path).</summary>
    V128 = 1,

    /// <summary><c>Vector256</c> (AVX2).</summary>
    V256 = 2,

    /// <summary><c>Vector512</c> (AVX-512 F/BW).</summary>
    V512 = 3,
}
