using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// <c>Vector128&lt;int&gt;</c> lanes: 4 int32 per vector. On x64 the SSE2/SSE4.1 instructions (<c>pmaddwd</c>,
/// <c>pmuldq</c>, <c>pmovzxbd</c>, <c>cvtps2dq</c>) and, when AVX2 is on, its 128-bit variable shifts; elsewhere
/// (ARM64) portable <c>Vector128</c> code with the same results (<see cref="MultiplyAddAdjacentPortable"/>,
/// <see cref="SaturatingRoundingDoublingHighMulPortable"/>, lane-by-lane variable shifts), which tests run directly.
/// </summary>
internal readonly unsafe struct Q8Lanes128 : IQ8Lanes<Vector128<int>>
{
    public static int Count => 4;

    public static bool IsSupported => Vector128.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Load(int* p) => Vector128.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(int* p, Vector128<int> v) => v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Splat(int x) => Vector128.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Add(Vector128<int> a, Vector128<int> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Subtract(Vector128<int> a, Vector128<int> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyLow(Vector128<int> a, Vector128<int> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> And(Vector128<int> a, Vector128<int> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Min(Vector128<int> a, Vector128<int> b) => Vector128.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Max(Vector128<int> a, Vector128<int> b) => Vector128.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> GreaterThan(Vector128<int> a, Vector128<int> b) => Vector128.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> SignBit(Vector128<int> a) => Vector128.ShiftRightLogical(a, 31);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> ShiftLeftVariable(Vector128<int> a, Vector128<int> count)
    {
        if (Avx2.IsSupported) return Avx2.ShiftLeftLogicalVariable(a, count.AsUInt32());
        return Vector128.Create(a.GetElement(0) << count.GetElement(0), a.GetElement(1) << count.GetElement(1),
            a.GetElement(2) << count.GetElement(2), a.GetElement(3) << count.GetElement(3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> ShiftRightArithmeticVariable(Vector128<int> a, Vector128<int> count)
    {
        if (Avx2.IsSupported) return Avx2.ShiftRightArithmeticVariable(a, count.AsUInt32());
        return Vector128.Create(a.GetElement(0) >> count.GetElement(0), a.GetElement(1) >> count.GetElement(1),
            a.GetElement(2) >> count.GetElement(2), a.GetElement(3) >> count.GetElement(3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> SaturatingRoundingDoublingHighMul(Vector128<int> a, Vector128<int> b)
    {
        if (!Sse41.IsSupported) return SaturatingRoundingDoublingHighMulPortable(a, b);
        // See Q8Lanes512: (a·b + 2^30) >> 31 from the exact products of the even and the odd dwords.
        Vector128<long> round = Vector128.Create(1L << 30);
        Vector128<long> even = Sse41.Multiply(a, b) + round;
        Vector128<long> odd = Sse41.Multiply(Vector128.ShiftRightLogical(a.AsInt64(), 32).AsInt32(),
            Vector128.ShiftRightLogical(b.AsInt64(), 32).AsInt32()) + round;
        Vector128<int> lo = Vector128.ShiftRightLogical(even, 31).AsInt32();
        Vector128<int> hi = Vector128.ShiftLeft(odd, 1).AsInt32();
        return Vector128.ConditionalSelect(Vector128.Create(Q8Lanes512.OddDwords).AsInt32(), hi, lo);
    }

    /// <summary>The portable form: widen to int64, (a·b + 2^30) &gt;&gt; 31, narrow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<int> SaturatingRoundingDoublingHighMulPortable(Vector128<int> a, Vector128<int> b)
    {
        var (a0, a1) = Vector128.Widen(a);
        var (b0, b1) = Vector128.Widen(b);
        Vector128<long> round = Vector128.Create(1L << 30);
        return Vector128.Narrow(Vector128.ShiftRightArithmetic(a0 * b0 + round, 31), Vector128.ShiftRightArithmetic(a1 * b1 + round, 31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyAddAdjacent(Vector128<int> acc, Vector128<int> a, Vector128<int> b) =>
        Sse2.IsSupported ? acc + Sse2.MultiplyAddAdjacent(a.AsInt16(), b.AsInt16()) : MultiplyAddAdjacentPortable(acc, a, b);

    /// <summary>The portable form: sign-extend both int16 halves of each lane and multiply in int32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<int> MultiplyAddAdjacentPortable(Vector128<int> acc, Vector128<int> a, Vector128<int> b)
    {
        Vector128<int> aLo = Vector128.ShiftRightArithmetic(Vector128.ShiftLeft(a, 16), 16);
        Vector128<int> bLo = Vector128.ShiftRightArithmetic(Vector128.ShiftLeft(b, 16), 16);
        return acc + aLo * bLo + Vector128.ShiftRightArithmetic(a, 16) * Vector128.ShiftRightArithmetic(b, 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> RoundScaled(Vector128<int> acc, float* scale, float min, float max)
    {
        Vector128<float> f = Vector128.ConvertToSingle(acc) * Vector128.Load(scale);
        f = Vector128.MinNative(Vector128.MaxNative(f, Vector128.Create(min)), Vector128.Create(max));
        return Sse2.IsSupported ? Sse2.ConvertToVector128Int32(f) : Vector128.ConvertToInt32(Vector128.Round(f));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> LoadU8(byte* p)
    {
        if (Sse41.IsSupported) return Sse41.ConvertToVector128Int32(p);
        return Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalar(*(uint*)p).AsByte())).AsInt32();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> LoadS8(sbyte* p)
    {
        if (Sse41.IsSupported) return Sse41.ConvertToVector128Int32(p);
        return Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalar(*(uint*)p).AsSByte()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytes(byte* p, Vector128<int> v)
    {
        Vector128<short> s = Vector128.Narrow(v, v);
        *(int*)p = Vector128.Narrow(s, s).AsInt32().ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytes2(byte* p, Vector128<int> a, Vector128<int> b)
    {
        Vector128<short> s = Vector128.Narrow(a, b);
        *(long*)p = Vector128.Narrow(s, s).AsInt64().ToScalar();
    }
}
