using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Kernels.Quantized;

/// <summary><c>Vector128</c> lanes (SSE4.1 on x64, AdvSimd on ARM64): 16 bytes per step, 4 int32 lanes per vector.</summary>
internal readonly unsafe struct Q8ElementwiseLanes128 : IQ8ElementwiseLanes<Vector128<int>, Vector128<float>>
{
    private static readonly Vector128<int> OddLanes = Vector128.Create(0, -1, 0, -1);

    public static int ByteCount => 16;

    public static int Count => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadWidened(byte* p, byte flip, out Vector128<int> x0, out Vector128<int> x1, out Vector128<int> x2, out Vector128<int> x3)
    {
        var (lo, hi) = Vector128.Widen(Vector128.Load(p) ^ Vector128.Create(flip));
        var (a, b) = Vector128.Widen(lo);
        var (c, d) = Vector128.Widen(hi);
        x0 = a.AsInt32(); x1 = b.AsInt32(); x2 = c.AsInt32(); x3 = d.AsInt32();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed(byte* p, byte flip, Vector128<int> x0, Vector128<int> x1, Vector128<int> x2, Vector128<int> x3)
    {
        var lo = Vector128.Narrow(x0.AsUInt32(), x1.AsUInt32());
        var hi = Vector128.Narrow(x2.AsUInt32(), x3.AsUInt32());
        (Vector128.Narrow(lo, hi) ^ Vector128.Create(flip)).Store(p);
    }

    public static Vector128<int> Splat(int x) => Vector128.Create(x);

    public static Vector128<int> Add(Vector128<int> a, Vector128<int> b) => a + b;

    public static Vector128<int> Subtract(Vector128<int> a, Vector128<int> b) => a - b;

    public static Vector128<int> Multiply(Vector128<int> a, Vector128<int> b) => a * b;

    public static Vector128<int> ShiftLeft(Vector128<int> x, int count) => Vector128.ShiftLeft(x, count);

    public static Vector128<int> ShiftRightArithmetic(Vector128<int> x, int count) => Vector128.ShiftRightArithmetic(x, count);

    public static Vector128<int> Min(Vector128<int> a, Vector128<int> b) => Vector128.Min(a, b);

    public static Vector128<int> Max(Vector128<int> a, Vector128<int> b) => Vector128.Max(a, b);

    public static int Sum(Vector128<int> x) => Vector128.Sum(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Srdhm(Vector128<int> x, Vector128<int> m)
    {
        var nudge = Vector128.Create(1L << 30);
        if (Sse41.IsSupported)
        {
            // (x·m + 2^30) >> 31 equals gemmlowp's nudge-and-truncate for every pair but the saturating one
            // (x = m = int.MinValue), which a Q31 multiplier never is. VPMULDQ multiplies the even lanes.
            var even = Sse41.Multiply(x, m) + nudge;
            var odd = Sse41.Multiply(Vector128.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), m) + nudge;
            var lo = Vector128.ShiftRightLogical(even.AsUInt64(), 31).AsInt32();  // result in the low dword
            var hi = Vector128.ShiftLeft(odd, 1).AsInt32();                      // result in the high dword
            return Vector128.ConditionalSelect(OddLanes, hi, lo);
        }
        if (AdvSimd.IsSupported)
        {
            // SQRDMULH: (2·x·m + 2^31) >> 32, the same rounding, saturating only the pair that cannot occur.
            return AdvSimd.MultiplyRoundedDoublingSaturateHigh(x, m);
        }
        var (xl, xh) = Vector128.Widen(x);
        var (ml, mh) = Vector128.Widen(m);
        return Vector128.Narrow(Vector128.ShiftRightArithmetic(xl * ml + nudge, 31), Vector128.ShiftRightArithmetic(xh * mh + nudge, 31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> RoundingDivideByPot(Vector128<int> x, int exponent)
    {
        var mask = Vector128.Create(unchecked((1 << exponent) - 1));
        var remainder = x & mask;
        var threshold = Vector128.ShiftRightArithmetic(mask, 1) - Vector128.ShiftRightArithmetic(x, 31);
        return Vector128.ShiftRightArithmetic(x, exponent) - Vector128.GreaterThan(remainder, threshold);
    }

    public static Vector128<float> SplatF(float x) => Vector128.Create(x);

    public static Vector128<float> LoadF(float* p) => Vector128.Load(p);

    public static void StoreF(float* p, Vector128<float> x) => x.Store(p);

    public static Vector128<float> ToFloat(Vector128<int> x) => Vector128.ConvertToSingle(x);

    public static Vector128<float> AddF(Vector128<float> a, Vector128<float> b) => a + b;

    public static Vector128<float> MultiplyF(Vector128<float> a, Vector128<float> b) => a * b;

    public static Vector128<float> DivideF(Vector128<float> a, Vector128<float> b) => a / b;

    public static Vector128<float> FusedMultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);

    public static Vector128<float> ClampF(Vector128<float> x, Vector128<float> lo, Vector128<float> hi)
    {
        // MaxNative(NaN, lo) is lo on x86 (MAXPS returns the second operand); make it so everywhere.
        var clamped = Vector128.MinNative(Vector128.MaxNative(x, lo), hi);
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), clamped, lo);
    }

    public static Vector128<int> RoundToEven(Vector128<float> x) => Vector128.ConvertToInt32(Vector128.Round(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> RoundAwayFromZero(Vector128<float> x)
    {
        var t = Vector128.Truncate(x);
        var up = Vector128.GreaterThanOrEqual(Vector128.Abs(x - t), Vector128.Create(0.5f));
        return Vector128.ConvertToInt32(t + (Vector128.CopySign(Vector128.Create(1f), x) & up));
    }
}
