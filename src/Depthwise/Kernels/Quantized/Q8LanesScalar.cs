using System.Runtime.CompilerServices;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// One-lane "vectors": the same kernels in plain scalar code (the fallback with hardware intrinsics off), each
/// operation the scalar definition itself (<see cref="FixedPoint"/>, <see cref="MathF.Round(float, MidpointRounding)"/>).
/// </summary>
internal readonly unsafe struct Q8LanesScalar : IQ8Lanes<int>
{
    public static int Count => 1;

    public static bool IsSupported => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Load(int* p) => *p;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(int* p, int v) => *p = v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Splat(int x) => x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Add(int a, int b) => unchecked(a + b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Subtract(int a, int b) => unchecked(a - b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyLow(int a, int b) => unchecked(a * b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int And(int a, int b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Min(int a, int b) => Math.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Max(int a, int b) => Math.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GreaterThan(int a, int b) => a > b ? -1 : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SignBit(int a) => (int)((uint)a >> 31);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ShiftLeftVariable(int a, int count) => a << count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ShiftRightArithmeticVariable(int a, int count) => a >> count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SaturatingRoundingDoublingHighMul(int a, int b) => FixedPoint.SaturatingRoundingDoublingHighMul(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyAddAdjacent(int acc, int a, int b) =>
        unchecked(acc + (short)a * (short)b + (a >> 16) * (b >> 16));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RoundScaled(int acc, float* scale, float min, float max) =>
        (int)MathF.Round(Math.Clamp(acc * *scale, min, max), MidpointRounding.ToEven);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LoadU8(byte* p) => *p;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LoadS8(sbyte* p) => *p;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytes(byte* p, int v) => *p = (byte)v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytes2(byte* p, int a, int b)
    {
        p[0] = (byte)a;
        p[1] = (byte)b;
    }
}
