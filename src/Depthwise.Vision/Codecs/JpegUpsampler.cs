namespace Depthwise.Vision.Codecs;

/// <summary>
/// Brings one component to full image resolution, one output row at a time, choosing the method libjpeg's
/// jdsample picks with fancy upsampling on (djpeg's default): the triangle filter ("fancy") for 2:1 horizontal,
/// 2:1 vertical and 2:1 both ways (weights 3/4 and 1/4 per direction, with libjpeg's alternating rounding bias), and
/// plain replication for other integral ratios (and for 2:1 horizontal when the component is at most 2 samples wide).
/// Samples beyond the component's edge repeat the edge sample, as libjpeg's context rows do.
/// </summary>
internal sealed class JpegUpsampler
{
    private enum Method { Full, H2V1Fancy, H1V2Fancy, H2V2Fancy, Replicate }

    private readonly JpegComponent _c;
    private readonly Method _method;
    private readonly int _hExpand, _vExpand, _outWidth;
    private readonly int[] _colSum;

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
        _colSum = _method == Method.H2V2Fancy ? new int[c.Width] : [];
    }

    /// <summary>Scratch bytes <see cref="Row"/> may need: the output width rounded up to whole expansions.</summary>
    public int ScratchLength => _c.Width * _hExpand + 8;

    /// <summary>Full-resolution samples of output row <paramref name="y"/> (at least the image width of them).</summary>
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
                var near = plane.AsSpan(inRow * stride, w);
                var far = plane.AsSpan(farRow * stride, w);
                int bias = upper ? 1 : 2;
                for (int x = 0; x < w; x++)
                    scratch[x] = (byte)((near[x] * 3 + far[x] + bias) >> 2);
                return scratch;
            }

            case Method.H2V2Fancy:
            {
                int inRow = y >> 1;
                int farRow = (y & 1) == 0 ? Math.Max(inRow - 1, 0) : Math.Min(inRow + 1, c.Height - 1);
                var near = plane.AsSpan(inRow * stride, w);
                var far = plane.AsSpan(farRow * stride, w);
                var sum = _colSum.AsSpan(0, w);
                for (int x = 0; x < sum.Length; x++)
                    sum[x] = near[x] * 3 + far[x];
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

    /// <summary>2:1 horizontal triangle filter: outputs at 1/4 and 3/4 between input centers, bias 1 then 2.</summary>
    private static void H2V1(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int w = src.Length;
        dst[0] = src[0];
        dst[1] = (byte)((src[0] * 3 + src[1] + 2) >> 2);
        for (int x = 1; x < w - 1; x++)
        {
            int v = src[x] * 3;
            dst[2 * x] = (byte)((v + src[x - 1] + 1) >> 2);
            dst[2 * x + 1] = (byte)((v + src[x + 1] + 2) >> 2);
        }
        dst[2 * w - 2] = (byte)((src[w - 1] * 3 + src[w - 2] + 1) >> 2);
        dst[2 * w - 1] = src[w - 1];
    }

    /// <summary>The horizontal half of the 2×2 triangle filter on column sums (3·near + far): bias 8 then 7, /16.</summary>
    private static void H2V2Horizontal(ReadOnlySpan<int> sum, Span<byte> dst)
    {
        int w = sum.Length;
        dst[0] = (byte)((sum[0] * 4 + 8) >> 4);
        dst[1] = (byte)((sum[0] * 3 + sum[1] + 7) >> 4);
        for (int x = 1; x < w - 1; x++)
        {
            int v = sum[x] * 3;
            dst[2 * x] = (byte)((v + sum[x - 1] + 8) >> 4);
            dst[2 * x + 1] = (byte)((v + sum[x + 1] + 7) >> 4);
        }
        dst[2 * w - 2] = (byte)((sum[w - 1] * 3 + sum[w - 2] + 8) >> 4);
        dst[2 * w - 1] = (byte)((sum[w - 1] * 4 + 7) >> 4);
    }
}
