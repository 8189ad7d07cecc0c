using System.Runtime.Intrinsics;

namespace Depthwise.Kernels.Quantized;

/// <summary>Which <see cref="Q8Isa"/> values this CPU and runtime accelerate.</summary>
public static class Q8Isas
{
    /// <summary>True when <paramref name="isa"/> runs accelerated here (<see cref="Q8Isa.Scalar"/> always does).</summary>
    public static bool IsSupported(Q8Isa isa) => isa switch
    {
        Q8Isa.V512 => Vector512.IsHardwareAccelerated,
        Q8Isa.V256 => Vector256.IsHardwareAccelerated,
        Q8Isa.V128 => Vector128.IsHardwareAccelerated,
        _ => true,
    };

    /// <summary>The widest supported width.</summary>
    public static Q8Isa Best =>
        IsSupported(Q8Isa.V512) ? Q8Isa.V512 : IsSupported(Q8Isa.V256) ? Q8Isa.V256 : IsSupported(Q8Isa.V128) ? Q8Isa.V128 : Q8Isa.Scalar;

    /// <summary>Every supported width, widest first.</summary>
    public static IReadOnlyList<Q8Isa> Supported { get; } =
        new[] { Q8Isa.V512, Q8Isa.V256, Q8Isa.V128, Q8Isa.Scalar }.Where(IsSupported).ToArray();
}
