namespace Depthwise.Kernels.Gemm;

/// <summary>The instruction set a GEMM variant is written for, widest last; the suffix of its name.</summary>
public enum GemmIsa
{
    /// <summary>Plain scalar C#: the reference tile and the fallback when hardware intrinsics are off.</summary>
    Scalar = 0,

    /// <summary>Portable <c>Vector128</c> (SSE on x64, AdvSimd on ARM64: the ARM64 path).</summary>
    V128 = 1,

    /// <summary><c>Vector256</c> with AVX2 + FMA3.</summary>
    V256 = 2,

    /// <summary><c>Vector512</c> with AVX-512F.</summary>
    V512 = 3,
}
