using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Vision.Codecs;

/// <summary>
/// The "islow" inverse DCT of libjpeg (jidctint, the default of djpeg): the Loeffler–Ligtenberg–Moschytz 8-point
/// factorization in 32-bit fixed point with 13 fraction bits (CONST_BITS), columns first with 2 extra bits of
/// precision kept between the passes (PASS1_BITS), each output rounded half up, then +128 and clamped to 0..255.
/// Coefficients are in natural (row-major) order and dequantized here. <see cref="Transform"/> runs the AVX2 version
/// (eight columns, then eight rows, per instruction; integer arithmetic, so bit-identical to <see cref="TransformScalar"/>).
/// </summary>
internal static class JpegIdct
{
    private const int ConstBits = 13;
    private const int Pass1Bits = 2;
    private const int Pass1Shift = ConstBits - Pass1Bits;
    private const int Pass2Shift = ConstBits + Pass1Bits + 3;

    /// <summary>Pass 2 rounding plus the +128 level shift (exact: it is a multiple of the divisor).</summary>
    private const int Pass2Bias = (1 << (Pass2Shift - 1)) + (128 << Pass2Shift);
    private const int Fix0_298631336 = 2446;
    private const int Fix0_390180644 = 3196;
    private const int Fix0_541196100 = 4433;
    private const int Fix0_765366865 = 6270;
    private const int Fix0_899976223 = 7373;
    private const int Fix1_175875602 = 9633;
    private const int Fix1_501321110 = 12299;
    private const int Fix1_847759065 = 15137;
    private const int Fix1_961570560 = 16069;
    private const int Fix2_053119869 = 16819;
    private const int Fix2_562915447 = 20995;
    private const int Fix3_072711026 = 25172;

    /// <summary>True when <see cref="Transform"/> uses the AVX2 path.</summary>
    public static bool IsVectorized => Avx2.IsSupported;

    /// <summary>
    /// Dequantizes <paramref name="coef"/> (64, natural order) with <paramref name="quant"/> (64, natural order),
    /// transforms, and writes the 8×8 samples at <paramref name="dst"/> with row pitch <paramref name="stride"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transform(ReadOnlySpan<short> coef, ReadOnlySpan<int> quant, Span<byte> dst, int stride)
    {
        if (Avx2.IsSupported) TransformAvx2(coef, quant, dst, stride);
        else TransformScalar(coef, quant, dst, stride);
    }

    /// <summary>
    /// A block whose only nonzero coefficient is DC: every sample is the same. The arithmetic is the full transform's
    /// for that case step by step (including 32-bit wraparound on absurd inputs), so the result is identical.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransformDcOnly(int dc, int q, Span<byte> dst, int stride)
    {
        if (dst.Length < 7 * stride + 8) throw new ArgumentException("destination too small", nameof(dst));
        int w = ((dc * q << ConstBits) + (1 << (ConstBits - Pass1Bits - 1))) >> (ConstBits - Pass1Bits);
        int v = ((w << ConstBits) + Pass2Bias) >> Pass2Shift;
        ulong fill = 0x0101010101010101UL * Clamp(v);
        ref byte d = ref MemoryMarshal.GetReference(dst);
        for (int r = 0; r < 8; r++)
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, r * stride), fill);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Clamp(int v) => (byte)(v < 0 ? 0 : v > 255 ? 255 : v);

    /// <summary>The scalar reference (also the path without AVX2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransformScalar(ReadOnlySpan<short> coef, ReadOnlySpan<int> quant, Span<byte> dst, int stride)
    {
        if (coef.Length < 64 || quant.Length < 64 || dst.Length < 7 * stride + 8)
            throw new ArgumentException("IDCT block, table or destination too small");
        Span<int> ws = stackalloc int[64];

        // Pass 1: columns, results scaled up by 2^PASS1_BITS.
        for (int c = 0; c < 8; c++)
        {
            Idct1D(
                coef[c] * quant[c], coef[8 + c] * quant[8 + c], coef[16 + c] * quant[16 + c], coef[24 + c] * quant[24 + c],
                coef[32 + c] * quant[32 + c], coef[40 + c] * quant[40 + c], coef[48 + c] * quant[48 + c], coef[56 + c] * quant[56 + c],
                Pass1Shift, 1 << (Pass1Shift - 1), ws.Slice(c), 8);
        }

        // Pass 2: rows, removing PASS1_BITS and the factor 8 of the 2-D transform.
        Span<int> row = stackalloc int[8];
        for (int r = 0; r < 8; r++)
        {
            var w = ws.Slice(r * 8, 8);
            Idct1D(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], Pass2Shift, Pass2Bias, row, 1);
            var o = dst.Slice(r * stride, 8);
            for (int c = 0; c < 8; c++) o[c] = Clamp(row[c]);
        }
    }

    /// <summary>One 8-point transform of (x0..x7); writes (result + bias) &gt;&gt; shift to out[0], out[step], ...</summary>
    private static void Idct1D(int x0, int x1, int x2, int x3, int x4, int x5, int x6, int x7, int shift, int bias, Span<int> output, int step)
    {
        // Even part.
        int z1 = (x2 + x6) * Fix0_541196100;
        int tmp2 = z1 - x6 * Fix1_847759065;
        int tmp3 = z1 + x2 * Fix0_765366865;
        int tmp0 = (x0 + x4) << ConstBits;
        int tmp1 = (x0 - x4) << ConstBits;
        int tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;

        // Odd part.
        int t0 = x7, t1 = x5, t2 = x3, t3 = x1;
        z1 = t0 + t3;
        int z2 = t1 + t2, z3 = t0 + t2, z4 = t1 + t3;
        int z5 = (z3 + z4) * Fix1_175875602;
        t0 *= Fix0_298631336;
        t1 *= Fix2_053119869;
        t2 *= Fix3_072711026;
        t3 *= Fix1_501321110;
        z1 *= -Fix0_899976223;
        z2 *= -Fix2_562915447;
        z3 = z3 * -Fix1_961570560 + z5;
        z4 = z4 * -Fix0_390180644 + z5;
        t0 += z1 + z3;
        t1 += z2 + z4;
        t2 += z2 + z3;
        t3 += z1 + z4;

        int round = bias;
        output[0] = (tmp10 + t3 + round) >> shift;
        output[7 * step] = (tmp10 - t3 + round) >> shift;
        output[1 * step] = (tmp11 + t2 + round) >> shift;
        output[6 * step] = (tmp11 - t2 + round) >> shift;
        output[2 * step] = (tmp12 + t1 + round) >> shift;
        output[5 * step] = (tmp12 - t1 + round) >> shift;
        output[3 * step] = (tmp13 + t0 + round) >> shift;
        output[4 * step] = (tmp13 - t0 + round) >> shift;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformAvx2(ReadOnlySpan<short> coef, ReadOnlySpan<int> quant, Span<byte> dst, int stride)
    {
        if (coef.Length < 64 || quant.Length < 64 || dst.Length < 7 * stride + 8)
            throw new ArgumentException("IDCT block, table or destination too small");
        ref short c = ref MemoryMarshal.GetReference(coef);
        ref int q = ref MemoryMarshal.GetReference(quant);

        // Rows of the block as vectors: lane j = column j, so pass 1 transforms all eight columns at once.
        var r0 = Load(ref c, ref q, 0);
        var r1 = Load(ref c, ref q, 8);
        var r2 = Load(ref c, ref q, 16);
        var r3 = Load(ref c, ref q, 24);
        var r4 = Load(ref c, ref q, 32);
        var r5 = Load(ref c, ref q, 40);
        var r6 = Load(ref c, ref q, 48);
        var r7 = Load(ref c, ref q, 56);
        Idct1DVector(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, Pass1Shift, 1 << (Pass1Shift - 1));

        // Lane r = row r, vector j = column j: pass 2 transforms all eight rows at once.
        Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        Idct1DVector(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, Pass2Shift, Pass2Bias);
        Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);

        ref byte d = ref MemoryMarshal.GetReference(dst);
        StoreRows(Avx2.PackSignedSaturate(r0, r1), Avx2.PackSignedSaturate(r2, r3), ref d, 0, stride);
        StoreRows(Avx2.PackSignedSaturate(r4, r5), Avx2.PackSignedSaturate(r6, r7), ref d, 4, stride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Load(ref short c, ref int q, int offset)
    {
        var s = Vector128.LoadUnsafe(ref c, (nuint)offset);
        return Avx2.MultiplyLow(Avx2.ConvertToVector256Int32(s), Vector256.LoadUnsafe(ref q, (nuint)offset));
    }

    /// <summary>Rows a,b (shorts, lanes interleaved as packs leave them) and c,d → four byte rows at row index <paramref name="row0"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRows(Vector256<short> ab, Vector256<short> cd, ref byte d, int row0, int stride)
    {
        // ab = [a0..3 b0..3 | a4..7 b4..7]; after packing with cd the bytes are [a0..3 b0..3 c0..3 d0..3 | a4..7 b4..7 c4..7 d4..7].
        var bytes = Avx2.PackUnsignedSaturate(ab, cd).AsUInt32();
        // Gather each row's two 4-byte halves: [a0..3 a4..7 b0..3 b4..7 | c.. d..].
        var rows = Avx2.PermuteVar8x32(bytes, Vector256.Create(0u, 4, 1, 5, 2, 6, 3, 7)).AsUInt64();
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, row0 * stride), rows.GetElement(0));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, (row0 + 1) * stride), rows.GetElement(1));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, (row0 + 2) * stride), rows.GetElement(2));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, (row0 + 3) * stride), rows.GetElement(3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Idct1DVector(
        ref Vector256<int> x0, ref Vector256<int> x1, ref Vector256<int> x2, ref Vector256<int> x3,
        ref Vector256<int> x4, ref Vector256<int> x5, ref Vector256<int> x6, ref Vector256<int> x7, int shift, int bias)
    {
        var z1 = (x2 + x6) * Fix0_541196100;
        var tmp2 = z1 - x6 * Fix1_847759065;
        var tmp3 = z1 + x2 * Fix0_765366865;
        var tmp0 = (x0 + x4) << ConstBits;
        var tmp1 = (x0 - x4) << ConstBits;
        var tmp10 = tmp0 + tmp3;
        var tmp13 = tmp0 - tmp3;
        var tmp11 = tmp1 + tmp2;
        var tmp12 = tmp1 - tmp2;

        var t0 = x7;
        var t1 = x5;
        var t2 = x3;
        var t3 = x1;
        z1 = t0 + t3;
        var z2 = t1 + t2;
        var z3 = t0 + t2;
        var z4 = t1 + t3;
        var z5 = (z3 + z4) * Fix1_175875602;
        t0 *= Fix0_298631336;
        t1 *= Fix2_053119869;
        t2 *= Fix3_072711026;
        t3 *= Fix1_501321110;
        z1 *= -Fix0_899976223;
        z2 *= -Fix2_562915447;
        z3 = z3 * -Fix1_961570560 + z5;
        z4 = z4 * -Fix0_390180644 + z5;
        t0 += z1 + z3;
        t1 += z2 + z4;
        t2 += z2 + z3;
        t3 += z1 + z4;

        var round = Vector256.Create(bias);
        tmp10 += round;
        tmp11 += round;
        tmp12 += round;
        tmp13 += round;
        x0 = Vector256.ShiftRightArithmetic(tmp10 + t3, shift);
        x7 = Vector256.ShiftRightArithmetic(tmp10 - t3, shift);
        x1 = Vector256.ShiftRightArithmetic(tmp11 + t2, shift);
        x6 = Vector256.ShiftRightArithmetic(tmp11 - t2, shift);
        x2 = Vector256.ShiftRightArithmetic(tmp12 + t1, shift);
        x5 = Vector256.ShiftRightArithmetic(tmp12 - t1, shift);
        x3 = Vector256.ShiftRightArithmetic(tmp13 + t0, shift);
        x4 = Vector256.ShiftRightArithmetic(tmp13 - t0, shift);
    }

    /// <summary>Transposes the 8×8 matrix whose rows are r0..r7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(
        ref Vector256<int> r0, ref Vector256<int> r1, ref Vector256<int> r2, ref Vector256<int> r3,
        ref Vector256<int> r4, ref Vector256<int> r5, ref Vector256<int> r6, ref Vector256<int> r7)
    {
        var t0 = Avx2.UnpackLow(r0, r1).AsInt64();
        var t1 = Avx2.UnpackHigh(r0, r1).AsInt64();
        var t2 = Avx2.UnpackLow(r2, r3).AsInt64();
        var t3 = Avx2.UnpackHigh(r2, r3).AsInt64();
        var t4 = Avx2.UnpackLow(r4, r5).AsInt64();
        var t5 = Avx2.UnpackHigh(r4, r5).AsInt64();
        var t6 = Avx2.UnpackLow(r6, r7).AsInt64();
        var t7 = Avx2.UnpackHigh(r6, r7).AsInt64();
        var u0 = Avx2.UnpackLow(t0, t2).AsInt32();
        var u1 = Avx2.UnpackHigh(t0, t2).AsInt32();
        var u2 = Avx2.UnpackLow(t1, t3).AsInt32();
        var u3 = Avx2.UnpackHigh(t1, t3).AsInt32();
        var u4 = Avx2.UnpackLow(t4, t6).AsInt32();
        var u5 = Avx2.UnpackHigh(t4, t6).AsInt32();
        var u6 = Avx2.UnpackLow(t5, t7).AsInt32();
        var u7 = Avx2.UnpackHigh(t5, t7).AsInt32();
        r0 = Avx2.Permute2x128(u0, u4, 0x20);
        r4 = Avx2.Permute2x128(u0, u4, 0x31);
        r1 = Avx2.Permute2x128(u1, u5, 0x20);
        r5 = Avx2.Permute2x128(u1, u5, 0x31);
        r2 = Avx2.Permute2x128(u2, u6, 0x20);
        r6 = Avx2.Permute2x128(u2, u6, 0x31);
        r3 = Avx2.Permute2x128(u3, u7, 0x20);
        r7 = Avx2.Permute2x128(u3, u7, 0x31);
    }
}
