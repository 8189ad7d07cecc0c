namespace Depthwise.Kernels;

/// <summary>The activation a fast kernel (GEMM, depthwise convolution) applies to each output before storing it.</summary>
public enum FusedActivation
{
    /// <summary>No activation: the linear output (after bias and residual).</summary>
    None = 0,

    /// <summary><c>min(max(x, Min), Max)</c>: ReLU is (0, +∞), ReLU6 is (0, 6), a general Clip is any pair.</summary>
    Clamp = 1,

    /// <summary>HardSwish as ONNX defines it: <c>x · clamp(x/6 + 1/2, 0, 1)</c>.</summary>
    HardSwish = 2,
}
