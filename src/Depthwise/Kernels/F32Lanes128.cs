using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Depthwise.Kernels;

/// <summary><c>Vector128&lt;float&gt;</c> lanes, portable 128-bit (SSE on x64, AdvSimd on ARM64): 4 channels per vector.</summary>
internal readonly unsafe struct F32Lanes128 : IF32Lanes<Vector128<float>>
{
    public static int Count => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(float* p) => Vector128.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* p, Vector128<float> v) => v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Splat(float x) => Vector128.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        Vector128.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    /// <summary>Scalar partial loads: portable (SSE has no masked load, ARM64 neither).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadPartial(float* p, int n) => n switch
    {
        <= 0 => Vector128<float>.Zero,
        1 => Vector128.CreateScalar(p[0]),
        2 => Vector128.Create(p[0], p[1], 0f, 0f),
        3 => Vector128.Create(p[0], p[1], p[2], 0f),
        _ => Vector128.Load(p),
    };

    /// <summary>Scalar partial stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePartial(float* p, Vector128<float> v, int n)
    {
        if (n >= 4)
        {
            v.Store(p);
            return;
        }
        for (int j = 0; j < n; j++) p[j] = v.GetElement(j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Min(Vector128<float> a, Vector128<float> b) => Vector128.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.MaxNative(a, b);
}
