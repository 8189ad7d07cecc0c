using Depthwise.Kernels;

namespace Depthwise.Ops;

/// <summary>
/// Runs the part of a <see cref="ConvActivation"/> that a fast kernel's epilogue did not fuse (see
/// <see cref="ConvActivation.ToFused"/>) over a contiguous block of outputs, plus the residual when the kernel could not
/// add it: Sigmoid and SiLU on the vectorized <see cref="F32SigmoidEpilogue"/>, anything else on the reference
/// <see cref="ConvActivation.Apply"/>.
/// </summary>
internal static class ConvPostActivation
{
    /// <summary><c>y = activation(y + residual)</c> over the whole of <paramref name="y"/>.</summary>
    public static void Apply(ConvActivation activation, Span<float> y, ReadOnlySpan<float> residual)
    {
        switch (activation.Kind)
        {
            case ConvActivationKind.Sigmoid: F32SigmoidEpilogue.Apply(y, residual, silu: false); break;
            case ConvActivationKind.SiLU: F32SigmoidEpilogue.Apply(y, residual, silu: true); break;
            default: activation.Apply(y, 1, y.Length, residual); break;
        }
    }
}
