using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Kernels.Quantized;

/// <summary><c>Vector512</c> lanes (AVX-512 F/BW): 64 bytes per step, 16 int32 lanes per vector.</summary>
internal readonly unsafe struct Q8ElementwiseLanes512 : IQ8ElementwiseLanes<Vector512<int>, Vector512<float>>
{
    private static readonly Vector512<int> OddLanes = Vector512.Create(0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1);

    public static int ByteCount => 64;

    public static int Count => 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadWidened(byte* p, byte flip, out Vector512<int> x0, out Vector512<int> x1, out Vector512<int> x2, out Vector512<int> x3)
    {
        var (lo, hi) = Vector512.Widen(Vector512.Load(p) ^ Vector512.Create(flip));
        var (a, b) = Vector512.Widen(lo);
        var (c, d) = Vector512.Widen(hi);
        x0 = a.AsInt32(); x1 = b.AsInt32(); x2 = c.AsInt32(); x3 = d.AsInt32();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed(byte* p, byte flip, Vector512<int> x0, Vector512<int> x1, Vector512<int> x2, Vector512<int> x3)
    {
        var lo = Vector512.Narrow(x0.AsUInt32(), x1.AsUInt32());
        var hi = Vector512.Narrow(x2.AsUInt32(), x3.AsUInt32());
        (Vector512.Narrow(lo, hi) ^ Vector512.Create(flip)).Store(p);
    }

    public static Vector512<int> Splat(int x) => Vector512.Create(x);

    public static Vector512<int> Add(Vector512<int> a, Vector512<int> b) => a + b;

    public static Vector512<int> Subtract(Vector512<int> a, Vector512<int> b) => a - b;

    public static Vector512<int> Multiply(Vector512<int> a, Vector512<int> b) => a * b;

    public static Vector512<int> ShiftLeft(Vector512<int> x, int count) => Vector512.ShiftLeft(x, count);

    public static Vector512<int> ShiftRightArithmetic(Vector512<int> x, int count) => Vector512.ShiftRightArithmetic(x, count);

    public static Vector512<int> Min(Vector512<int> a, Vector512<int> b) => Vector512.Min(a, b);

    public static Vector512<int> Max(Vector512<int> a, Vector512<int> b) => Vector512.Max(a, b);

    public static int Sum(Vector512<int> x) => Vector512.Sum(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Srdhm(Vector512<int> x, Vector512<int> m)
    {
        var nudge = Vector512.Create(1L << 30);
        if (Avx512F.IsSupported)
        {
            // (x·m + 2^30) >> 31 equals gemmlowp's nudge-and-truncate for every pair but the saturating one
            // (x = m = int.MinValue), which a Q31 multiplier never is. VPMULDQ multiplies the even lanes.
            var even = Avx512F.Multiply(x, m) + nudge;
            var odd = Avx512F.Multiply(Vector512.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), m) + nudge;
            var lo = Vector512.ShiftRightLogical(even.AsUInt64(), 31).AsInt32();  // result in the low dword
            var hi = Vector512.ShiftLeft(odd, 1).AsInt32();                      // result in the high dword
            return Vector512.ConditionalSelect(OddLanes, hi, lo);
        }
        var (xl, xh) = Vector512.Widen(x);
        var (ml, mh) = Vector512.Widen(m);
        return Vector512.Narrow(Vector512.ShiftRightArithmetic(xl * ml + nudge, 31), Vector512.ShiftRightArithmetic(xh * mh + nudge, 31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> RoundingDivideByPot(Vector512<int> x, int exponent)
    {
        var mask = Vector512.Create(unchecked((1 << exponent) - 1));
        var remainder = x & mask;
        var threshold = Vector512.ShiftRightArithmetic(mask, 1) - Vector512.ShiftRightArithmetic(x, 31);
        return Vector512.ShiftRightArithmetic(x, exponent) - Vector512.GreaterThan(remainder, threshold);
    }

    public static Vector512<float> SplatF(float x) => Vector512.Create(x);

    public static Vector512<float> LoadF(float* p) => Vector512.Load(p);

    public static void StoreF(float* p, Vector512<float> x) => x.Store(p);

    public static Vector512<float> ToFloat(Vector512<int> x) => Vector512.ConvertToSingle(x);

    public static Vector512<float> AddF(Vector512<float> a, Vector512<float> b) => a + b;

    public static Vector512<float> MultiplyF(Vector512<float> a, Vector512<float> b) => a * b;

    public static Vector512<float> DivideF(Vector512<float> a, Vector512<float> b) => a / b;

    public static Vector512<float> FusedMultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    public static Vector512<float> ClampF(Vector512<float> x, Vector512<float> lo, Vector512<float> hi)
    {
        // MaxNative(NaN, lo) is lo on x86 (MAXPS returns the second operand); make it so everywhere.
        var clamped = Vector512.MinNative(Vector512.MaxNative(x, lo), hi);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), clamped, lo);
    }

    public static Vector512<int> RoundToEven(Vector512<float> x) => Vector512.ConvertToInt32(Vector512.Round(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> RoundAwayFromZero(Vector512<float> x)
    {
        var t = Vector512.Truncate(x);
        var up = Vector512.GreaterThanOrEqual(Vector512.Abs(x - t), Vector512.Create(0.5f));
        return Vector512.ConvertToInt32(t + (Vector512.CopySign(Vector512.Create(1f), x) & up));
    }
}
