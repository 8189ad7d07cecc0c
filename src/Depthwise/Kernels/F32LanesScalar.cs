using System.Runtime.CompilerServices;

namespace Depthwise.Kernels;

/// <summary>
/// One-lane "vectors": the same kernels run one channel at a time in plain scalar code. Multiply and add round
/// separately and Min/Max are <see cref="MathF"/>'s, exactly as in <see cref="Depthwise.F32DepthwiseConvReference"/>
/// and <see cref="FusedEpilogue.Activate"/>.
/// </summary>
internal readonly unsafe struct F32LanesScalar : IF32Lanes<float>
{
    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(float* p) => *p;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, float v) => *p = v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Splat(float x) => x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadPartial(float* p, int n) => n > 0 ? *p : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePartial(float* p, float v, int n)
    {
        if (n > 0) *p = v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float a, float b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Min(float a, float b) => MathF.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float a, float b) => MathF.Max(a, b);
}
