using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// Turns rows of 8-bit activations into the int16 rows the quantized GEMM multiplies: <c>a − za</c> (in [−255, 255]),
/// zero-padded to an even length so that each int32 of the row is one (k, k+1) pair.
/// </summary>
internal static unsafe class Q8Widening
{
    /// <summary>
    /// dst[i] = src[i] − zeroPoint for i &lt; <paramref name="k"/> (src read as int8 when <paramref name="signed"/>),
    /// dst[i] = 0 for i in [k, <paramref name="padded"/>). Blocks of 32 (zmm or ymm), 16 and 8 values, then single values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row(byte* src, int k, bool signed, int zeroPoint, short* dst, int padded)
    {
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            if (signed) i = RowVectors<Int8Widen>(src, k, zeroPoint, dst);
            else i = RowVectors<UInt8Widen>(src, k, zeroPoint, dst);
        }
        if (signed) for (; i < k; i++) dst[i] = (short)((sbyte)src[i] - zeroPoint);
        else for (; i < k; i++) dst[i] = (short)(src[i] - zeroPoint);
        for (; i < padded; i++) dst[i] = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RowVectors<TWiden>(byte* src, int k, int zeroPoint, short* dst) where TWiden : IWiden
    {
        int i = 0;
        if (Avx512BW.IsSupported && Vector512.IsHardwareAccelerated)
        {
            Vector512<short> zp = Vector512.Create((short)zeroPoint);
            for (; i + 32 <= k; i += 32)
                (TWiden.Widen512(Vector256.Load(src + i)) - zp).Store(dst + i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<short> zp = Vector256.Create((short)zeroPoint);
            for (; i + 32 <= k; i += 32)
            {
                var (lo, hi) = TWiden.Widen(Vector256.Load(src + i));
                (lo - zp).Store(dst + i);
                (hi - zp).Store(dst + i + 16);
            }
        }
        Vector128<short> zp128 = Vector128.Create((short)zeroPoint);
        for (; i + 16 <= k; i += 16)
        {
            var (lo, hi) = TWiden.Widen(Vector128.Load(src + i));
            (lo - zp128).Store(dst + i);
            (hi - zp128).Store(dst + i + 8);
        }
        if (i + 8 <= k)
        {
            var (lo, _) = TWiden.Widen(Vector128.CreateScalar(*(ulong*)(src + i)).AsByte());
            (lo - zp128).Store(dst + i);
            i += 8;
        }
        return i;
    }

    private interface IWiden
    {
        static abstract Vector512<short> Widen512(Vector256<byte> v);

        static abstract (Vector256<short> Lower, Vector256<short> Upper) Widen(Vector256<byte> v);

        static abstract (Vector128<short> Lower, Vector128<short> Upper) Widen(Vector128<byte> v);
    }

    private readonly struct UInt8Widen : IWiden
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<short> Widen512(Vector256<byte> v) => Avx512BW.ConvertToVector512Int16(v);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector256<short> Lower, Vector256<short> Upper) Widen(Vector256<byte> v)
        {
            var (lo, hi) = Vector256.Widen(v);
            return (lo.AsInt16(), hi.AsInt16());
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector128<short> Lower, Vector128<short> Upper) Widen(Vector128<byte> v)
        {
            var (lo, hi) = Vector128.Widen(v);
            return (lo.AsInt16(), hi.AsInt16());
        }
    }

    private readonly struct Int8Widen : IWiden
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<short> Widen512(Vector256<byte> v) => Avx512BW.ConvertToVector512Int16(v.AsSByte());

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector256<short> Lower, Vector256<short> Upper) Widen(Vector256<byte> v) => Vector256.Widen(v.AsSByte());

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector128<short> Lower, Vector128<short> Upper) Widen(Vector128<byte> v) => Vector128.Widen(v.AsSByte());
    }
}
