namespace Depthwise.Kernels.Depthwise;

/// <summary>The instruction set a depthwise-convolution variant is written for, widest last; the suffix of its name.</summary>
public enum DepthwiseConvIsa
{
    /// <summary>Plain scalar C#, one channel at a time: the fallback when hardware intrinsics are off.</summary>
    Scalar = 0,

    /// <summary>Portable <c>Vector128</c>, 4 channels (SSE on x64, AdvSimd on ARM64: the ARM64 path).</summary>
    V128 = 1,

    /// <summary><c>Vector256</c> with AVX2 + FMA3, 8 channels.</summary>
    V256 = 2,

    /// <summary><c>Vector512</c> with AVX-512F, 16 channels.</summary>
    V512 = 3,
}
