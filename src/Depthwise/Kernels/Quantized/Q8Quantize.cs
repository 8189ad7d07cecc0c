using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Depthwise.Tensors;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// float32 → 8-bit quantization of a contiguous run with one scale and zero point: q = clamp(round(x / s) + z).
/// TFLite (AffineQuantize) rounds half away from zero; ONNX Runtime (MlasQuantizeLinear) rounds half to even. Both
/// divide (not multiply by 1/s). The value is clamped to [q_min − z, q_max − z] before rounding, which gives the same
/// result as clamping after and maps NaN to q_min, as MLAS's MAXPS does. Vector paths convert four float vectors per
/// byte vector, lane for lane the scalar formula.
/// </summary>
internal readonly unsafe struct Q8Quantize
{
    private readonly Q8Isa _isa;
    private readonly byte _flip;
    private readonly bool _halfEven;
    private readonly float _scale, _lo, _hi;
    private readonly int _zeroUnsigned;

    /// <summary>A quantizer to <paramref name="type"/> (UInt8 or Int8) with scale <paramref name="scale"/> and zero point <paramref name="zeroPoint"/>.</summary>
    public Q8Quantize(float scale, int zeroPoint, DataType type, RequantizeMode mode, Q8Isa isa)
    {
        int offset = type == DataType.Int8 ? 128 : 0;
        int qmin = -offset, qmax = 255 - offset;
        _isa = isa;
        _flip = type == DataType.Int8 ? (byte)0x80 : (byte)0;
        _halfEven = mode == RequantizeMode.FloatRoundHalfEven;
        _scale = scale;
        _lo = qmin - zeroPoint;
        _hi = qmax - zeroPoint;
        _zeroUnsigned = zeroPoint + offset;
    }

    /// <summary>One value, as stored bits (the scalar reference).</summary>
    public byte Invoke(float x)
    {
        float v = Q8ElementwiseLanesScalar.ClampF(x / _scale, _lo, _hi);
        int r = _halfEven ? Q8ElementwiseLanesScalar.RoundToEven(v) : Q8ElementwiseLanesScalar.RoundAwayFromZero(v);
        return (byte)((r + _zeroUnsigned) ^ _flip);
    }

    /// <summary>y[i] = quantize(x[i]) for i &lt; y.Length.</summary>
    public void Run(ReadOnlySpan<float> x, Span<byte> y)
    {
        int n = y.Length;
        if (x.Length < n) throw new ArgumentException("input is shorter than the output");
        fixed (float* px = x)
        fixed (byte* py = y)
        {
            if (_isa == Q8Isa.V512 && n >= Q8ElementwiseLanes512.ByteCount) Lanes<Q8ElementwiseLanes512, Vector512<int>, Vector512<float>>(px, py, n);
            else if (_isa >= Q8Isa.V256 && n >= Q8ElementwiseLanes256.ByteCount) Lanes<Q8ElementwiseLanes256, Vector256<int>, Vector256<float>>(px, py, n);
            else if (_isa >= Q8Isa.V128 && n >= Q8ElementwiseLanes128.ByteCount) Lanes<Q8ElementwiseLanes128, Vector128<int>, Vector128<float>>(px, py, n);
            else for (int i = 0; i < n; i++) py[i] = Invoke(px[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Lanes<TL, TI, TF>(float* x, byte* y, int n) where TL : struct, IQ8ElementwiseLanes<TI, TF> where TI : struct where TF : struct
    {
        TF scale = TL.SplatF(_scale), lo = TL.SplatF(_lo), hi = TL.SplatF(_hi);
        TI zero = TL.Splat(_zeroUnsigned);
        int w = TL.ByteCount, c = TL.Count;
        for (int i = 0, last = n - w; ; i = Math.Min(i + w, last))
        {
            TL.StoreNarrowed(y + i, _flip,
                One<TL, TI, TF>(TL.LoadF(x + i), scale, lo, hi, zero),
                One<TL, TI, TF>(TL.LoadF(x + i + c), scale, lo, hi, zero),
                One<TL, TI, TF>(TL.LoadF(x + i + 2 * c), scale, lo, hi, zero),
                One<TL, TI, TF>(TL.LoadF(x + i + 3 * c), scale, lo, hi, zero));
            if (i == last) break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TI One<TL, TI, TF>(TF x, TF scale, TF lo, TF hi, TI zero) where TL : struct, IQ8ElementwiseLanes<TI, TF> where TI : struct where TF : struct
    {
        var v = TL.ClampF(TL.DivideF(x, scale), lo, hi);
        return TL.Add(_halfEven ? TL.RoundToEven(v) : TL.RoundAwayFromZero(v), zero);
    }
}
