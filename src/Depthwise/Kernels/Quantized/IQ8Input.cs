using System.Runtime.CompilerServices;

namespace Depthwise.Kernels.Quantized;

/// <summary>The storage type of 8-bit activations as a type parameter: how a vector of them is loaded and widened.</summary>
internal unsafe interface IQ8Input
{
    /// <summary>Loads Count values at <paramref name="p"/> widened to int32 lanes.</summary>
    static abstract TVec Load<TLanes, TVec>(byte* p) where TLanes : IQ8Lanes<TVec> where TVec : struct;
}

/// <summary>uint8 activations (zero-extended).</summary>
internal readonly unsafe struct Q8UInt8Input : IQ8Input
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load<TLanes, TVec>(byte* p) where TLanes : IQ8Lanes<TVec> where TVec : struct => TLanes.LoadU8(p);
}

/// <summary>int8 activations (sign-extended).</summary>
internal readonly unsafe struct Q8Int8Input : IQ8Input
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load<TLanes, TVec>(byte* p) where TLanes : IQ8Lanes<TVec> where TVec : struct => TLanes.LoadS8((sbyte*)p);
}
