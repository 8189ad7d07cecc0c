namespace Depthwise.Kernels.Elementwise;

/// <summary>
/// An elementwise function of two values of different element types (after broadcasting), e.g. Pow with a float base
/// and an integer exponent. Run by <see cref="NaryDriver"/>.
/// </summary>
public interface IMixedBinaryOperator<TA, TB, TOut>
{
    /// <summary>Computes one element.</summary>
    TOut Invoke(TA a, TB b);
}
