namespace Depthwise.Kernels.Elementwise;

/// <summary>
/// An elementwise function of one value. Implemented by small structs so the driver is specialized per operator
/// and the call inlines (no per-element virtual call). Attributes (e.g. alpha) are struct fields.
/// </summary>
public interface IUnaryOperator<TIn, TOut>
{
    /// <summary>Computes one element.</summary>
    TOut Invoke(TIn x);
}

/// <summary>An elementwise function of two values (after broadcasting).</summary>
public interface IBinaryOperator<TIn, TOut>
{
    /// <summary>Computes one element.</summary>
    TOut Invoke(TIn a, TIn b);
}
