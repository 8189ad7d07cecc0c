using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Kernels.Quantized;

/// <summary><c>Vector256</c> lanes (AVX2): 32 bytes per step, 8 int32 lanes per vector.</summary>
internal readonly unsafe struct Q8ElementwiseLanes256 : IQ8ElementwiseLanes<Vector256<int>, Vector256<float>>
{
    private static readonly Vector256<int> OddLanes = Vector256.Create(0, -1, 0, -1, 0, -1, 0, -1);

    public static int ByteCount => 32;

    public static int Count => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadWidened(byte* p, byte flip, out Vector256<int> x0, out Vector256<int> x1, out Vector256<int> x2, out Vector256<int> x3)
    {
        var (lo, hi) = Vector256.Widen(Vector256.Load(p) ^ Vector256.Create(flip));
        var (a, b) = Vector256.Widen(lo);
        var (c, d) = Vector256.Widen(hi);
        x0 = a.AsInt32(); x1 = b.AsInt32(); x2 = c.AsInt32(); x3 = d.AsInt32();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed(byte* p, byte flip, Vector256<int> x0, Vector256<int> x1, Vector256<int> x2, Vector256<int> x3)
    {
        var lo = Vector256.Narrow(x0.AsUInt32(), x1.AsUInt32());
        var hi = Vector256.Narrow(x2.AsUInt32(), x3.AsUInt32());
        (Vector256.Narrow(lo, hi) ^ Vector256.Create(flip)).Store(p);
    }

    public static Vector256<int> Splat(int x) => Vector256.Create(x);

    public static Vector256<int> Add(Vector256<int> a, Vector256<int> b) => a + b;

    public static Vector256<int> Subtract(Vector256<int> a, Vector256<int> b) => a - b;

    public static Vector256<int> Multiply(Vector256<int> a, Vector256<int> b) => a * b;

    public static Vector256<int> ShiftLeft(Vector256<int> x, int count) => Vector256.ShiftLeft(x, count);

    public static Vector256<int> ShiftRightArithmetic(Vector256<int> x, int count) => Vector256.ShiftRightArithmetic(x, count);

    public static Vector256<int> Min(Vector256<int> a, Vector256<int> b) => Vector256.Min(a, b);

    public static Vector256<int> Max(Vector256<int> a, Vector256<int> b) => Vector256.Max(a, b);

    public static int Sum(Vector256<int> x) => Vector256.Sum(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Srdhm(Vector256<int> x, Vector256<int> m)
    {
        var nudge = Vector256.Create(1L << 30);
        if (Avx2.IsSupported)
        {
            // (x·m + 2^30) >> 31 equals gemmlowp's nudge-and-truncate for every pair but the saturating one
            // (x = m = int.MinValue), which a Q31 multiplier never is. VPMULDQ multiplies the even lanes.
            var even = Avx2.Multiply(x, m) + nudge;
            var odd = Avx2.Multiply(Vector256.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), m) + nudge;
            var lo = Vector256.ShiftRightLogical(even.AsUInt64(), 31).AsInt32();  // result in the low dword
            var hi = Vector256.ShiftLeft(odd, 1).AsInt32();                      // result in the high dword
            return Vector256.ConditionalSelect(OddLanes, hi, lo);
        }
        var (xl, xh) = Vector256.Widen(x);
        var (ml, mh) = Vector256.Widen(m);
        return Vector256.Narrow(Vector256.ShiftRightArithmetic(xl * ml + nudge, 31), Vector256.ShiftRightArithmetic(xh * mh + nudge, 31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> RoundingDivideByPot(Vector256<int> x, int exponent)
    {
        var mask = Vector256.Create(unchecked((1 << exponent) - 1));
        var remainder = x & mask;
        var threshold = Vector256.ShiftRightArithmetic(mask, 1) - Vector256.ShiftRightArithmetic(x, 31);
        return Vector256.ShiftRightArithmetic(x, exponent) - Vector256.GreaterThan(remainder, threshold);
    }

    public static Vector256<float> SplatF(float x) => Vector256.Create(x);

    public static Vector256<float> LoadF(float* p) => Vector256.Load(p);

    public static void StoreF(float* p, Vector256<float> x) => x.Store(p);

    public static Vector256<float> ToFloat(Vector256<int> x) => Vector256.ConvertToSingle(x);

    public static Vector256<float> AddF(Vector256<float> a, Vector256<float> b) => a + b;

    public static Vector256<float> MultiplyF(Vector256<float> a, Vector256<float> b) => a * b;

    public static Vector256<float> DivideF(Vector256<float> a, Vector256<float> b) => a / b;

    public static Vector256<float> FusedMultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    public static Vector256<float> ClampF(Vector256<float> x, Vector256<float> lo, Vector256<float> hi)
    {
        // MaxNative(NaN, lo) is lo on x86 (MAXPS returns the second operand); make it so everywhere.
        var clamped = Vector256.MinNative(Vector256.MaxNative(x, lo), hi);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), clamped, lo);
    }

    public static Vector256<int> RoundToEven(Vector256<float> x) => Vector256.ConvertToInt32(Vector256.Round(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> RoundAwayFromZero(Vector256<float> x)
    {
        var t = Vector256.Truncate(x);
        var up = Vector256.GreaterThanOrEqual(Vector256.Abs(x - t), Vector256.Create(0.5f));
        return Vector256.ConvertToInt32(t + (Vector256.CopySign(Vector256.Create(1f), x) & up));
    }
}
