using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Depthwise.Kernels;
using Depthwise.Kernels.Depthwise;
using Depthwise.Runtime;

namespace Depthwise.Ops;

/// <summary>
/// A group-1 NHWC convolution over a few input channels (at most <see cref="MaxInputChannels"/>: the RGB and gray stems,
/// e.g. MobileNet's 3→32 3×3 stride 2) computed directly, with no im2col matrix: for each output pixel the output
/// channels are vector accumulators, two vectors at a time, and every tap (ky, kx) that reads inside the image adds
/// x[iy, ix, c] (broadcast) times the packed weight row W[ky, kx, c, ·] for each input channel c. An im2col row here
/// would hold only KH·KW·Cin = 27 values per pixel, gathered three floats at a time, which cost more than the
/// arithmetic. Each output sums its bias, then the taps in (ky, kx, c) order with the lanes' multiply-add, exactly as
/// the im2col GEMM does (it skips padding taps, which add only zero products), so the two agree bit for bit. Clamp
/// (ReLU, ReLU6) and HardSwish are applied before the store; a residual or another activation runs after, over the row.
/// Work items are fixed pairs of output rows, so results are identical for any thread count.
/// </summary>
internal sealed unsafe class SmallInputConvKernel : Kernel
{
    /// <summary>The most input channels this kernel takes (wider inputs are GEMM-shaped enough for im2col).</summary>
    public const int MaxInputChannels = 4;

    private const int RowsPerItem = 2;

    private enum Width { V512, V256, V128, Scalar }

    private readonly int _n, _h, _w, _cin, _cout, _oh, _ow, _kh, _kw, _sh, _sw, _dh, _dw, _padT, _padL, _stride;
    private readonly float[] _weights, _bias;
    private readonly FusedActivation _fused;
    private readonly float _min, _max;
    private readonly ConvActivation _post;
    private readonly Width _width;

    /// <summary>
    /// Creates the kernel. <paramref name="weights"/> are ONNX's [Cout, Cin, KH, KW]; <paramref name="bias"/> is Cout
    /// values or empty. <paramref name="lanes"/> forces a vector width (16, 8, 4 or 1; tests); 0 takes the widest the
    /// machine accelerates.
    /// </summary>
    public SmallInputConvKernel(SpatialWindow win, int batch, int cin, int cout, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias, ConvActivation activation, bool residual, int lanes = 0)
    {
        if (cin < 1 || cin > MaxInputChannels) throw new ArgumentOutOfRangeException(nameof(cin), cin, $"1..{MaxInputChannels} input channels");
        _n = batch; _cin = cin; _cout = cout;
        _h = win.Input[1]; _w = win.Input[2];
        _oh = win.Output[1]; _ow = win.Output[2];
        _kh = win.Kernel[1]; _kw = win.Kernel[2];
        _sh = win.Stride[1]; _sw = win.Stride[2];
        _dh = win.Dilation[1]; _dw = win.Dilation[2];
        _padT = win.PadBegin[1]; _padL = win.PadBegin[2];
        _width = lanes switch
        {
            0 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Fma.IsSupported ? Width.V512
                : Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported ? Width.V256
                : Vector128.IsHardwareAccelerated ? Width.V128 : Width.Scalar,
            16 => Width.V512,
            8 => Width.V256,
            4 => Width.V128,
            1 => Width.Scalar,
            _ => throw new ArgumentOutOfRangeException(nameof(lanes), lanes, "16, 8, 4, 1 or 0"),
        };
        int l = LaneCount(_width);
        // Rows of W padded to whole vectors (the pad is zero and never stored).
        _stride = (cout + l - 1) / l * l;
        _weights = new float[_kh * _kw * cin * _stride];
        for (int o = 0; o < cout; o++)
            for (int c = 0; c < cin; c++)
                for (int ky = 0; ky < _kh; ky++)
                    for (int kx = 0; kx < _kw; kx++)
                        _weights[((ky * _kw + kx) * cin + c) * _stride + o] = weights[((o * cin + c) * _kh + ky) * _kw + kx];
        _bias = new float[_stride];
        bias.CopyTo(_bias);
        var (epilogue, after) = activation.ToFused();
        if (residual)
        {
            // The residual comes before the activation: the whole activation runs after the add.
            _fused = FusedActivation.None;
            _post = activation;
        }
        else
        {
            _fused = epilogue.Activation;
            _min = epilogue.Min;
            _max = epilogue.Max;
            _post = after;
        }
        Residual = residual;
    }

    /// <summary>True when the output adds <see cref="ConvOp.ResidualInput"/>.</summary>
    public bool Residual { get; }

    /// <summary>The vector width in floats this kernel was built for.</summary>
    public int Lanes => LaneCount(_width);

    private static int LaneCount(Width width) => width switch { Width.V512 => 16, Width.V256 => 8, Width.V128 => 4, _ => 1 };

    /// <inheritdoc />
    public override void Run(in KernelContext ctx)
    {
        int rows = _n * _oh;
        if (rows == 0 || _ow == 0 || _cout == 0) return;
        var work = new Work
        {
            Kernel = this,
            X = ctx.InputMemory(0),
            Y = ctx.OutputMemory(0),
            R = ctx.HasInput(ConvOp.ResidualInput) ? ctx.InputMemory(ConvOp.ResidualInput) : default,
        };
        ctx.Parallel(ref work, (rows + RowsPerItem - 1) / RowsPerItem);
    }

    /// <summary>Computes output rows [<paramref name="row0"/>, <paramref name="row0"/> + count) of <paramref name="x"/> into <paramref name="y"/>.</summary>
    internal void Rows(int row0, int count, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> r)
    {
        count = Math.Min(count, _n * _oh - row0);
        fixed (float* px = x, py = y, pw = _weights, pb = _bias)
        {
            for (int row = row0; row < row0 + count; row++)
            {
                switch (_width)
                {
                    case Width.V512: Row<F32Lanes512, Vector512<float>>(row, px, py, pw, pb); break;
                    case Width.V256: Row<F32Lanes256, Vector256<float>>(row, px, py, pw, pb); break;
                    case Width.V128: Row<F32Lanes128, Vector128<float>>(row, px, py, pw, pb); break;
                    default: Row<F32LanesScalar, float>(row, px, py, pw, pb); break;
                }
                if (!_post.IsNone || Residual)
                {
                    int offset = row * _ow * _cout;
                    ConvPostActivation.Apply(_post, y.Slice(offset, _ow * _cout), r.IsEmpty ? default : r.Slice(offset, _ow * _cout));
                }
            }
        }
    }

    private void Row<TL, TV>(int row, float* x, float* y, float* w, float* b)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
    {
        switch (_fused)
        {
            case FusedActivation.Clamp: Row<TL, TV, ClampActivationKind>(row, x, y, w, b); break;
            case FusedActivation.HardSwish: Row<TL, TV, HardSwishActivationKind>(row, x, y, w, b); break;
            default: Row<TL, TV, LinearActivationKind>(row, x, y, w, b); break;
        }
    }

    // Hot loop of the first runs too: compiled fully optimized at first call, not at tier 0 (start-up).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Row<TL, TV, TA>(int row, float* x, float* y, float* w, float* b)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind
    {
        int l = TL.Count, n = row / _oh, oy = row - n * _oh, cin = _cin, cout = _cout, stride = _stride;
        int iyBase = oy * _sh - _padT;
        // The taps ky whose input row exists.
        int kyLo = 0, kyHi = _kh;
        while (kyLo < _kh && iyBase + kyLo * _dh < 0) kyLo++;
        while (kyHi > kyLo && iyBase + (kyHi - 1) * _dh >= _h) kyHi--;
        var min = TL.Splat(_min);
        var max = TL.Splat(_max);
        float* xImage = x + (long)n * _h * _w * cin;
        float* yRow = y + (long)row * _ow * cout;
        int vectors = stride / l;
        // Output columns whose every tap reads inside the row: four of them at a time share each weight load and give
        // four independent multiply-add chains (one pixel alone is a chain of KH·KW·Cin dependent FMAs).
        int oxLo = Math.Min(_ow, (_padL + _sw - 1) / _sw);
        int lastStart = _w - 1 - (_kw - 1) * _dw + _padL; // ox·stride may reach this and keep the last tap inside
        int oxHi = lastStart < 0 ? oxLo : Math.Max(oxLo, Math.Min(_ow, lastStart / _sw + 1));
        for (int ox = 0; ox < _ow; ox++)
        {
            int ixBase = ox * _sw - _padL;
            if (ox >= oxLo && ox + 3 < oxHi)
            {
                Block4<TL, TV, TA>(xImage, yRow + (long)ox * cout, w, b, iyBase, ixBase, kyLo, kyHi, min, max);
                ox += 3;
                continue;
            }
            int kxLo = 0, kxHi = _kw;
            while (kxLo < _kw && ixBase + kxLo * _dw < 0) kxLo++;
            while (kxHi > kxLo && ixBase + (kxHi - 1) * _dw >= _w) kxHi--;
            float* yPixel = yRow + (long)ox * cout;
            int v = 0;
            for (; v + 1 < vectors; v += 2)
            {
                var acc0 = TL.Load(b + v * l);
                var acc1 = TL.Load(b + (v + 1) * l);
                for (int ky = kyLo; ky < kyHi; ky++)
                {
                    float* xRow = xImage + (long)(iyBase + ky * _dh) * _w * cin;
                    for (int kx = kxLo; kx < kxHi; kx++)
                    {
                        float* xp = xRow + (ixBase + kx * _dw) * cin;
                        float* wp = w + (long)(ky * _kw + kx) * cin * stride + v * l;
                        for (int c = 0; c < cin; c++, wp += stride)
                        {
                            var xv = TL.Splat(xp[c]);
                            acc0 = TL.MultiplyAdd(xv, TL.Load(wp), acc0);
                            acc1 = TL.MultiplyAdd(xv, TL.Load(wp + l), acc1);
                        }
                    }
                }
                Store<TL, TV, TA>(yPixel + v * l, acc0, min, max, cout - v * l);
                Store<TL, TV, TA>(yPixel + (v + 1) * l, acc1, min, max, cout - (v + 1) * l);
            }
            if (v < vectors)
            {
                var acc = TL.Load(b + v * l);
                for (int ky = kyLo; ky < kyHi; ky++)
                {
                    float* xRow = xImage + (long)(iyBase + ky * _dh) * _w * cin;
                    for (int kx = kxLo; kx < kxHi; kx++)
                    {
                        float* xp = xRow + (ixBase + kx * _dw) * cin;
                        float* wp = w + (long)(ky * _kw + kx) * cin * stride + v * l;
                        for (int c = 0; c < cin; c++, wp += stride)
                            acc = TL.MultiplyAdd(TL.Splat(xp[c]), TL.Load(wp), acc);
                    }
                }
                Store<TL, TV, TA>(yPixel + v * l, acc, min, max, cout - v * l);
            }
        }
    }

    /// <summary>Four adjacent interior output pixels (every kx tap inside the row), one vector of channels at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Block4<TL, TV, TA>(float* xImage, float* yPixel, float* w, float* b, int iyBase, int ixBase, int kyLo, int kyHi, TV min, TV max)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind
    {
        int l = TL.Count, cin = _cin, cout = _cout, stride = _stride, step = _sw * cin;
        int vectors = stride / l;
        for (int v = 0; v < vectors; v++)
        {
            var acc0 = TL.Load(b + v * l);
            var acc1 = acc0;
            var acc2 = acc0;
            var acc3 = acc0;
            for (int ky = kyLo; ky < kyHi; ky++)
            {
                float* xRow = xImage + (long)(iyBase + ky * _dh) * _w * cin;
                for (int kx = 0; kx < _kw; kx++)
                {
                    float* xp = xRow + (ixBase + kx * _dw) * cin;
                    float* wp = w + (long)(ky * _kw + kx) * cin * stride + v * l;
                    for (int c = 0; c < cin; c++, wp += stride)
                    {
                        var wv = TL.Load(wp);
                        acc0 = TL.MultiplyAdd(TL.Splat(xp[c]), wv, acc0);
                        acc1 = TL.MultiplyAdd(TL.Splat(xp[c + step]), wv, acc1);
                        acc2 = TL.MultiplyAdd(TL.Splat(xp[c + 2 * step]), wv, acc2);
                        acc3 = TL.MultiplyAdd(TL.Splat(xp[c + 3 * step]), wv, acc3);
                    }
                }
            }
            int left = cout - v * l;
            Store<TL, TV, TA>(yPixel + v * l, acc0, min, max, left);
            Store<TL, TV, TA>(yPixel + cout + v * l, acc1, min, max, left);
            Store<TL, TV, TA>(yPixel + 2 * cout + v * l, acc2, min, max, left);
            Store<TL, TV, TA>(yPixel + 3 * cout + v * l, acc3, min, max, left);
        }
    }

    /// <summary>Activates and stores one vector of outputs, only the first <paramref name="left"/> lanes when fewer remain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TL, TV, TA>(float* y, TV acc, TV min, TV max, int left)
        where TL : struct, IF32Lanes<TV>
        where TV : struct
        where TA : struct, IDepthwiseConvActivationKind
    {
        var value = F32DepthwiseConvDriver.Activate<TL, TV, TA>(acc, min, max);
        if (left >= TL.Count) TL.Store(y, value);
        else TL.StorePartial(y, value, left);
    }

    private struct Work : IParallelWork
    {
        public SmallInputConvKernel Kernel;
        public ReadOnlyMemory<byte> X;
        public Memory<byte> Y;
        public ReadOnlyMemory<byte> R;

        public readonly void Execute(int index, int worker) =>
            Kernel.Rows(index * RowsPerItem, RowsPerItem, MemoryMarshal.Cast<byte, float>(X.Span), MemoryMarshal.Cast<byte, float>(Y.Span),
                R.IsEmpty ? default : MemoryMarshal.Cast<byte, float>(R.Span));
    }
}
