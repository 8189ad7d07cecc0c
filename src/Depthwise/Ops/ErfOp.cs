using Depthwise.Kernels.Elementwise;

namespace Depthwise.Ops;

/// <summary>Erf: the Gauss error function, y = 2/√π ∫₀ˣ e^(−t²) dt (GELU uses it).</summary>
public sealed class ErfOp : FloatUnaryElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Erf";

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CreateFloat(ctx, new ErfOperator());
}

/// <summary>
/// erf(x) for float32, correctly rounded in all but rare half-way cases. .NET has no Math.Erf, so this sums, in double,
/// the everywhere-convergent series with positive terms erf(x) = 2/√π · e^(−x²) · Σₙ (2x²)ⁿ x / (1·3·5···(2n+1)),
/// which has no cancellation (relative error ~1e-15 before the final rounding to float). For |x| ≥ 4 the answer is ±1:
/// erfc(4) ≈ 1.5e-8 is below half an ulp of 1f, and the series would need ~90 terms there.
/// </summary>
public readonly struct ErfOperator : IUnaryOperator<float, float>
{
    private const double TwoOverSqrtPi = 1.1283791670955126;

    /// <inheritdoc />
    public float Invoke(float x)
    {
        double v = x;
        if (Math.Abs(v) >= 4) return MathF.CopySign(1f, x);
        double x2 = v * v, term = v, sum = v;
        for (int n = 1; Math.Abs(term) > Math.Abs(sum) * 1e-17; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
        }
        return (float)(sum * TwoOverSqrtPi * Math.Exp(-x2));
    }
}
