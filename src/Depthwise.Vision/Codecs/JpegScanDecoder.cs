using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Depthwise.Vision.Codecs;

/// <summary>
/// Decodes the entropy-coded data of one scan (T.81 annex F for sequential, G for progressive Huffman coding).
/// Sequential scans go straight through the IDCT into the component planes; progressive scans add to the kept
/// coefficients. MCUs are walked in order, with restart-marker handling between intervals; once the data of an
/// interval runs out, its remaining MCUs are left empty (all-zero coefficients), as libjpeg does.
/// </summary>
internal static class JpegScanDecoder
{
    /// <summary>Zigzag index → natural index, padded with 63 so that a corrupt run that overshoots stays in the block.</summary>
    public static ReadOnlySpan<byte> NaturalOrder =>
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
        63, 63,
    ];

    /// <summary>Where a scan ended and what went wrong on the way.</summary>
    public readonly record struct Result(int Position, bool RanOutOfData, int Warnings);

    /// <summary>A sequential (baseline or extended) scan: decode, dequantize, IDCT into the planes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Result DecodeSequential(ReadOnlySpan<byte> data, int position, JpegFrame frame, JpegComponent[] scan, int restartInterval)
    {
        var br = new JpegBitReader(data, position);
        Span<short> block = stackalloc short[64];
        bool stb = frame.Compatibility == JpegCompatibility.StbImage;
        GetMcuGrid(frame, scan, out int mcusWide, out int mcusHigh);
        foreach (var c in scan) c.DcPredictor = 0;
        int restartsLeft = restartInterval, nextRestart = 0;
        bool ranOut = false;
        int warnings = 0;
        for (int my = 0; my < mcusHigh; my++)
        {
            for (int mx = 0; mx < mcusWide; mx++)
            {
                if (restartInterval > 0)
                {
                    if (restartsLeft == 0)
                    {
                        if (!br.ProcessRestart(nextRestart)) warnings++;
                        nextRestart = (nextRestart + 1) & 7;
                        restartsLeft = restartInterval;
                        foreach (var c in scan) c.DcPredictor = 0;
                    }
                    restartsLeft--;
                }
                bool empty = br.Insufficient;
                ranOut |= empty;
                if (scan.Length == 1)
                {
                    DecodeSequentialBlock(ref br, scan[0], mx, my, block, empty, stb);
                    continue;
                }
                foreach (var c in scan)
                {
                    for (int v = 0; v < c.V; v++)
                        for (int h = 0; h < c.H; h++)
                            DecodeSequentialBlock(ref br, c, mx * c.H + h, my * c.V + v, block, empty, stb);
                }
            }
        }
        return new Result(br.Position, ranOut | br.Insufficient, warnings + br.Warnings);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DecodeSequentialBlock(ref JpegBitReader br, JpegComponent c, int bx, int by, scoped Span<short> block, bool empty, bool stb)
    {
        var dst = c.Plane.AsSpan(by * 8 * c.PlaneStride + bx * 8);
        var quant = c.Quant!;
        if (empty)
        {
            if (stb) JpegStbIdct.TransformDcOnly(0, quant[0], dst, c.PlaneStride);
            else JpegIdct.TransformDcOnly(0, quant[0], dst, c.PlaneStride);
            return;
        }
        int s = br.DecodeHuffman(c.DcTable!);
        int dc = c.DcPredictor + br.ReceiveExtend(s);
        c.DcPredictor = dc;

        var ac = c.AcTable!;
        // k never exceeds 63 + 15 and the order table has 82 entries, so the unchecked indexing stays in bounds.
        ref byte natural = ref MemoryMarshal.GetReference(NaturalOrder);
        ref short coef = ref MemoryMarshal.GetReference(block);
        block.Clear();
        bool any = false;
        for (int k = 1; k < 64; k++)
        {
            int fast = br.TryDecodeFastAc(ac);
            if (fast != 0)
            {
                k += (fast >> 8) & 0xFF;
                Unsafe.Add(ref coef, Unsafe.Add(ref natural, k)) = (short)(fast >> 16);
                any = true;
                continue;
            }
            int rs = br.DecodeHuffman(ac);
            int r = rs >> 4;
            s = rs & 15;
            if (s != 0)
            {
                k += r;
                Unsafe.Add(ref coef, Unsafe.Add(ref natural, k)) = (short)br.ReceiveExtend(s);
                any = true;
            }
            else
            {
                if (r != 15) break;
                k += 15;
            }
        }
        if (stb)
        {
            // stb keeps the DC in 16 bits before dequantizing ((short)(dc · q) of the int sum, the same thing).
            if (!any) JpegStbIdct.TransformDcOnly(dc, quant[0], dst, c.PlaneStride);
            else
            {
                block[0] = (short)dc;
                JpegStbIdct.Transform(block, quant, dst, c.PlaneStride);
            }
            return;
        }
        if (!any)
        {
            JpegIdct.TransformDcOnly((short)dc, quant[0], dst, c.PlaneStride);
            return;
        }
        block[0] = (short)dc;
        JpegIdct.Transform(block, quant, dst, c.PlaneStride);
    }

    /// <summary>One progressive scan: DC or AC band, first pass or refinement, into the coefficient arrays.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Result DecodeProgressive(
        ReadOnlySpan<byte> data, int position, JpegFrame frame, JpegComponent[] scan, int restartInterval,
        int ss, int se, int ah, int al)
    {
        var br = new JpegBitReader(data, position);
        GetMcuGrid(frame, scan, out int mcusWide, out int mcusHigh);
        foreach (var c in scan) c.DcPredictor = 0;
        int restartsLeft = restartInterval, nextRestart = 0;
        int eobRun = 0;
        bool ranOut = false;
        int warnings = 0;
        for (int my = 0; my < mcusHigh; my++)
        {
            for (int mx = 0; mx < mcusWide; mx++)
            {
                if (restartInterval > 0)
                {
                    if (restartsLeft == 0)
                    {
                        if (!br.ProcessRestart(nextRestart)) warnings++;
                        nextRestart = (nextRestart + 1) & 7;
                        restartsLeft = restartInterval;
                        foreach (var c in scan) c.DcPredictor = 0;
                        eobRun = 0;
                    }
                    restartsLeft--;
                }
                if (br.Insufficient)
                {
                    // Nothing more can change in this interval; without restarts nothing more in the scan.
                    ranOut = true;
                    if (restartInterval == 0) return new Result(br.Position, true, warnings + br.Warnings);
                    continue;
                }
                if (ss == 0)
                {
                    if (scan.Length == 1)
                    {
                        DecodeDc(ref br, scan[0], mx, my, ah, al);
                        continue;
                    }
                    foreach (var c in scan)
                        for (int v = 0; v < c.V; v++)
                            for (int h = 0; h < c.H; h++)
                                DecodeDc(ref br, c, mx * c.H + h, my * c.V + v, ah, al);
                }
                else
                {
                    var c = scan[0];
                    var coef = c.Coefficients.AsSpan((my * c.BlocksWide + mx) * 64, 64);
                    if (ah == 0) DecodeAcFirst(ref br, c.AcTable!, coef, ss, se, al, ref eobRun);
                    else DecodeAcRefine(ref br, c.AcTable!, coef, ss, se, al, ref eobRun);
                }
            }
        }
        return new Result(br.Position, ranOut | br.Insufficient, warnings + br.Warnings);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DecodeDc(ref JpegBitReader br, JpegComponent c, int bx, int by, int ah, int al)
    {
        ref short dc = ref c.Coefficients![(by * c.BlocksWide + bx) * 64];
        if (ah == 0)
        {
            int s = br.DecodeHuffman(c.DcTable!);
            int v = c.DcPredictor + br.ReceiveExtend(s);
            c.DcPredictor = v;
            dc = (short)(v << al);
        }
        else if (br.GetBit() != 0)
        {
            dc |= (short)(1 << al);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DecodeAcFirst(ref JpegBitReader br, JpegHuffmanTable table, Span<short> coefs, int ss, int se, int al, ref int eobRun)
    {
        if (eobRun > 0)
        {
            eobRun--;
            return;
        }
        // k stays below 63 + 16 and the order table has 82 entries; coefs is one 64-entry block.
        ref byte natural = ref MemoryMarshal.GetReference(NaturalOrder);
        ref short coef = ref MemoryMarshal.GetReference(coefs.Slice(0, 64));
        for (int k = ss; k <= se; k++)
        {
            int fast = br.TryDecodeFastAc(table);
            if (fast != 0)
            {
                k += (fast >> 8) & 0xFF;
                Unsafe.Add(ref coef, Unsafe.Add(ref natural, k)) = (short)((fast >> 16) << al);
                continue;
            }
            int rs = br.DecodeHuffman(table);
            int r = rs >> 4;
            int s = rs & 15;
            if (s != 0)
            {
                k += r;
                Unsafe.Add(ref coef, Unsafe.Add(ref natural, k)) = (short)(br.ReceiveExtend(s) << al);
            }
            else if (r == 15)
            {
                k += 15;
            }
            else
            {
                eobRun = (1 << r) + br.GetBits(r) - 1;
                break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DecodeAcRefine(ref JpegBitReader br, JpegHuffmanTable table, Span<short> coefs, int ss, int se, int al, ref int eobRun)
    {
        int p1 = 1 << al, m1 = -1 << al;
        ref byte natural = ref MemoryMarshal.GetReference(NaturalOrder);
        ref short coef = ref MemoryMarshal.GetReference(coefs.Slice(0, 64));
        int k = ss;
        if (eobRun == 0)
        {
            for (; k <= se; k++)
            {
                int rs = br.DecodeHuffman(table);
                int r = rs >> 4;
                int s = rs & 15;
                if (s != 0)
                {
                    // s must be 1 here (libjpeg warns otherwise and goes on); the sign bit follows.
                    s = br.GetBit() != 0 ? p1 : m1;
                }
                else if (r != 15)
                {
                    eobRun = 1 << r;
                    if (r != 0) eobRun += br.GetBits(r);
                    break;
                }
                // Skip r zero-history coefficients (refining the nonzero ones on the way), then place the new one.
                do
                {
                    ref short z = ref Unsafe.Add(ref coef, Unsafe.Add(ref natural, k));
                    if (z != 0)
                    {
                        if (br.GetBit() != 0 && (z & p1) == 0)
                            z = (short)(z >= 0 ? z + p1 : z + m1);
                    }
                    else
                    {
                        if (--r < 0) break;
                    }
                    k++;
                }
                while (k <= se);
                if (s != 0) Unsafe.Add(ref coef, Unsafe.Add(ref natural, k)) = (short)s;
            }
        }
        if (eobRun > 0)
        {
            // In an end-of-band run only the coefficients already nonzero get a correction bit.
            for (; k <= se; k++)
            {
                ref short z = ref Unsafe.Add(ref coef, Unsafe.Add(ref natural, k));
                if (z != 0 && br.GetBit() != 0 && (z & p1) == 0)
                    z = (short)(z >= 0 ? z + p1 : z + m1);
            }
            eobRun--;
        }
    }

    /// <summary>An interleaved scan walks the frame's MCU grid; a single-component scan walks that component's used blocks.</summary>
    private static void GetMcuGrid(JpegFrame frame, JpegComponent[] scan, out int wide, out int high)
    {
        if (scan.Length == 1)
        {
            wide = scan[0].BlocksWideUsed;
            high = scan[0].BlocksHighUsed;
        }
        else
        {
            wide = frame.McusWide;
            high = frame.McusHigh;
        }
    }

    /// <summary>
    /// After the last progressive scan: dequantize with <paramref name="quant"/> (null when the component never
    /// appeared in a scan) and inverse-transform every used block into the plane, with stb_image's IDCT when
    /// <paramref name="stb"/>, else libjpeg's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransformCoefficients(JpegComponent c, int[]? quant, bool stb)
    {
        var coefs = c.Coefficients!;
        int stride = c.PlaneStride;
        if (quant is null)
        {
            // The component never appeared in a scan: it stays mid-gray, as zero coefficients would give.
            c.Plane.AsSpan().Fill(128);
            return;
        }
        for (int by = 0; by < c.BlocksHighUsed; by++)
        {
            for (int bx = 0; bx < c.BlocksWideUsed; bx++)
            {
                var coef = coefs.AsSpan((by * c.BlocksWide + bx) * 64, 64);
                var dst = c.Plane.AsSpan(by * 8 * stride + bx * 8);
                if (stb)
                {
                    if (IsDcOnly(coef)) JpegStbIdct.TransformDcOnly(coef[0], quant[0], dst, stride);
                    else JpegStbIdct.Transform(coef, quant, dst, stride);
                }
                else if (IsDcOnly(coef)) JpegIdct.TransformDcOnly(coef[0], quant[0], dst, stride);
                else JpegIdct.Transform(coef, quant, dst, stride);
            }
        }
    }

    private static bool IsDcOnly(ReadOnlySpan<short> coef)
    {
        var longs = System.Runtime.InteropServices.MemoryMarshal.Cast<short, ulong>(coef);
        if ((longs[0] & ~0xFFFFUL) != 0) return false;
        for (int i = 1; i < 16; i++)
            if (longs[i] != 0) return false;
        return true;
    }
}
