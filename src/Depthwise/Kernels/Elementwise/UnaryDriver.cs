namespace Depthwise.Kernels.Elementwise;

/// <summary>Runs a unary operator struct over a span. The one place that loops for every unary elementwise op.</summary>
public static class UnaryDriver
{
    /// <summary>y[i] = op(x[i]). <paramref name="y"/> may be the same memory as <paramref name="x"/>.</summary>
    public static void Run<TIn, TOut, TOp>(in TOp op, ReadOnlySpan<TIn> x, Span<TOut> y)
        where TOp : struct, IUnaryOperator<TIn, TOut>
    {
        if (y.Length < x.Length) throw new ArgumentException("output is shorter than input", nameof(y));
        for (int i = 0; i < x.Length; i++) y[i] = op.Invoke(x[i]);
    }
}
