using System.Runtime.CompilerServices;

namespace Depthwise.Vision.Codecs;

/// <summary>
/// stb_image's chroma upsampling (<see cref="JpegCompatibility.StbImage"/>), written from its arithmetic. With
/// expansion factors hs × vs = Hmax/H × Vmax/V:
/// <list type="bullet">
/// <item>1×1: the plane as is.</item>
/// <item>1×2: (3·near + far + 2) &gt;&gt; 2, near the nearest input row, far the other neighbour (the edge row repeated).</item>
/// <item>2×1: out[0] = in[0]; out[2i−1], out[2i] = (3·in[i−1] + in[i] + 2) &gt;&gt; 2, (3·in[i] + in[i−1] + 2) &gt;&gt; 2 —
///   except that stb's second-to-last output weighs in[w−2] by 3 (its edge code does); the last output is in[w−1];
///   one input sample gives two copies.</item>
/// <item>2×2: column sums t = 3·near + far, then out[0] = (t0 + 2) &gt;&gt; 2, out[2i−1] = (3·t[i−1] + t[i] + 8) &gt;&gt; 4,
///   out[2i] = (3·t[i] + t[i−1] + 8) &gt;&gt; 4, out[2w−1] = (t[w−1] + 2) &gt;&gt; 2.</item>
/// <item>any other ratio: replication (nearest input sample and row).</item>
/// </list>
/// Unlike libjpeg there is no alternating rounding bias and no fallback to replication for narrow components.
/// </summary>
internal sealed class JpegStbUpsampler : IJpegRowSource
{
    private enum Method { Full, V2, H2, HV2, Replicate }

    private readonly JpegComponent _c;
    private readonly Method _method;
    private readonly int _hs, _vs, _outWidth;

    /// <summary>Chooses the filter for <paramref name="c"/> in <paramref name="frame"/> (integral ratios, checked by the parser).</summary>
    public JpegStbUpsampler(JpegFrame frame, JpegComponent c)
    {
        _c = c;
        _outWidth = frame.Width;
        _hs = frame.HMax / c.H;
        _vs = frame.VMax / c.V;
        _method = (_hs, _vs) switch
        {
            (1, 1) => Method.Full,
            (1, 2) => Method.V2,
            (2, 1) => Method.H2,
            (2, 2) => Method.HV2,
            _ => Method.Replicate,
        };
    }

    /// <inheritdoc/>
    public int ScratchLength => _c.Width * _hs + 8;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> Row(int y, Span<byte> scratch)
    {
        var c = _c;
        int stride = c.PlaneStride, w = c.Width;
        var plane = c.Plane;
        // The nearest input row, and for the vertical filters the other neighbour: above for the upper output row
        // of a pair, below for the lower one, the edge row repeated.
        int near = Math.Min(y / _vs, c.Height - 1);
        int far = (y & 1) == 0 ? Math.Max(near - 1, 0) : Math.Min(near + 1, c.Height - 1);
        switch (_method)
        {
            case Method.Full:
                return plane.AsSpan(y * stride, _outWidth);
            case Method.V2:
            {
                var n = plane.AsSpan(near * stride, w);
                var f = plane.AsSpan(far * stride, w);
                for (int x = 0; x < w; x++)
                    scratch[x] = (byte)((3 * n[x] + f[x] + 2) >> 2);
                return scratch;
            }
            case Method.H2:
                H2(plane.AsSpan(near * stride, w), scratch);
                return scratch;
            case Method.HV2:
                HV2(plane.AsSpan(near * stride, w), plane.AsSpan(far * stride, w), scratch);
                return scratch;
            default:
            {
                var src = plane.AsSpan(near * stride, w);
                int hs = _hs;
                var dst = scratch.Slice(0, _outWidth);
                for (int x = 0; x < dst.Length; x++)
                    dst[x] = src[x / hs];
                return scratch;
            }
        }
    }

    /// <summary>The 2:1 horizontal filter (2·len outputs), with stb's edges.</summary>
    internal static void H2(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int w = input.Length;
        if (w == 1)
        {
            output[0] = output[1] = input[0];
            return;
        }
        output[0] = input[0];
        output[1] = (byte)((input[0] * 3 + input[1] + 2) >> 2);
        int i = 1;
        for (; i < w - 1; i++)
        {
            int n = 3 * input[i] + 2;
            output[2 * i] = (byte)((n + input[i - 1]) >> 2);
            output[2 * i + 1] = (byte)((n + input[i + 1]) >> 2);
        }
        // stb weighs in[w - 2] by 3 here, not in[w - 1].
        output[2 * i] = (byte)((input[w - 2] * 3 + input[w - 1] + 2) >> 2);
        output[2 * i + 1] = input[w - 1];
    }

    /// <summary>The 2×2 filter on one pair of input rows (2·len outputs).</summary>
    internal static void HV2(ReadOnlySpan<byte> near, ReadOnlySpan<byte> far, Span<byte> output)
    {
        int w = near.Length;
        int t1 = 3 * near[0] + far[0];
        if (w == 1)
        {
            output[0] = output[1] = (byte)((t1 + 2) >> 2);
            return;
        }
        output[0] = (byte)((t1 + 2) >> 2);
        for (int i = 1; i < w; i++)
        {
            int t0 = t1;
            t1 = 3 * near[i] + far[i];
            output[2 * i - 1] = (byte)((3 * t0 + t1 + 8) >> 4);
            output[2 * i] = (byte)((3 * t1 + t0 + 8) >> 4);
        }
        output[2 * w - 1] = (byte)((t1 + 2) >> 2);
    }
}
