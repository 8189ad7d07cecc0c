namespace Depthwise.Kernels.Elementwise;

/// <summary>An elementwise function of three values (after broadcasting), e.g. Where. Run by <see cref="NaryDriver"/>.</summary>
public interface ITernaryOperator<TA, TB, TC, TOut>
{
    /// <summary>Computes one element.</summary>
    TOut Invoke(TA a, TB b, TC c);
}
