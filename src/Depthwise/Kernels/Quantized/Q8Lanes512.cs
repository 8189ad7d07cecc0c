using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// <c>Vector512&lt;int&gt;</c> lanes with AVX-512F/BW: 16 int32 per vector. <c>vpmaddwd</c> for the int16 pair
/// products, <c>vpmuldq</c> on the even and odd lanes for the fixed-point high multiply, <c>vpsllvd</c>/<c>vpsravd</c>
/// for per-channel shifts, <c>vcvtps2dq</c> (round to nearest even, the default MXCSR mode .NET never changes) for the
/// float requantization and <c>vpmovdb</c> to store bytes.
/// </summary>
internal readonly unsafe struct Q8Lanes512 : IQ8Lanes<Vector512<int>>
{
    /// <summary>A 64-bit lane whose high (odd) dword is all ones.</summary>
    internal const long OddDwords = unchecked((long)0xFFFF_FFFF_0000_0000UL);

    public static int Count => 16;

    public static bool IsSupported => Avx512F.IsSupported && Avx512BW.IsSupported && Vector512.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Load(int* p) => Vector512.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(int* p, Vector512<int> v) => v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Splat(int x) => Vector512.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Add(Vector512<int> a, Vector512<int> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Subtract(Vector512<int> a, Vector512<int> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> MultiplyLow(Vector512<int> a, Vector512<int> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> And(Vector512<int> a, Vector512<int> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Min(Vector512<int> a, Vector512<int> b) => Vector512.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Max(Vector512<int> a, Vector512<int> b) => Vector512.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> GreaterThan(Vector512<int> a, Vector512<int> b) => Vector512.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> SignBit(Vector512<int> a) => Vector512.ShiftRightLogical(a, 31);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> ShiftLeftVariable(Vector512<int> a, Vector512<int> count) =>
        Avx512F.ShiftLeftLogicalVariable(a, count.AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> ShiftRightArithmeticVariable(Vector512<int> a, Vector512<int> count) =>
        Avx512F.ShiftRightArithmeticVariable(a, count.AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> SaturatingRoundingDoublingHighMul(Vector512<int> a, Vector512<int> b)
    {
        // round(a·b / 2^31) with ties up = (a·b + 2^30) >> 31 (floor): see FixedPoint. Even lanes: the exact 64-bit
        // products of the low dwords; odd lanes: of the high dwords. The result's bits 31..62 go to the low dword
        // (even lanes, logical shift right by 31) or the high dword (odd lanes, shift left by 1).
        Vector512<long> round = Vector512.Create(1L << 30);
        Vector512<long> even = Avx512F.Multiply(a, b) + round;
        Vector512<long> odd = Avx512F.Multiply(Vector512.ShiftRightLogical(a.AsInt64(), 32).AsInt32(),
            Vector512.ShiftRightLogical(b.AsInt64(), 32).AsInt32()) + round;
        Vector512<int> lo = Vector512.ShiftRightLogical(even, 31).AsInt32();
        Vector512<int> hi = Vector512.ShiftLeft(odd, 1).AsInt32();
        return Vector512.ConditionalSelect(Vector512.Create(OddDwords).AsInt32(), hi, lo);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> MultiplyAddAdjacent(Vector512<int> acc, Vector512<int> a, Vector512<int> b) =>
        acc + Avx512BW.MultiplyAddAdjacent(a.AsInt16(), b.AsInt16());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> RoundScaled(Vector512<int> acc, float* scale, float min, float max)
    {
        Vector512<float> f = Vector512.ConvertToSingle(acc) * Vector512.Load(scale);
        f = Vector512.MinNative(Vector512.MaxNative(f, Vector512.Create(min)), Vector512.Create(max));
        return Avx512F.ConvertToVector512Int32(f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> LoadU8(byte* p) => Avx512F.ConvertToVector512Int32(Vector128.Load(p));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> LoadS8(sbyte* p) => Avx512F.ConvertToVector512Int32(Vector128.Load(p));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytes(byte* p, Vector512<int> v) => Avx512F.ConvertToVector128Byte(v).Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytes2(byte* p, Vector512<int> a, Vector512<int> b) =>
        // Narrowed in registers and stored as one ymm: the memory-destination vpmovdb the JIT would otherwise emit
        // for each half is slow on Zen.
        Vector256.Create(Avx512F.ConvertToVector128Byte(a), Avx512F.ConvertToVector128Byte(b)).Store(p);
}
