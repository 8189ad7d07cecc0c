using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Depthwise.Vision.Codecs;

/// <summary>
/// Brings one component to full image resolution, one output row at a time, choosing the method libjpeg's
/// jdsample picks with fancy upsampling on (djpeg's default): the triangle filter ("fancy") for 2:1 horizontal,
/// 2:1 vertical and 2:1 both ways (weights 3/4 and 1/4 per direction, with libjpeg's alternating rounding bias), and
/// plain replication for other integral ratios (and for 2:1 horizontal when the component is at most 2 samples wide).
/// Samples beyond the component's edge repeat the edge sample, as libjpeg's context rows do.
/// </summary>
internal sealed class JpegUpsampler : IJpegRowSource
{
    private enum Method { Full, H2V1Fancy, H1V2Fancy, H2V2Fancy, Replicate }

    private readonly JpegComponent _c;
    private readonly Method _method;
    private readonly int _hExpand, _vExpand, _outWidth;
    private readonly short[] _colSum;

    /// <summary>Chooses the method for <paramref name="c"/> in <paramref name="frame"/>.</summary>
    /// <exception cref="ImageFormatException">The sampling ratio is not an integer (libjpeg refuses these too).</exception>
    public JpegUpsampler(JpegFrame frame, JpegComponent c, string? file)
    {
        _c = c;
        _outWidth = frame.Width;
        if (frame.HMax % c.H != 0 || frame.VMax % c.V != 0)
            throw new ImageFormatException(
                $"component {c.Id} has sampling {c.H}x{c.V} against a maximum of {frame.HMax}x{frame.VMax}: fractional upsampling is not supported", file);
        _hExpand = frame.HMax / c.H;
        _vExpand = frame.VMax / c.V;
        _method = (_hExpand, _vExpand) switch
        {
            (1, 1) => Method.Full,
            (2, 1) when c.Width > 2 => Method.H2V1Fancy,
            (1, 2) => Method.H1V2Fancy,
            (2, 2) when c.Width > 2 => Method.H2V2Fancy,
            _ => Method.Replicate,
        };
        _colSum = _method == Method.H2V2Fancy ? new short[c.Width] : [];
    }

    /// <summary>Scratch bytes <see cref="Row"/> may need: the output width rounded up to whole expansions.</summary>
    public int ScratchLength => _c.Width * _hExpand + 8;

    /// <summary>Full-resolution samples of output row <paramref name="y"/> (at least the image width of them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> Row(int y, Span<byte> scratch)
    {
        var c = _c;
        int stride = c.PlaneStride;
        var plane = c.Plane;
        int w = c.Width;
        switch (_method)
        {
            case Method.Full:
                return plane.AsSpan(y * stride, _outWidth);

            case Method.H2V1Fancy:
                H2V1(plane.AsSpan(y * stride, w), scratch);
                return scratch;

            case Method.H1V2Fancy:
            {
                int inRow = y >> 1;
                bool upper = (y & 1) == 0;
                int farRow = upper ? Math.Max(inRow - 1, 0) : Math.Min(inRow + 1, c.Height - 1);
                VerticalBlend(plane.AsSpan(inRow * stride, w), plane.AsSpan(farRow * stride, w), upper ? 1 : 2, scratch);
                return scratch;
            }

            case Method.H2V2Fancy:
            {
                int inRow = y >> 1;
                int farRow = (y & 1) == 0 ? Math.Max(inRow - 1, 0) : Math.Min(inRow + 1, c.Height - 1);
                var sum = _colSum.AsSpan(0, w);
                ColumnSums(plane.AsSpan(inRow * stride, w), plane.AsSpan(farRow * stride, w), sum);
                H2V2Horizontal(sum, scratch);
                return scratch;
            }

            default:
            {
                var src = plane.AsSpan(Math.Min(y / _vExpand, c.Height - 1) * stride, w);
                int hx = _hExpand;
                var dst = scratch.Slice(0, _outWidth);
                for (int x = 0; x < dst.Length; x++)
                    dst[x] = src[x / hx];
                return scratch;
            }
        }
    }

    /// <summary>2:1 horizontal triangle filter: outputs at 1/4 and 3/4 between input centers, bias 1 then 2 (2·len outputs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void H2V1(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int w = src.Length;
        if (w < 2 || dst.Length < 2 * w) throw new ArgumentException("H2V1 needs at least 2 samples and room for twice as many");
        int x = Avx2.IsSupported ? H2V1Avx2(src, dst) : 1;
        H2V1Scalar(src, dst, x);
    }

    /// <summary>The scalar reference for outputs from input column <paramref name="from"/> (≥ 1) on, plus both edges.</summary>
    internal static void H2V1Scalar(ReadOnlySpan<byte> src, Span<byte> dst, int from = 1)
    {
        int w = src.Length;
        dst[0] = src[0];
        dst[1] = (byte)((src[0] * 3 + src[1] + 2) >> 2);
        for (int x = from; x < w - 1; x++)
        {
            int v = src[x] * 3;
            dst[2 * x] = (byte)((v + src[x - 1] + 1) >> 2);
            dst[2 * x + 1] = (byte)((v + src[x + 1] + 2) >> 2);
        }
        dst[2 * w - 2] = (byte)((src[w - 1] * 3 + src[w - 2] + 1) >> 2);
        dst[2 * w - 1] = src[w - 1];
    }

    /// <summary>Sixteen inputs per step from column 1; returns the first column left for the scalar loop.</summary>
    private static int H2V1Avx2(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int w = src.Length, x = 1;
        ref byte s = ref MemoryMarshal.GetReference(src);
        ref byte d = ref MemoryMarshal.GetReference(dst);
        var one = Vector256.Create((short)1);
        var two = Vector256.Create((short)2);
        for (; x + 17 <= w; x += 16)
        {
            var c = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref s, (nuint)x));
            var l = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref s, (nuint)(x - 1)));
            var r = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref s, (nuint)(x + 1)));
            var c3 = c + c + c;
            var even = Vector256.ShiftRightLogical(c3 + l + one, 2);
            var odd = Vector256.ShiftRightLogical(c3 + r + two, 2);
            Interleave(even, odd).StoreUnsafe(ref d, (nuint)(2 * x));
        }
        return x;
    }

    /// <summary>(3·near + far + bias) / 4 per sample: the 1:2 vertical triangle filter (bias 1 above, 2 below).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void VerticalBlend(ReadOnlySpan<byte> near, ReadOnlySpan<byte> far, int bias, Span<byte> dst)
    {
        int w = near.Length;
        if (far.Length < w || dst.Length < w) throw new ArgumentException("rows of different lengths");
        int x = 0;
        if (Avx2.IsSupported)
        {
            ref byte n = ref MemoryMarshal.GetReference(near);
            ref byte f = ref MemoryMarshal.GetReference(far);
            ref byte d = ref MemoryMarshal.GetReference(dst);
            var b = Vector256.Create((short)bias);
            for (; x + 16 <= w; x += 16)
            {
                var c = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref n, (nuint)x));
                var o = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref f, (nuint)x));
                var v = Vector256.ShiftRightLogical(c + c + c + o + b, 2);
                // Packing works per 128-bit lane: v0..7 v0..7 | v8..15 v8..15; keep quadwords 0 and 2.
                var packed = Avx2.PackUnsignedSaturate(v, v).AsUInt64();
                Avx2.Permute4x64(packed, 0b_10_00_10_00).AsByte().GetLower().StoreUnsafe(ref d, (nuint)x);
            }
        }
        for (; x < w; x++)
            dst[x] = (byte)((near[x] * 3 + far[x] + bias) >> 2);
    }

    /// <summary>3·near + far per column: the vertical half of the 2×2 triangle filter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ColumnSums(ReadOnlySpan<byte> near, ReadOnlySpan<byte> far, Span<short> sum)
    {
        int w = sum.Length;
        if (near.Length < w || far.Length < w) throw new ArgumentException("rows shorter than the sums");
        int x = 0;
        if (Avx2.IsSupported)
        {
            ref byte n = ref MemoryMarshal.GetReference(near);
            ref byte f = ref MemoryMarshal.GetReference(far);
            ref short d = ref MemoryMarshal.GetReference(sum);
            for (; x + 16 <= w; x += 16)
            {
                var c = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref n, (nuint)x));
                var o = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref f, (nuint)x));
                (c + c + c + o).StoreUnsafe(ref d, (nuint)x);
            }
        }
        for (; x < w; x++)
            sum[x] = (short)(near[x] * 3 + far[x]);
    }

    /// <summary>The horizontal half of the 2×2 triangle filter on column sums (3·near + far): bias 8 then 7, /16 (2·len outputs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void H2V2Horizontal(ReadOnlySpan<short> sum, Span<byte> dst)
    {
        int w = sum.Length;
        if (w < 2 || dst.Length < 2 * w) throw new ArgumentException("H2V2 needs at least 2 sums and room for twice as many");
        int x = 1;
        if (Avx2.IsSupported)
        {
            ref short s = ref MemoryMarshal.GetReference(sum);
            ref byte d = ref MemoryMarshal.GetReference(dst);
            var eight = Vector256.Create((short)8);
            var seven = Vector256.Create((short)7);
            for (; x + 17 <= w; x += 16)
            {
                var c = Vector256.LoadUnsafe(ref s, (nuint)x);
                var l = Vector256.LoadUnsafe(ref s, (nuint)(x - 1));
                var r = Vector256.LoadUnsafe(ref s, (nuint)(x + 1));
                var c3 = c + c + c;
                var even = Vector256.ShiftRightLogical(c3 + l + eight, 4);
                var odd = Vector256.ShiftRightLogical(c3 + r + seven, 4);
                Interleave(even, odd).StoreUnsafe(ref d, (nuint)(2 * x));
            }
        }
        H2V2HorizontalScalar(sum, dst, x);
    }

    /// <summary>The scalar reference for outputs from sum <paramref name="from"/> (≥ 1) on, plus both edges.</summary>
    internal static void H2V2HorizontalScalar(ReadOnlySpan<short> sum, Span<byte> dst, int from = 1)
    {
        int w = sum.Length;
        dst[0] = (byte)((sum[0] * 4 + 8) >> 4);
        dst[1] = (byte)((sum[0] * 3 + sum[1] + 7) >> 4);
        for (int x = from; x < w - 1; x++)
        {
            int v = sum[x] * 3;
            dst[2 * x] = (byte)((v + sum[x - 1] + 8) >> 4);
            dst[2 * x + 1] = (byte)((v + sum[x + 1] + 7) >> 4);
        }
        dst[2 * w - 2] = (byte)((sum[w - 1] * 3 + sum[w - 2] + 8) >> 4);
        dst[2 * w - 1] = (byte)((sum[w - 1] * 4 + 7) >> 4);
    }

    /// <summary>Bytes e0 o0 e1 o1 ... e15 o15 from two vectors of sixteen 0..255 values (unpack keeps 128-bit lanes, pack restores order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Interleave(Vector256<short> even, Vector256<short> odd) =>
        Avx2.PackUnsignedSaturate(Avx2.UnpackLow(even, odd), Avx2.UnpackHigh(even, odd));
}
