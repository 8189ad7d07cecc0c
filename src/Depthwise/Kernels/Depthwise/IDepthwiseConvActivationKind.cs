namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// The activation as a type, so each (variant, activation) pair is its own JIT specialization and the per-vector
/// activation code is chosen at compile time instead of by a branch in the inner loop.
/// </summary>
internal interface IDepthwiseConvActivationKind
{
    /// <summary>The activation this type stands for (a JIT-time constant).</summary>
    static abstract FusedActivation Kind { get; }
}

/// <summary><see cref="FusedActivation.None"/>.</summary>
internal readonly struct LinearActivationKind : IDepthwiseConvActivationKind
{
    public static FusedActivation Kind => FusedActivation.None;
}

/// <summary><see cref="FusedActivation.Clamp"/>.</summary>
internal readonly struct ClampActivationKind : IDepthwiseConvActivationKind
{
    public static FusedActivation Kind => FusedActivation.Clamp;
}

/// <summary><see cref="FusedActivation.HardSwish"/>.</summary>
internal readonly struct HardSwishActivationKind : IDepthwiseConvActivationKind
{
    public static FusedActivation Kind => FusedActivation.HardSwish;
}
