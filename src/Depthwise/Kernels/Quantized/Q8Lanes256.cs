using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// <c>Vector256&lt;int&gt;</c> lanes with AVX2: 8 int32 per vector. The same instruction choices as
/// <see cref="Q8Lanes512"/> at half width (<c>vpmaddwd</c>, <c>vpmuldq</c> on even and odd lanes, <c>vpsllvd</c>/<c>vpsravd</c>,
/// <c>vcvtps2dq</c>); bytes are stored through two truncating narrows.
/// </summary>
internal readonly unsafe struct Q8Lanes256 : IQ8Lanes<Vector256<int>>
{
    public static int Count => 8;

    public static bool IsSupported => Avx2.IsSupported && Vector256.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Load(int* p) => Vector256.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(int* p, Vector256<int> v) => v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Splat(int x) => Vector256.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Add(Vector256<int> a, Vector256<int> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Subtract(Vector256<int> a, Vector256<int> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyLow(Vector256<int> a, Vector256<int> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> And(Vector256<int> a, Vector256<int> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Min(Vector256<int> a, Vector256<int> b) => Vector256.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Max(Vector256<int> a, Vector256<int> b) => Vector256.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> GreaterThan(Vector256<int> a, Vector256<int> b) => Vector256.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> SignBit(Vector256<int> a) => Vector256.ShiftRightLogical(a, 31);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> ShiftLeftVariable(Vector256<int> a, Vector256<int> count) =>
        Avx2.ShiftLeftLogicalVariable(a, count.AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> ShiftRightArithmeticVariable(Vector256<int> a, Vector256<int> count) =>
        Avx2.ShiftRightArithmeticVariable(a, count.AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> SaturatingRoundingDoublingHighMul(Vector256<int> a, Vector256<int> b)
    {
        // See Q8Lanes512: (a·b + 2^30) >> 31 from the exact products of the even and the odd dwords.
        Vector256<long> round = Vector256.Create(1L << 30);
        Vector256<long> even = Avx2.Multiply(a, b) + round;
        Vector256<long> odd = Avx2.Multiply(Vector256.ShiftRightLogical(a.AsInt64(), 32).AsInt32(),
            Vector256.ShiftRightLogical(b.AsInt64(), 32).AsInt32()) + round;
        Vector256<int> lo = Vector256.ShiftRightLogical(even, 31).AsInt32();
        Vector256<int> hi = Vector256.ShiftLeft(odd, 1).AsInt32();
        return Avx2.Blend(lo, hi, 0b1010_1010);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyAddAdjacent(Vector256<int> acc, Vector256<int> a, Vector256<int> b) =>
        acc + Avx2.MultiplyAddAdjacent(a.AsInt16(), b.AsInt16());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> RoundScaled(Vector256<int> acc, float* scale, float min, float max)
    {
        Vector256<float> f = Vector256.ConvertToSingle(acc) * Vector256.Load(scale);
        f = Vector256.MinNative(Vector256.MaxNative(f, Vector256.Create(min)), Vector256.Create(max));
        return Avx.ConvertToVector256Int32(f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> LoadU8(byte* p) => Avx2.ConvertToVector256Int32(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> LoadS8(sbyte* p) => Avx2.ConvertToVector256Int32(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytes(byte* p, Vector256<int> v)
    {
        Vector256<short> s = Vector256.Narrow(v, v);
        *(long*)p = Vector256.Narrow(s, s).AsInt64().ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytes2(byte* p, Vector256<int> a, Vector256<int> b)
    {
        Vector256<short> s = Vector256.Narrow(a, b);
        Vector256.Narrow(s, s).GetLower().AsByte().Store(p);
    }
}
