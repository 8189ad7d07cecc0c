using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// NHWC quantized depthwise convolution (depth multiplier 1), vectorized over channels, written once over the lane
/// width, the requantization and the input type. Work unit: one output row; within it, one channel block of one
/// vector at a time (the last block overlaps the previous one when C is not a multiple of the width, so no load or
/// store leaves the tensor; channels below one vector run the widest narrower lanes they fill, down to scalar), and
/// within the block the row's pixels.
/// Every pixel whose taps are read through pointers starts from the folded bias <c>bias − zx·Σw'</c> and accumulates
/// <c>x·w'</c> (widening load, <c>pmulld</c>, add per tap); a tap in the padding reads a row of zx bytes, whose
/// contribution the folded bias cancels exactly. A 3×3 kernel does a whole row per channel block this way, its nine
/// weight vectors in registers (<see cref="Row3x3"/>); other kernels use row pointers for the interior columns and a
/// bounds-checked path (bias + Σ (x − zx)·w' over the taps inside) for the border columns. Integer sums do not
/// depend on their order, so every path, split and width gives the same bytes. With <see cref="Q8Int32Accumulators"/>
/// the output is the int32 accumulators (4 bytes per element) instead of requantized bytes.
/// </summary>
internal static unsafe class Q8DepthwiseConvDriver
{
    /// <summary>Kernel heights up to this take the row-pointer interior path; taller ones only the bounds-checked one.</summary>
    private const int MaxRowPointers = 16;

    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    public static void Run<TLanes, TVec, TKind, TInput>(in Q8DepthwiseConvArgs g)
        where TLanes : IQ8Lanes<TVec> where TVec : struct where TKind : IQ8RequantKind where TInput : IQ8Input
    {
        var s = g.Shape;
        int lanes = TLanes.Count, channels = s.Channels;
        if (channels < lanes)
        {
            // Fewer channels than one vector: the widest narrower width that fits (same bytes at every width).
            if (lanes > 8 && channels >= 8 && Q8Lanes256.IsSupported) Run<Q8Lanes256, Vector256<int>, TKind, TInput>(g);
            else if (lanes > 4 && channels >= 4 && Q8Lanes128.IsSupported) Run<Q8Lanes128, Vector128<int>, TKind, TInput>(g);
            else Run<Q8LanesScalar, int, TKind, TInput>(g);
            return;
        }
        int h = s.Height, w = s.Width, oh = s.OutputHeight, ow = s.OutputWidth;
        int kh = s.KernelHeight, kw = s.KernelWidth, sh = s.StrideHeight, dh = s.DilationHeight;
        int lastBlock = channels - lanes;
        int interiorStart = s.InteriorStart, interiorEnd = Math.Max(s.InteriorStart, s.InteriorEnd);
        nint pixel = channels, rowBytes = (nint)w * channels;
        bool is3x3 = kh == 3 && kw == 3;
        byte** rows = stackalloc byte*[MaxRowPointers];
        nint* steps = stackalloc nint[MaxRowPointers];
        for (int row = g.Range.Start; row < g.Range.End; row++)
        {
            int n = row / oh, oy = row - n * oh;
            int iy0 = oy * sh - s.PadTop;
            var (ky0, ky1) = ValidTaps(kh, dh, iy0, h);
            byte* image = g.X + (nint)n * h * rowBytes;
            byte* yRow = g.Y + ((nint)n * oh + oy) * ow * pixel * TKind.OutputBytes;
            if (is3x3)
            {
                // Per kernel row: the input row, or the zx row for rows in the padding.
                for (int ky = 0; ky < 3; ky++)
                    rows[ky] = ky >= ky0 && ky < ky1 ? image + (iy0 + ky * dh) * rowBytes : null;
                for (int c0 = 0; c0 < channels; c0 += lanes)
                    Row3x3<TLanes, TVec, TKind, TInput>(g, rows, yRow, Math.Min(c0, lastBlock));
                continue;
            }
            bool rowPointers = kh <= MaxRowPointers && interiorEnd > interiorStart;
            if (rowPointers)
            {
                // Per kernel row: the input at the first interior column, or the zx row (never advancing).
                int ix = interiorStart * s.StrideWidth - s.PadLeft;
                for (int ky = 0; ky < kh; ky++)
                {
                    bool inside = ky >= ky0 && ky < ky1;
                    rows[ky] = inside ? image + (iy0 + ky * dh) * rowBytes + ix * pixel : g.ZeroPointRow;
                    steps[ky] = inside ? pixel : 0;
                }
            }
            for (int c0 = 0; c0 < channels; c0 += lanes)
            {
                int c = Math.Min(c0, lastBlock);
                if (!rowPointers)
                {
                    Border<TLanes, TVec, TKind, TInput>(g, image, yRow, c, iy0, ky0, ky1, 0, ow);
                    continue;
                }
                Border<TLanes, TVec, TKind, TInput>(g, image, yRow, c, iy0, ky0, ky1, 0, interiorStart);
                byte* y = yRow + (interiorStart * pixel + c) * TKind.OutputBytes;
                Interior<TLanes, TVec, TKind, TInput>(g, rows, steps, y, c, interiorEnd - interiorStart);
                Border<TLanes, TVec, TKind, TInput>(g, image, yRow, c, iy0, ky0, ky1, interiorEnd, ow);
            }
        }
    }

    /// <summary>
    /// One output row of one channel block of a 3×3 kernel, every column: the nine weight vectors and the folded bias
    /// stay in registers. <paramref name="rows"/> holds the three input rows (null: in the padding). A tap outside the
    /// input reads the zx row, which the folded bias cancels, so border columns take the same arithmetic as interior
    /// ones; interior columns advance their nine pointers by the stride instead of checking each tap.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Row3x3<TLanes, TVec, TKind, TInput>(in Q8DepthwiseConvArgs g, byte** rows, byte* yRow, int c)
        where TLanes : IQ8Lanes<TVec> where TVec : struct where TKind : IQ8RequantKind where TInput : IQ8Input
    {
        var s = g.Shape;
        int ow = s.OutputWidth, width = s.Width, sw = s.StrideWidth, dw = s.DilationWidth, padLeft = s.PadLeft;
        int interiorStart = s.InteriorStart, interiorEnd = Math.Max(s.InteriorStart, s.InteriorEnd);
        nint pixel = s.Channels;
        byte* zx = g.ZeroPointRow + c;
        byte* r0 = rows[0] == null ? null : rows[0] + c;
        byte* r1 = rows[1] == null ? null : rows[1] + c;
        byte* r2 = rows[2] == null ? null : rows[2] + c;
        nint ts = g.RowStride;
        int* wp = g.W + c;
        TVec w0 = TLanes.Load(wp), w1 = TLanes.Load(wp + ts), w2 = TLanes.Load(wp + 2 * ts);
        TVec w3 = TLanes.Load(wp + 3 * ts), w4 = TLanes.Load(wp + 4 * ts), w5 = TLanes.Load(wp + 5 * ts);
        TVec w6 = TLanes.Load(wp + 6 * ts), w7 = TLanes.Load(wp + 7 * ts), w8 = TLanes.Load(wp + 8 * ts);
        TVec bias = TLanes.Load(g.Folded + c);
        var q = g.Q;

        // Interior: pointers that advance by the stride (a padding row stays on the zx row).
        {
            nint s0 = r0 == null ? 0 : pixel, s1 = r1 == null ? 0 : pixel, s2 = r2 == null ? 0 : pixel;
            nint d0 = dw * s0, d1 = dw * s1, d2 = dw * s2;
            int ix = interiorStart * sw - padLeft;
            byte* q0 = r0 == null ? zx : r0 + ix * pixel, q1 = r1 == null ? zx : r1 + ix * pixel, q2 = r2 == null ? zx : r2 + ix * pixel;
            nint a0s = sw * s0, a1s = sw * s1, a2s = sw * s2;
            byte* y = yRow + (c + interiorStart * pixel) * TKind.OutputBytes;
            nint yStep = pixel * TKind.OutputBytes;
            for (int ox = interiorStart; ox < interiorEnd; ox++, q0 += a0s, q1 += a1s, q2 += a2s, y += yStep)
                Put<TLanes, TVec, TKind>(y, (
                    Taps9<TLanes, TVec, TInput>(bias, q0, q0 + d0, q0 + 2 * d0, q1, q1 + d1, q1 + 2 * d1, q2, q2 + d2, q2 + 2 * d2,
                        w0, w1, w2, w3, w4, w5, w6, w7, w8)), q, c);
        }

        // Border columns: each tap checked, the missing ones read the zx row.
        for (int ox = 0; ox < ow; ox++)
        {
            if (ox == interiorStart && interiorEnd > interiorStart) ox = interiorEnd;
            if (ox >= ow) break;
            int ix = ox * sw - padLeft;
            bool v0 = (uint)ix < (uint)width, v1 = (uint)(ix + dw) < (uint)width, v2 = (uint)(ix + 2 * dw) < (uint)width;
            nint o0 = ix * pixel, o1 = (ix + dw) * pixel, o2 = (ix + 2 * dw) * pixel;
            TVec acc = Taps9<TLanes, TVec, TInput>(bias,
                r0 == null || !v0 ? zx : r0 + o0, r0 == null || !v1 ? zx : r0 + o1, r0 == null || !v2 ? zx : r0 + o2,
                r1 == null || !v0 ? zx : r1 + o0, r1 == null || !v1 ? zx : r1 + o1, r1 == null || !v2 ? zx : r1 + o2,
                r2 == null || !v0 ? zx : r2 + o0, r2 == null || !v1 ? zx : r2 + o1, r2 == null || !v2 ? zx : r2 + o2,
                w0, w1, w2, w3, w4, w5, w6, w7, w8);
            Put<TLanes, TVec, TKind>(yRow + (c + ox * pixel) * TKind.OutputBytes, acc, q, c);
        }
    }

    /// <summary>
    /// <see cref="Run{TLanes, TVec, TKind, TInput}"/> with AVX-512 VBMI: 3×3 kernels with at least 16 channels take
    /// <see cref="Row3x3Vbmi{TKind, TInput}"/> (tap pairs by <c>vpermt2b</c> + <c>vpmaddwd</c>); everything else, and
    /// the int32-accumulator kind, the AVX-512 path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    public static void RunVbmi<TKind, TInput>(in Q8DepthwiseConvArgs g) where TKind : IQ8RequantKind where TInput : IQ8Input
    {
        var s = g.Shape;
        if (s.KernelHeight != 3 || s.KernelWidth != 3 || s.Channels < 16 || TKind.OutputBytes != 1)
        {
            Run<Q8Lanes512, Vector512<int>, TKind, TInput>(g);
            return;
        }
        int h = s.Height, w = s.Width, oh = s.OutputHeight, ow = s.OutputWidth, channels = s.Channels;
        int sh = s.StrideHeight, dh = s.DilationHeight, lastBlock = channels - 16;
        nint rowBytes = (nint)w * channels;
        byte** rows = stackalloc byte*[3];
        // Narrow rows of many channels: one call per row, pixels outer and channel blocks inner (weights from L1),
        // instead of one call per channel block with a handful of pixels each.
        bool pixelOuter = ow <= PixelOuterMaxWidth && channels >= PixelOuterMinChannels;
        for (int row = g.Range.Start; row < g.Range.End; row++)
        {
            int n = row / oh, oy = row - n * oh;
            int iy0 = oy * sh - s.PadTop;
            var (ky0, ky1) = ValidTaps(3, dh, iy0, h);
            byte* image = g.X + (nint)n * h * rowBytes;
            byte* yRow = g.Y + ((nint)n * oh + oy) * ow * channels;
            for (int ky = 0; ky < 3; ky++)
                rows[ky] = ky >= ky0 && ky < ky1 ? image + (iy0 + ky * dh) * rowBytes : null;
            if (pixelOuter)
            {
                Pixels3x3Vbmi<TKind, TInput>(g, rows, yRow);
                continue;
            }
            for (int c0 = 0; c0 < channels; c0 += 16)
                Row3x3Vbmi<TKind, TInput>(g, rows, yRow, Math.Min(c0, lastBlock));
        }
    }

    /// <summary>
    /// <see cref="Row3x3{TLanes, TVec, TKind, TInput}"/> with taps paired: for taps (2p, 2p + 1) one <c>vpermt2b</c> of
    /// the two 16-byte loads (zero-extended) makes per channel the dword (x_a, 0, x_b, 0), i.e. the int16 pair
    /// (x_a, x_b), and one <c>vpmaddwd</c> with the packed (w'_a, w'_b) adds both products (|x|, |w'| ≤ 255: exact).
    /// Four pairs and the ninth tap alone (widening load, <c>pmulld</c>) replace nine widening loads and multiplies.
    /// int8 inputs: each paired byte is flipped to the unsigned x + 128 (xor), and the folded bias row for that,
    /// <c>FoldedBias − 128·Σ_paired w'</c>, is used; the ninth tap stays signed.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Row3x3Vbmi<TKind, TInput>(in Q8DepthwiseConvArgs g, byte** rows, byte* yRow, int c)
        where TKind : IQ8RequantKind where TInput : IQ8Input
    {
        var s = g.Shape;
        int ow = s.OutputWidth, width = s.Width, sw = s.StrideWidth, dw = s.DilationWidth, padLeft = s.PadLeft;
        int interiorStart = s.InteriorStart, interiorEnd = Math.Max(s.InteriorStart, s.InteriorEnd);
        nint pixel = s.Channels;
        bool signed = typeof(TInput) == typeof(Q8Int8Input);
        byte* zx = g.ZeroPointRow + c;
        byte* r0 = rows[0] == null ? null : rows[0] + c;
        byte* r1 = rows[1] == null ? null : rows[1] + c;
        byte* r2 = rows[2] == null ? null : rows[2] + c;
        nint ts = g.RowStride;
        int* pairs = g.W + 12 * ts + c;
        Vector512<int> p0 = Vector512.Load(pairs), p1 = Vector512.Load(pairs + ts), p2 = Vector512.Load(pairs + 2 * ts), p3 = Vector512.Load(pairs + 3 * ts);
        Vector512<int> w8 = Vector512.Load(g.W + 8 * ts + c);
        Vector512<int> bias = Vector512.Load((signed ? g.W + 11 * ts : g.Folded) + c);
        // Byte 4i ← a[i], 4i + 2 ← b[i] (index 64 + i), the others ← a's byte 16, a zero of the zero-extended load.
        Vector512<byte> index = Vector512.Create(0x10_40_10_00u).AsByte() + Vector512.Create(
            0x00_00_00_00u, 0x00_01_00_01u, 0x00_02_00_02u, 0x00_03_00_03u, 0x00_04_00_04u, 0x00_05_00_05u, 0x00_06_00_06u, 0x00_07_00_07u,
            0x00_08_00_08u, 0x00_09_00_09u, 0x00_0A_00_0Au, 0x00_0B_00_0Bu, 0x00_0C_00_0Cu, 0x00_0D_00_0Du, 0x00_0E_00_0Eu, 0x00_0F_00_0Fu).AsByte();
        Vector512<byte> flip = signed ? Vector512.Create(0x00_80_00_80u).AsByte() : Vector512<byte>.Zero;
        var q = g.Q;

        // Interior: pointers that advance by the stride (a padding row stays on the zx row).
        {
            nint s0 = r0 == null ? 0 : pixel, s1 = r1 == null ? 0 : pixel, s2 = r2 == null ? 0 : pixel;
            nint d0 = dw * s0, d1 = dw * s1, d2 = dw * s2;
            int ix = interiorStart * sw - padLeft;
            byte* q0 = r0 == null ? zx : r0 + ix * pixel, q1 = r1 == null ? zx : r1 + ix * pixel, q2 = r2 == null ? zx : r2 + ix * pixel;
            nint a0s = sw * s0, a1s = sw * s1, a2s = sw * s2;
            byte* y = yRow + c + interiorStart * pixel;
            for (int ox = interiorStart; ox < interiorEnd; ox++, q0 += a0s, q1 += a1s, q2 += a2s, y += pixel)
                Avx512F.ConvertToVector128Byte(TKind.Requantize<Q8Lanes512, Vector512<int>>(
                    Pairs9<TInput>(bias, q0, q0 + d0, q0 + 2 * d0, q1, q1 + d1, q1 + 2 * d1, q2, q2 + d2, q2 + 2 * d2,
                        p0, p1, p2, p3, w8, index, flip), q, c)).Store(y);
        }

        // Border columns: each tap checked, the missing ones read the zx row.
        for (int ox = 0; ox < ow; ox++)
        {
            if (ox == interiorStart && interiorEnd > interiorStart) ox = interiorEnd;
            if (ox >= ow) break;
            int ix = ox * sw - padLeft;
            bool v0 = (uint)ix < (uint)width, v1 = (uint)(ix + dw) < (uint)width, v2 = (uint)(ix + 2 * dw) < (uint)width;
            nint o0 = ix * pixel, o1 = (ix + dw) * pixel, o2 = (ix + 2 * dw) * pixel;
            Vector512<int> acc = Pairs9<TInput>(bias,
                r0 == null || !v0 ? zx : r0 + o0, r0 == null || !v1 ? zx : r0 + o1, r0 == null || !v2 ? zx : r0 + o2,
                r1 == null || !v0 ? zx : r1 + o0, r1 == null || !v1 ? zx : r1 + o1, r1 == null || !v2 ? zx : r1 + o2,
                r2 == null || !v0 ? zx : r2 + o0, r2 == null || !v1 ? zx : r2 + o1, r2 == null || !v2 ? zx : r2 + o2,
                p0, p1, p2, p3, w8, index, flip);
            Avx512F.ConvertToVector128Byte(TKind.Requantize<Q8Lanes512, Vector512<int>>(acc, q, c)).Store(yRow + c + ox * pixel);
        }
    }

    /// <summary>Output widths up to this (with at least <see cref="PixelOuterMinChannels"/> channels) take <see cref="Pixels3x3Vbmi{TKind, TInput}"/>.</summary>
    private const int PixelOuterMaxWidth = 16;

    /// <summary>See <see cref="PixelOuterMaxWidth"/>.</summary>
    private const int PixelOuterMinChannels = 128;

    /// <summary>
    /// One output row of a 3×3 kernel, pixel by pixel, every channel block of a pixel in turn with its tap-pair weights
    /// loaded from the packed rows (L1-resident): the nine tap pointers (the zx row for taps outside the input) are
    /// worked out once per pixel. The arithmetic per block is <see cref="Pairs9{TInput}"/>, as in
    /// <see cref="Row3x3Vbmi{TKind, TInput}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Pixels3x3Vbmi<TKind, TInput>(in Q8DepthwiseConvArgs g, byte** rows, byte* yRow)
        where TKind : IQ8RequantKind where TInput : IQ8Input
    {
        var s = g.Shape;
        int ow = s.OutputWidth, width = s.Width, sw = s.StrideWidth, dw = s.DilationWidth, padLeft = s.PadLeft;
        int channels = s.Channels, lastBlock = channels - 16;
        nint pixel = channels, ts = g.RowStride;
        bool signed = typeof(TInput) == typeof(Q8Int8Input);
        byte* zx = g.ZeroPointRow, r0 = rows[0], r1 = rows[1], r2 = rows[2];
        int* pw = g.W + 12 * ts, w8p = g.W + 8 * ts, bp = signed ? g.W + 11 * ts : g.Folded;
        Vector512<byte> index = Vector512.Create(0x10_40_10_00u).AsByte() + Vector512.Create(
            0x00_00_00_00u, 0x00_01_00_01u, 0x00_02_00_02u, 0x00_03_00_03u, 0x00_04_00_04u, 0x00_05_00_05u, 0x00_06_00_06u, 0x00_07_00_07u,
            0x00_08_00_08u, 0x00_09_00_09u, 0x00_0A_00_0Au, 0x00_0B_00_0Bu, 0x00_0C_00_0Cu, 0x00_0D_00_0Du, 0x00_0E_00_0Eu, 0x00_0F_00_0Fu).AsByte();
        Vector512<byte> flip = signed ? Vector512.Create(0x00_80_00_80u).AsByte() : Vector512<byte>.Zero;
        var q = g.Q;
        for (int ox = 0; ox < ow; ox++)
        {
            int ix = ox * sw - padLeft;
            bool v0 = (uint)ix < (uint)width, v1 = (uint)(ix + dw) < (uint)width, v2 = (uint)(ix + 2 * dw) < (uint)width;
            nint o0 = ix * pixel, o1 = (ix + dw) * pixel, o2 = (ix + 2 * dw) * pixel;
            byte* t00 = r0 == null || !v0 ? zx : r0 + o0, t01 = r0 == null || !v1 ? zx : r0 + o1, t02 = r0 == null || !v2 ? zx : r0 + o2;
            byte* t10 = r1 == null || !v0 ? zx : r1 + o0, t11 = r1 == null || !v1 ? zx : r1 + o1, t12 = r1 == null || !v2 ? zx : r1 + o2;
            byte* t20 = r2 == null || !v0 ? zx : r2 + o0, t21 = r2 == null || !v1 ? zx : r2 + o1, t22 = r2 == null || !v2 ? zx : r2 + o2;
            byte* y = yRow + ox * pixel;
            for (int c0 = 0; c0 < channels; c0 += 16)
            {
                int c = Math.Min(c0, lastBlock);
                Vector512<int> acc = Pairs9<TInput>(Vector512.Load(bp + c),
                    t00 + c, t01 + c, t02 + c, t10 + c, t11 + c, t12 + c, t20 + c, t21 + c, t22 + c,
                    Vector512.Load(pw + c), Vector512.Load(pw + ts + c), Vector512.Load(pw + 2 * ts + c), Vector512.Load(pw + 3 * ts + c),
                    Vector512.Load(w8p + c), index, flip);
                Avx512F.ConvertToVector128Byte(TKind.Requantize<Q8Lanes512, Vector512<int>>(acc, q, c)).Store(y + c);
            }
        }
    }

    /// <summary>The int16 pairs (a[i], b[i]) of 16 channels, a and b flipped to unsigned by <paramref name="flip"/> for int8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> Pair(byte* a, byte* b, Vector512<byte> index, Vector512<byte> flip) =>
        (Avx512Vbmi.PermuteVar64x8x2(Vector128.Load(a).ToVector256().ToVector512(), index, Vector128.Load(b).ToVector256().ToVector512()) ^ flip).AsInt16();

    /// <summary>bias + Σ x·w' over nine taps: four <c>pmaddwd</c> pairs and one <c>pmulld</c>, in three chains.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Pairs9<TInput>(Vector512<int> bias, byte* p00, byte* p01, byte* p02, byte* p10, byte* p11, byte* p12,
        byte* p20, byte* p21, byte* p22, Vector512<int> w01, Vector512<int> w23, Vector512<int> w45, Vector512<int> w67, Vector512<int> w8,
        Vector512<byte> index, Vector512<byte> flip) where TInput : IQ8Input
    {
        Vector512<int> a0 = bias + Avx512BW.MultiplyAddAdjacent(Pair(p00, p01, index, flip), w01.AsInt16());
        Vector512<int> a1 = Avx512BW.MultiplyAddAdjacent(Pair(p02, p10, index, flip), w23.AsInt16());
        Vector512<int> a2 = TInput.Load<Q8Lanes512, Vector512<int>>(p22) * w8;
        a0 += Avx512BW.MultiplyAddAdjacent(Pair(p11, p12, index, flip), w45.AsInt16());
        a1 += Avx512BW.MultiplyAddAdjacent(Pair(p20, p21, index, flip), w67.AsInt16());
        return a0 + (a1 + a2);
    }

    /// <summary>bias + Σ x(p_t)·w_t over nine taps, in three independent chains.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Taps9<TLanes, TVec, TInput>(TVec bias, byte* p00, byte* p01, byte* p02, byte* p10, byte* p11, byte* p12,
        byte* p20, byte* p21, byte* p22, TVec w0, TVec w1, TVec w2, TVec w3, TVec w4, TVec w5, TVec w6, TVec w7, TVec w8)
        where TLanes : IQ8Lanes<TVec> where TVec : struct where TInput : IQ8Input
    {
        TVec a0 = TLanes.Add(bias, TLanes.MultiplyLow(TInput.Load<TLanes, TVec>(p00), w0));
        TVec a1 = TLanes.MultiplyLow(TInput.Load<TLanes, TVec>(p01), w1);
        TVec a2 = TLanes.MultiplyLow(TInput.Load<TLanes, TVec>(p02), w2);
        a0 = TLanes.Add(a0, TLanes.MultiplyLow(TInput.Load<TLanes, TVec>(p10), w3));
        a1 = TLanes.Add(a1, TLanes.MultiplyLow(TInput.Load<TLanes, TVec>(p11), w4));
        a2 = TLanes.Add(a2, TLanes.MultiplyLow(TInput.Load<TLanes, TVec>(p12), w5));
        a0 = TLanes.Add(a0, TLanes.MultiplyLow(TInput.Load<TLanes, TVec>(p20), w6));
        a1 = TLanes.Add(a1, TLanes.MultiplyLow(TInput.Load<TLanes, TVec>(p21), w7));
        a2 = TLanes.Add(a2, TLanes.MultiplyLow(TInput.Load<TLanes, TVec>(p22), w8));
        return TLanes.Add(a0, TLanes.Add(a1, a2));
    }

    /// <summary>Interior columns of any other kernel: weights read from the packed rows (L1-resident).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Interior<TLanes, TVec, TKind, TInput>(in Q8DepthwiseConvArgs g, byte** rows, nint* steps, byte* y, int c, int count)
        where TLanes : IQ8Lanes<TVec> where TVec : struct where TKind : IQ8RequantKind where TInput : IQ8Input
    {
        var s = g.Shape;
        int kh = s.KernelHeight, kw = s.KernelWidth;
        nint pixel = s.Channels, dw = s.DilationWidth, sw = s.StrideWidth, ts = g.RowStride;
        int* folded = g.Folded + c;
        nint yStep = pixel * TKind.OutputBytes;
        for (int i = 0; i < count; i++, y += yStep)
        {
            TVec acc = TLanes.Load(folded);
            int* wp = g.W + c;
            for (int ky = 0; ky < kh; ky++)
            {
                nint step = steps[ky];
                byte* xr = rows[ky] + c + i * sw * step;
                for (int kx = 0; kx < kw; kx++, wp += ts)
                    acc = TLanes.Add(acc, TLanes.MultiplyLow(TInput.Load<TLanes, TVec>(xr + kx * dw * step), TLanes.Load(wp)));
            }
            Put<TLanes, TVec, TKind>(y, acc, g.Q, c);
        }
    }

    /// <summary>Pixels [ox0, ox1) of one channel block with bounds checks: bias + Σ over the taps inside the input of (x − zx)·w'.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Border<TLanes, TVec, TKind, TInput>(in Q8DepthwiseConvArgs g, byte* image, byte* yRow, int c, int iy0, int ky0, int ky1,
        int ox0, int ox1)
        where TLanes : IQ8Lanes<TVec> where TVec : struct where TKind : IQ8RequantKind where TInput : IQ8Input
    {
        var s = g.Shape;
        int w = s.Width, kw = s.KernelWidth, sw = s.StrideWidth, dh = s.DilationHeight, dw = s.DilationWidth;
        nint pixel = s.Channels, rowBytes = (nint)w * pixel, ts = g.RowStride;
        int* bias = g.W + s.KernelHeight * kw * ts + c;
        TVec zx = TLanes.Splat(g.InputZeroPoint);
        for (int ox = ox0; ox < ox1; ox++)
        {
            int ix0 = ox * sw - s.PadLeft;
            var (kx0, kx1) = ValidTaps(kw, dw, ix0, w);
            TVec acc = TLanes.Load(bias);
            for (int ky = ky0; ky < ky1; ky++)
            {
                byte* xp = image + (iy0 + ky * dh) * rowBytes + c;
                int* wp = g.W + (ky * kw + kx0) * ts + c;
                for (int kx = kx0; kx < kx1; kx++, wp += ts)
                {
                    TVec x = TLanes.Subtract(TInput.Load<TLanes, TVec>(xp + (ix0 + kx * dw) * pixel), zx);
                    acc = TLanes.Add(acc, TLanes.MultiplyLow(x, TLanes.Load(wp)));
                }
            }
            Put<TLanes, TVec, TKind>(yRow + (ox * pixel + c) * TKind.OutputBytes, acc, g.Q, c);
        }
    }

    /// <summary>Stores one vector of outputs: requantized bytes, or the accumulators themselves for <see cref="Q8Int32Accumulators"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<TLanes, TVec, TKind>(byte* y, TVec acc, in Q8RequantArgs q, int c)
        where TLanes : IQ8Lanes<TVec> where TVec : struct where TKind : IQ8RequantKind
    {
        if (TKind.OutputBytes == 4) TLanes.Store((int*)y, acc);
        else TLanes.StoreBytes(y, TKind.Requantize<TLanes, TVec>(acc, q, c));
    }

    /// <summary>The taps [lo, hi) whose position <c>start + k·dilation</c> lies in [0, size).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Lo, int Hi) ValidTaps(int kernel, int dilation, int start, int size)
    {
        int lo = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
        int last = size - 1 - start;
        int hi = last < 0 ? 0 : Math.Min(kernel, last / dilation + 1);
        lo = Math.Min(lo, kernel);
        return (lo, Math.Max(hi, lo));
    }
}
