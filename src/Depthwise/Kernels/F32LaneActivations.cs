namespace Depthwise.Kernels;

/// <summary>
/// The fused activations on one vector of any width, shared by the fp32 kernels that keep a tile in registers
/// (GEMM micro-kernel, depthwise rows). With <see cref="F32LanesScalar"/> they are exactly
/// <see cref="FusedEpilogue.Activate"/>.
/// </summary>
internal static class F32LaneActivations
{
    /// <summary><c>min(max(v, lo), hi)</c>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static TV Clamp<TL, TV>(TV v, TV lo, TV hi)
        where TL : struct, IF32Lanes<TV>
        where TV : struct => TL.Min(TL.Max(v, lo), hi);

    /// <summary><c>v · clamp(v·(1/6) + 1/2, 0, 1)</c>, the gate's multiply-add fused where the lanes fuse it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static TV HardSwish<TL, TV>(TV v)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
    {
        TV gate = TL.MultiplyAdd(v, TL.Splat(1f / 6f), TL.Splat(0.5f));
        return TL.Multiply(v, TL.Min(TL.Max(gate, TL.Splat(0f)), TL.Splat(1f)));
    }
}
