using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Depthwise.Kernels.Quantized;
using Depthwise.Runtime;

namespace Depthwise.Ops;

/// <summary>
/// A group-1 quantized NHWC convolution over a few input channels (at most <see cref="MaxInputChannels"/>: the RGB and
/// gray stems, e.g. MobileNet's 3→32 3×3 stride 2), dilation 1 along the width, computed directly with no im2col
/// matrix (the int8 counterpart of <see cref="SmallInputConvKernel"/>). Per output row, each input row a kernel row
/// reads is widened once into scratch as the int16 <c>x − zx</c>, with zeros for the padding columns (the real zero),
/// so one kernel row of an output pixel is KW·Cin adjacent int16 values. The weights are packed once as
/// <c>w − zw</c> int16 pairs over those values (a kernel row of odd length gets a zero weight in its last pair),
/// [ky, pair, Cout padded to the vector]; each pair is one broadcast int32 of the widened row times one packed row,
/// by <c>pmaddwd</c> (both factors in [−255, 255], exact). Four adjacent output pixels share each weight load and two
/// vectors of output channels each broadcast. Kernel
/// rows in the padding are skipped. The int32 sum <c>bias + Σ (x − zx)(w − zw)</c> is the im2col GEMM's, whatever
/// the order, and goes through the same requantization, so the bytes are identical.
/// Work items are fixed pairs of output rows, so results are identical for any thread count.
/// </summary>
internal sealed unsafe class Q8SmallInputConvKernel : Kernel
{
    /// <summary>The most input channels this kernel takes.</summary>
    public const int MaxInputChannels = 4;

    private const int RowsPerItem = 2;

    private enum Width { V512, V256, V128, Scalar }

    private readonly int _h, _w, _cin, _cout, _oh, _ow, _kh, _kw, _sh, _sw, _dh, _padT, _padL, _rows;
    private readonly int _stride, _pairs, _rowLength, _spanColumns, _threads, _xZeroPoint;
    private readonly bool _xSigned;
    private readonly int[] _weights, _bias; // pinned
    private readonly Q8Requantization _requant;
    private readonly Width _width;

    /// <summary>
    /// Creates the kernel. <paramref name="weights"/> are ONNX's [Cout, Cin, KH, KW] bytes; <paramref name="bias"/>
    /// Cout values or empty. <paramref name="lanes"/> forces a vector width (16, 8, 4 or 1; tests); 0 takes the widest
    /// this machine runs.
    /// </summary>
    public Q8SmallInputConvKernel(SpatialWindow win, int batch, int cin, int cout, ReadOnlySpan<byte> weights, bool weightsSigned,
        ReadOnlySpan<int> weightZeroPoints, ReadOnlySpan<int> bias, bool xSigned, int xZeroPoint, Q8Requantization requant, int threads,
        int lanes = 0)
    {
        if (cin < 1 || cin > MaxInputChannels) throw new ArgumentOutOfRangeException(nameof(cin), cin, $"1..{MaxInputChannels} input channels");
        if (win.Dilation[2] != 1) throw new ArgumentException("dilation 1 along the width only", nameof(win));
        _cin = cin; _cout = cout;
        _h = win.Input[1]; _w = win.Input[2];
        _oh = win.Output[1]; _ow = win.Output[2];
        _kh = win.Kernel[1]; _kw = win.Kernel[2];
        _sh = win.Stride[1]; _sw = win.Stride[2];
        _dh = win.Dilation[1];
        _padT = win.PadBegin[1]; _padL = win.PadBegin[2];
        _rows = batch * _oh;
        _xSigned = xSigned;
        _xZeroPoint = xZeroPoint;
        _requant = requant;
        _threads = Math.Max(1, threads);
        _width = lanes switch
        {
            // The widest width, narrower when the output channels fill less than one vector (e.g. a 3→8 stem).
            0 => Q8Lanes512.IsSupported && cout >= 16 ? Width.V512 : Q8Lanes256.IsSupported && cout >= 8 ? Width.V256
                : Q8Lanes128.IsSupported && cout >= 4 ? Width.V128 : Q8Lanes512.IsSupported ? Width.V512
                : Q8Lanes256.IsSupported ? Width.V256 : Q8Lanes128.IsSupported ? Width.V128 : Width.Scalar,
            16 => Width.V512,
            8 => Width.V256,
            4 => Width.V128,
            1 => Width.Scalar,
            _ => throw new ArgumentOutOfRangeException(nameof(lanes), lanes, "16, 8, 4, 1 or 0"),
        };
        int l = Lanes;
        _stride = (cout + l - 1) / l * l;
        int rowK = _kw * cin;
        _pairs = (rowK + 1) / 2;
        // A widened row covers the columns the outputs read, from −padL; one pair may read one value past a pixel's
        // kernel row (times a zero weight), hence the slack.
        _spanColumns = _ow == 0 ? 0 : (_ow - 1) * _sw + _kw;
        _rowLength = (_spanColumns * cin + 2 + 7) & ~7;
        _weights = GC.AllocateArray<int>(Math.Max(1, _kh * _pairs * _stride), pinned: true);
        for (int o = 0; o < cout; o++)
        {
            int zw = weightZeroPoints[weightZeroPoints.Length == 1 ? 0 : o];
            for (int ky = 0; ky < _kh; ky++)
                for (int j = 0; j < _pairs; j++)
                {
                    int lo = Weight(weights, weightsSigned, zw, o, ky, 2 * j), hi = 2 * j + 1 < rowK ? Weight(weights, weightsSigned, zw, o, ky, 2 * j + 1) : 0;
                    _weights[(ky * _pairs + j) * _stride + o] = (ushort)(short)lo | (hi << 16);
                }
        }
        _bias = GC.AllocateArray<int>(_stride, pinned: true);
        if (!bias.IsEmpty) bias[..cout].CopyTo(_bias);
    }

    private int Weight(ReadOnlySpan<byte> weights, bool signed, int zw, int o, int ky, int k)
    {
        int kx = k / _cin, c = k - kx * _cin;
        byte raw = weights[((o * _cin + c) * _kh + ky) * _kw + kx];
        return (signed ? (sbyte)raw : raw) - zw;
    }

    /// <summary>int32 lanes per vector of the width this kernel was built for.</summary>
    public int Lanes => _width switch { Width.V512 => 16, Width.V256 => 8, Width.V128 => 4, _ => 1 };

    /// <inheritdoc />
    public override int ScratchBytes => checked(_threads * WorkerShorts * sizeof(short));

    private int WorkerShorts => _kh * _rowLength;

    /// <inheritdoc />
    public override void Run(in KernelContext ctx)
    {
        if (_rows == 0 || _ow == 0 || _cout == 0) return;
        var work = new Work { Kernel = this, X = ctx.InputMemory(0), Y = ctx.OutputMemory(0), Scratch = ctx.ScratchMemory };
        ctx.Parallel(ref work, (_rows + RowsPerItem - 1) / RowsPerItem);
    }

    /// <summary>Output rows [<paramref name="row0"/>, + <paramref name="count"/>) (batch·OH rows) with <paramref name="scratch"/> of <see cref="ScratchBytes"/> / threads bytes.</summary>
    internal void Rows(int row0, int count, ReadOnlySpan<byte> x, Span<byte> y, Span<byte> scratch)
    {
        count = Math.Min(count, _rows - row0);
        if (scratch.Length < WorkerShorts * sizeof(short)) throw new ArgumentException("scratch too small", nameof(scratch));
        if (x.Length < (long)_rows / Math.Max(1, _oh) * _h * _w * _cin || y.Length < (long)_rows * _ow * _cout)
            throw new ArgumentException("tensors too small");
        bool fixedPoint = _requant.Mode == RequantizeMode.TfLiteFixedPoint;
        fixed (byte* px = x, py = y, ps = scratch)
        {
            for (int row = row0; row < row0 + count; row++)
            {
                switch (_width)
                {
                    case Width.V512:
                        if (fixedPoint) Row<Q8Lanes512, Vector512<int>, Q8FixedPointRequant>(row, px, py, (short*)ps);
                        else Row<Q8Lanes512, Vector512<int>, Q8RoundHalfEvenRequant>(row, px, py, (short*)ps);
                        break;
                    case Width.V256:
                        if (fixedPoint) Row<Q8Lanes256, Vector256<int>, Q8FixedPointRequant>(row, px, py, (short*)ps);
                        else Row<Q8Lanes256, Vector256<int>, Q8RoundHalfEvenRequant>(row, px, py, (short*)ps);
                        break;
                    case Width.V128:
                        if (fixedPoint) Row<Q8Lanes128, Vector128<int>, Q8FixedPointRequant>(row, px, py, (short*)ps);
                        else Row<Q8Lanes128, Vector128<int>, Q8RoundHalfEvenRequant>(row, px, py, (short*)ps);
                        break;
                    default:
                        if (fixedPoint) Row<Q8LanesScalar, int, Q8FixedPointRequant>(row, px, py, (short*)ps);
                        else Row<Q8LanesScalar, int, Q8RoundHalfEvenRequant>(row, px, py, (short*)ps);
                        break;
                }
            }
        }
    }

    // Hot loop of the first runs too: compiled fully optimized at first call, not at tier 0 (start-up).
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    private void Row<TL, TV, TK>(int row, byte* x, byte* y, short* buf)
        where TL : IQ8Lanes<TV> where TV : struct where TK : IQ8RequantKind
    {
        int n = row / _oh, oy = row - n * _oh, cin = _cin, cout = _cout, stride = _stride, pairs = _pairs, l = TL.Count;
        int iyBase = oy * _sh - _padT;
        int kyLo = 0, kyHi = _kh;
        while (kyLo < _kh && iyBase + kyLo * _dh < 0) kyLo++;
        while (kyHi > kyLo && iyBase + (kyHi - 1) * _dh >= _h) kyHi--;
        byte* image = x + (nint)n * _h * _w * cin;
        for (int ky = kyLo; ky < kyHi; ky++)
            Widen(image + (nint)(iyBase + ky * _dh) * _w * cin, buf + ky * _rowLength);
        var q = _requant.Args;
        byte* yRow = y + (nint)row * _ow * cout;
        int vectors = stride / l, step = _sw * cin, rowLength = _rowLength;
        byte* tmp = stackalloc byte[64];
        fixed (int* w = _weights, bias = _bias)
        {
            int ox = 0;
            for (; ox + 4 <= _ow; ox += 4)
            {
                byte* xp = (byte*)(buf + ox * step);
                nint s1 = step * sizeof(short), s2 = 2 * s1, s3 = 3 * s1;
                int v = 0;
                // Two vectors of output channels at a time: each broadcast feeds two pmaddwd.
                for (; v + 2 <= vectors; v += 2)
                {
                    TV a0 = TL.Load(bias + v * l), a1 = a0, a2 = a0, a3 = a0;
                    TV b0 = TL.Load(bias + (v + 1) * l), b1 = b0, b2 = b0, b3 = b0;
                    for (int ky = kyLo; ky < kyHi; ky++)
                    {
                        byte* xr = xp + ky * rowLength * sizeof(short);
                        int* wp = w + ky * pairs * stride + v * l;
                        for (int j = 0; j < pairs; j++, wp += stride, xr += sizeof(int))
                        {
                            TV wa = TL.Load(wp), wb = TL.Load(wp + l);
                            TV x0 = TL.Splat(Unsafe.ReadUnaligned<int>(xr)), x1 = TL.Splat(Unsafe.ReadUnaligned<int>(xr + s1));
                            a0 = TL.MultiplyAddAdjacent(a0, x0, wa);
                            b0 = TL.MultiplyAddAdjacent(b0, x0, wb);
                            a1 = TL.MultiplyAddAdjacent(a1, x1, wa);
                            b1 = TL.MultiplyAddAdjacent(b1, x1, wb);
                            TV x2 = TL.Splat(Unsafe.ReadUnaligned<int>(xr + s2)), x3 = TL.Splat(Unsafe.ReadUnaligned<int>(xr + s3));
                            a2 = TL.MultiplyAddAdjacent(a2, x2, wa);
                            b2 = TL.MultiplyAddAdjacent(b2, x2, wb);
                            a3 = TL.MultiplyAddAdjacent(a3, x3, wa);
                            b3 = TL.MultiplyAddAdjacent(b3, x3, wb);
                        }
                    }
                    byte* yp = yRow + ox * cout + v * l;
                    int left = cout - v * l, leftB = left - l;
                    Put<TL, TV, TK>(yp, a0, q, v * l, left, tmp);
                    Put<TL, TV, TK>(yp + cout, a1, q, v * l, left, tmp);
                    Put<TL, TV, TK>(yp + 2 * cout, a2, q, v * l, left, tmp);
                    Put<TL, TV, TK>(yp + 3 * cout, a3, q, v * l, left, tmp);
                    Put<TL, TV, TK>(yp + l, b0, q, (v + 1) * l, leftB, tmp);
                    Put<TL, TV, TK>(yp + l + cout, b1, q, (v + 1) * l, leftB, tmp);
                    Put<TL, TV, TK>(yp + l + 2 * cout, b2, q, (v + 1) * l, leftB, tmp);
                    Put<TL, TV, TK>(yp + l + 3 * cout, b3, q, (v + 1) * l, leftB, tmp);
                }
                for (; v < vectors; v++)
                {
                    TV a0 = TL.Load(bias + v * l), a1 = a0, a2 = a0, a3 = a0;
                    for (int ky = kyLo; ky < kyHi; ky++)
                    {
                        byte* xr = xp + ky * rowLength * sizeof(short);
                        int* wp = w + ky * pairs * stride + v * l;
                        for (int j = 0; j < pairs; j++, wp += stride, xr += sizeof(int))
                        {
                            TV wv = TL.Load(wp);
                            a0 = TL.MultiplyAddAdjacent(a0, TL.Splat(Unsafe.ReadUnaligned<int>(xr)), wv);
                            a1 = TL.MultiplyAddAdjacent(a1, TL.Splat(Unsafe.ReadUnaligned<int>(xr + s1)), wv);
                            a2 = TL.MultiplyAddAdjacent(a2, TL.Splat(Unsafe.ReadUnaligned<int>(xr + s2)), wv);
                            a3 = TL.MultiplyAddAdjacent(a3, TL.Splat(Unsafe.ReadUnaligned<int>(xr + s3)), wv);
                        }
                    }
                    byte* yp = yRow + ox * cout + v * l;
                    int left = cout - v * l;
                    Put<TL, TV, TK>(yp, a0, q, v * l, left, tmp);
                    Put<TL, TV, TK>(yp + cout, a1, q, v * l, left, tmp);
                    Put<TL, TV, TK>(yp + 2 * cout, a2, q, v * l, left, tmp);
                    Put<TL, TV, TK>(yp + 3 * cout, a3, q, v * l, left, tmp);
                }
            }
            for (; ox < _ow; ox++)
            {
                byte* xp = (byte*)(buf + ox * step);
                for (int v = 0; v < vectors; v++)
                {
                    TV a0 = TL.Load(bias + v * l);
                    for (int ky = kyLo; ky < kyHi; ky++)
                    {
                        byte* xr = xp + ky * rowLength * sizeof(short);
                        int* wp = w + ky * pairs * stride + v * l;
                        for (int j = 0; j < pairs; j++, wp += stride, xr += sizeof(int))
                            a0 = TL.MultiplyAddAdjacent(a0, TL.Splat(Unsafe.ReadUnaligned<int>(xr)), TL.Load(wp));
                    }
                    Put<TL, TV, TK>(yRow + ox * cout + v * l, a0, q, v * l, cout - v * l, tmp);
                }
            }
        }
    }

    /// <summary>
    /// Requantizes and stores one vector of outputs, only the first <paramref name="left"/> bytes when fewer remain
    /// (through <paramref name="tmp"/>: no call here, which would make the JIT spill the other accumulators in the loop).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<TL, TV, TK>(byte* y, TV acc, in Q8RequantArgs q, int channel, int left, byte* tmp)
        where TL : IQ8Lanes<TV> where TV : struct where TK : IQ8RequantKind
    {
        TV r = TK.Requantize<TL, TV>(acc, q, channel);
        if (left >= TL.Count)
        {
            TL.StoreBytes(y, r);
            return;
        }
        TL.StoreBytes(tmp, r);
        for (int i = 0; i < left; i++) y[i] = tmp[i];
    }

    /// <summary>
    /// dst = the widened row: column i (from −padL) holds <c>x − zx</c> as int16 for columns inside the input, 0 for the
    /// padding and the slack.
    /// </summary>
    private void Widen(byte* src, short* dst)
    {
        int cin = _cin, zx = _xZeroPoint;
        int first = Math.Min(_padL, _spanColumns); // columns left of the input
        int last = Math.Clamp(_w + _padL, first, _spanColumns); // one past the last column inside
        int i = 0, begin = first * cin, end = last * cin;
        for (; i < begin; i++) dst[i] = 0;
        byte* s = src - begin;
        if (Vector128.IsHardwareAccelerated)
        {
            var z = Vector128.Create((short)zx);
            for (; i + 16 <= end; i += 16)
            {
                Vector128<byte> b = Vector128.Load(s + i);
                Vector128<short> lo, hi;
                if (_xSigned)
                    (lo, hi) = Vector128.Widen(b.AsSByte());
                else
                {
                    var (ul, uh) = Vector128.Widen(b);
                    (lo, hi) = (ul.AsInt16(), uh.AsInt16());
                }
                (lo - z).Store(dst + i);
                (hi - z).Store(dst + i + 8);
            }
        }
        if (_xSigned) for (; i < end; i++) dst[i] = (short)((sbyte)s[i] - zx);
        else for (; i < end; i++) dst[i] = (short)(s[i] - zx);
        for (; i < _rowLength; i++) dst[i] = 0;
    }

    private struct Work : IParallelWork
    {
        public Q8SmallInputConvKernel Kernel;
        public ReadOnlyMemory<byte> X;
        public Memory<byte> Y;
        public Memory<byte> Scratch;

        public readonly void Execute(int index, int worker)
        {
            int bytes = Kernel.WorkerShorts * sizeof(short);
            Kernel.Rows(index * RowsPerItem, RowsPerItem, X.Span, Y.Span, Scratch.Span.Slice(worker * bytes, bytes));
        }
    }
}
