using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Depthwise.Tensors;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// The mean of each channel's image of 8-bit data, requantized. TFLite (MEAN over H, W with keep_dims: optimized_ops
/// Mean for uint8, optimized_integer_ops Mean for int8): acc = Σ q; y = MultiplyByQuantizedMultiplier(acc, M, shift) +
/// bias with real = s_in / (N · s_out) and bias = z_out − round_half_away(z_in · s_in / s_out), both in float; clamped to
/// the type. ONNX Runtime (MLAS QLinearGlobalAveragePool): y = round_half_even(clamp((Σ q − z_in·N) · s, ...)) + z_out with
/// s = s_in / (s_out · N) in float. Channels-last sums run across channels, a byte vector's worth (four int32 vectors)
/// per step, accumulating in registers over the image; channels-first images are summed contiguously.
/// </summary>
internal readonly unsafe struct Q8GlobalAveragePool
{
    private readonly Q8Isa _isa;
    private readonly bool _float;
    private readonly byte _flip;
    private readonly int _size;          // N: elements per channel image
    private readonly int _subtract;      // taken from the unsigned-domain sum before requantizing
    private readonly int _multiplier, _leftShift, _rightShift, _add, _min, _max;
    private readonly float _scale, _lo, _hi;

    /// <summary>The kernel for images of <paramref name="size"/> elements from <paramref name="input"/> to <paramref name="output"/> quantization.</summary>
    public Q8GlobalAveragePool(int size, QuantParams input, QuantParams output, DataType type, RequantizeMode mode, Q8Isa isa)
    {
        int offset = type == DataType.Int8 ? 128 : 0;
        float si = input.Scales[0], so = output.Scales[0];
        int zi = (int)input.ZeroPoints[0], zo = (int)output.ZeroPoints[0];
        _isa = isa;
        _flip = type == DataType.Int8 ? (byte)0x80 : (byte)0;
        _size = size;
        _min = 0;
        _max = 255;
        _float = mode == RequantizeMode.FloatRoundHalfEven;
        if (_float)
        {
            _scale = si / (so * size);
            _subtract = (zi + offset) * size;
            _lo = -offset - zo;
            _hi = 255 - offset - zo;
            _add = zo + offset;
        }
        else
        {
            float temp = zi * si / so;
            temp = temp > 0 ? temp + 0.5f : temp - 0.5f;
            int bias = zo - (int)temp;
            float realScale = si / ((float)size * so);
            var (m, shift) = FixedPoint.QuantizeMultiplier(realScale);
            _multiplier = m;
            _leftShift = Math.Max(shift, 0);
            _rightShift = Math.Max(-shift, 0);
            _subtract = offset * size;
            _add = bias + offset;
        }
    }

    /// <summary>The stored output byte for a channel whose unsigned-domain sum (Σ (q XOR flip)) is <paramref name="sum"/>.</summary>
    public byte Finish(int sum)
    {
        int acc = sum - _subtract;
        int y = _float
            ? Q8ElementwiseLanesScalar.RoundToEven(Q8ElementwiseLanesScalar.ClampF(acc * _scale, _lo, _hi)) + _add
            : FixedPoint.RoundingDivideByPot(FixedPoint.SaturatingRoundingDoublingHighMul(acc * (1 << _leftShift), _multiplier), _rightShift) + _add;
        return (byte)(Math.Clamp(y, _min, _max) ^ _flip);
    }

    /// <summary>Channels-first: y[c] for <c>y.Length</c> contiguous images of <see cref="_size"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunChannelsFirst(ReadOnlySpan<byte> x, Span<byte> y)
    {
        if (x.Length < (long)y.Length * _size) throw new ArgumentException("input is shorter than the images");
        fixed (byte* px = x)
        {
            for (int c = 0; c < y.Length; c++) y[c] = Finish(Sum(px + (long)c * _size, _size));
        }
    }

    private int Sum(byte* p, int n)
    {
        int i = 0, sum = 0;
        if (_isa == Q8Isa.V512 && n >= Q8ElementwiseLanes512.ByteCount) sum = SumLanes<Q8ElementwiseLanes512, Vector512<int>, Vector512<float>>(p, n, ref i);
        else if (_isa >= Q8Isa.V256 && n >= Q8ElementwiseLanes256.ByteCount) sum = SumLanes<Q8ElementwiseLanes256, Vector256<int>, Vector256<float>>(p, n, ref i);
        else if (_isa >= Q8Isa.V128 && n >= Q8ElementwiseLanes128.ByteCount) sum = SumLanes<Q8ElementwiseLanes128, Vector128<int>, Vector128<float>>(p, n, ref i);
        for (; i < n; i++) sum += p[i] ^ _flip;
        return sum;
    }

    private int SumLanes<TL, TI, TF>(byte* p, int n, ref int i) where TL : struct, IQ8ElementwiseLanes<TI, TF> where TI : struct where TF : struct
    {
        TI a = TL.Splat(0), b = a, c = a, d = a;
        int w = TL.ByteCount;
        for (; i + w <= n; i += w)
        {
            TL.LoadWidened(p + i, _flip, out var x0, out var x1, out var x2, out var x3);
            a = TL.Add(a, x0); b = TL.Add(b, x1); c = TL.Add(c, x2); d = TL.Add(d, x3);
        }
        return TL.Sum(TL.Add(TL.Add(a, b), TL.Add(c, d)));
    }

    /// <summary>
    /// Channels-last: one batch item [pixels, channels] → y[channels], summing each channel over the <see cref="_size"/>
    /// pixels <paramref name="channels"/> bytes apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunChannelsLast(ReadOnlySpan<byte> x, int channels, Span<byte> y)
    {
        if (x.Length < (long)channels * _size || y.Length < channels) throw new ArgumentException("spans are shorter than the image");
        fixed (byte* px = x, py = y)
        {
            if (_isa == Q8Isa.V512 && channels >= Q8ElementwiseLanes512.ByteCount) Channels<Q8ElementwiseLanes512, Vector512<int>, Vector512<float>>(px, py, channels);
            else if (_isa >= Q8Isa.V256 && channels >= Q8ElementwiseLanes256.ByteCount) Channels<Q8ElementwiseLanes256, Vector256<int>, Vector256<float>>(px, py, channels);
            else if (_isa >= Q8Isa.V128 && channels >= Q8ElementwiseLanes128.ByteCount) Channels<Q8ElementwiseLanes128, Vector128<int>, Vector128<float>>(px, py, channels);
            else if (channels >= Q8ElementwiseLanesScalar.ByteCount) Channels<Q8ElementwiseLanesScalar, int, float>(px, py, channels);
            else
            {
                for (int c = 0; c < channels; c++)
                {
                    int sum = 0;
                    for (int p = 0; p < _size; p++) sum += px[(long)p * channels + c] ^ _flip;
                    py[c] = Finish(sum);
                }
            }
        }
    }

    /// <summary>Blocks of a byte vector's width of channels; the last block overlaps the one before when needed.</summary>
    private void Channels<TL, TI, TF>(byte* x, byte* y, int channels) where TL : struct, IQ8ElementwiseLanes<TI, TF> where TI : struct where TF : struct
    {
        int w = TL.ByteCount;
        for (int c = 0, last = channels - w; ; c = Math.Min(c + w, last))
        {
            TI a = TL.Splat(0), b = a, cc = a, d = a;
            byte* p = x + c;
            for (int i = 0; i < _size; i++, p += channels)
            {
                TL.LoadWidened(p, _flip, out var x0, out var x1, out var x2, out var x3);
                a = TL.Add(a, x0); b = TL.Add(b, x1); cc = TL.Add(cc, x2); d = TL.Add(d, x3);
            }
            TL.StoreNarrowed(y + c, _flip, Finish<TL, TI, TF>(a), Finish<TL, TI, TF>(b), Finish<TL, TI, TF>(cc), Finish<TL, TI, TF>(d));
            if (c == last) break;
        }
    }

    /// <summary><see cref="Finish(int)"/> on every lane, leaving the unsigned-domain byte for <see cref="IQ8ElementwiseLanes{TI, TF}.StoreNarrowed"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TI Finish<TL, TI, TF>(TI sum) where TL : struct, IQ8ElementwiseLanes<TI, TF> where TI : struct where TF : struct
    {
        var acc = TL.Subtract(sum, TL.Splat(_subtract));
        TI y = _float
            ? TL.RoundToEven(TL.ClampF(TL.MultiplyF(TL.ToFloat(acc), TL.SplatF(_scale)), TL.SplatF(_lo), TL.SplatF(_hi)))
            : TL.RoundingDivideByPot(TL.Srdhm(TL.ShiftLeft(acc, _leftShift), TL.Splat(_multiplier)), _rightShift);
        return TL.Min(TL.Max(TL.Add(y, TL.Splat(_add)), TL.Splat(_min)), TL.Splat(_max));
    }
}
