using System.Runtime.Intrinsics;

namespace Depthwise.Kernels.Elementwise;

/// <summary>
/// A binary operator that also computes whole vectors, lane by lane equal to the scalar
/// <see cref="IBinaryOperator{TIn, TOut}.Invoke(TIn, TIn)"/>. Run by <see cref="BinaryDriver.RunVector{T, TOp}"/>.
/// </summary>
public interface IVectorBinaryOperator<T> : IBinaryOperator<T, T>
{
    /// <summary>Computes 128 bits of elements.</summary>
    Vector128<T> Invoke(Vector128<T> a, Vector128<T> b);

    /// <summary>Computes 256 bits of elements.</summary>
    Vector256<T> Invoke(Vector256<T> a, Vector256<T> b);

    /// <summary>Computes 512 bits of elements.</summary>
    Vector512<T> Invoke(Vector512<T> a, Vector512<T> b);
}
