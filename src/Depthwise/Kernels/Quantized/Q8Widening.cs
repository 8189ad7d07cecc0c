using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// Turns rows of 8-bit activations into the int16 rows the quantized GEMM multiplies: <c>a − za</c> (in [−255, 255]),
/// zero-padded to an even length so that each int32 of the row is one (k, k+1) pair.
/// </summary>
internal static unsafe class Q8Widening
{
    /// <summary>
    /// dst[i] = src[i] − zeroPoint for i &lt; <paramref name="k"/> (src read as int8 when <paramref name="signed"/>),
    /// dst[i] = 0 for i in [k, <paramref name="padded"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row(byte* src, int k, bool signed, int zeroPoint, short* dst, int padded)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<short> zp = Vector256.Create((short)zeroPoint);
            if (signed)
            {
                for (; i + 32 <= k; i += 32)
                {
                    var (lo, hi) = Vector256.Widen(Vector256.Load((sbyte*)src + i));
                    (lo - zp).Store(dst + i);
                    (hi - zp).Store(dst + i + 16);
                }
            }
            else
            {
                for (; i + 32 <= k; i += 32)
                {
                    var (lo, hi) = Vector256.Widen(Vector256.Load(src + i));
                    (lo.AsInt16() - zp).Store(dst + i);
                    (hi.AsInt16() - zp).Store(dst + i + 16);
                }
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<short> zp = Vector128.Create((short)zeroPoint);
            if (signed)
            {
                for (; i + 16 <= k; i += 16)
                {
                    var (lo, hi) = Vector128.Widen(Vector128.Load((sbyte*)src + i));
                    (lo - zp).Store(dst + i);
                    (hi - zp).Store(dst + i + 8);
                }
            }
            else
            {
                for (; i + 16 <= k; i += 16)
                {
                    var (lo, hi) = Vector128.Widen(Vector128.Load(src + i));
                    (lo.AsInt16() - zp).Store(dst + i);
                    (hi.AsInt16() - zp).Store(dst + i + 8);
                }
            }
        }
        if (signed) for (; i < k; i++) dst[i] = (short)((sbyte)src[i] - zeroPoint);
        else for (; i < k; i++) dst[i] = (short)(src[i] - zeroPoint);
        for (; i < padded; i++) dst[i] = 0;
    }
}
