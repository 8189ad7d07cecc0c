using System.Runtime.Intrinsics;

namespace Depthwise.Kernels.Elementwise;

/// <summary>
/// A unary operator that also computes whole vectors. Every vector overload must give, lane by lane, exactly what
/// <see cref="IUnaryOperator{TIn, TOut}.Invoke(TIn)"/> gives (or, for transcendental functions, agree within the
/// operator's documented tolerance). <see cref="UnaryDriver.RunVector{T, TOp}"/> picks the widest accelerated width.
/// </summary>
public interface IVectorUnaryOperator<T> : IUnaryOperator<T, T>
{
    /// <summary>Computes 128 bits of elements.</summary>
    Vector128<T> Invoke(Vector128<T> x);

    /// <summary>Computes 256 bits of elements.</summary>
    Vector256<T> Invoke(Vector256<T> x);

    /// <summary>Computes 512 bits of elements.</summary>
    Vector512<T> Invoke(Vector512<T> x);
}
