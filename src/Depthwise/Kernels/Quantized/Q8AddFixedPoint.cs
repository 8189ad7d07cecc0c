using System.Runtime.CompilerServices;
using Depthwise.Tensors;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// TensorFlow Lite's 8-bit ADD and SUB (reference_ops/integer_ops AddElementwise): each input is offset by its zero
/// point, shifted left by 20 bits and rescaled by a Q31 multiplier to the common scale 2·max(s_a, s_b); the sum is
/// rescaled to the output scale, offset and clamped. SUB negates input B's multiplier, as TFLite does.
/// Layout: flat bytes; int8 data runs through the same unsigned arithmetic with every zero point moved by 128
/// (<see cref="IQ8ElementwiseLanes{TI, TF}"/>). The vector paths widen one byte vector to four int32 vectors; the input rescale
/// needs only 32-bit multiplies (the 20-bit shift makes the high multiply a rounded division by 2^11), the output one a
/// 32×32→64-bit doubling high multiply; lane for lane equal to <see cref="FixedPoint"/>.
/// </summary>
internal readonly unsafe struct Q8AddFixedPoint : IQ8BinaryKernel
{
    /// <summary>TFLite's left shift for 8-bit inputs (20; 15 is the int16 one).</summary>
    public const int LeftShift = 20;

    private readonly Q8Isa _isa;
    private readonly byte _flip;
    private readonly int _zeroA, _zeroB, _zeroOut, _min, _max;
    private readonly int _mulA, _rightA, _mulB, _rightB, _mulOut, _rightOut;

    private Q8AddFixedPoint(Q8Isa isa, byte flip, int zeroA, int zeroB, int zeroOut, int min, int max,
        int mulA, int rightA, int mulB, int rightB, int mulOut, int rightOut)
    {
        _isa = isa; _flip = flip; _zeroA = zeroA; _zeroB = zeroB; _zeroOut = zeroOut; _min = min; _max = max;
        _mulA = mulA; _rightA = rightA; _mulB = mulB; _rightB = rightB; _mulOut = mulOut; _rightOut = rightOut;
    }

    /// <summary>
    /// The kernel for per-tensor quantized inputs <paramref name="a"/>, <paramref name="b"/> and output
    /// <paramref name="y"/> of storage type <paramref name="type"/> (UInt8 or Int8), with the activation clamp
    /// [<paramref name="min"/>, <paramref name="max"/>] in the output's quantized domain.
    /// </summary>
    public static Q8AddFixedPoint Create(QuantParams a, QuantParams b, QuantParams y, DataType type, bool subtract, int min, int max, Q8Isa isa)
    {
        // As TFLite's Prepare: the scales are floats; 2·max(sa, sb) and (1 << 20)·sy are exact in float, the ratios double.
        float sa = a.Scales[0], sb = b.Scales[0], sy = y.Scales[0];
        double twiceMax = 2 * Math.Max(sa, sb);
        var (mulA, shiftA) = FixedPoint.QuantizeMultiplier(sa / twiceMax);
        var (mulB, shiftB) = FixedPoint.QuantizeMultiplier(sb / twiceMax);
        var (mulOut, shiftOut) = FixedPoint.QuantizeMultiplier(twiceMax / ((1 << LeftShift) * sy));
        if (shiftA > 0 || shiftB > 0 || shiftOut > 0)
            throw new ArgumentException($"the output scale {sy} is too small for inputs of scales {sa} and {sb} (TFLite requires the rescale to be below 1)");
        if (subtract) mulB = -mulB;
        int offset = type == DataType.Int8 ? 128 : 0;
        return new Q8AddFixedPoint(isa, type == DataType.Int8 ? (byte)0x80 : (byte)0,
            (int)a.ZeroPoints[0] + offset, (int)b.ZeroPoints[0] + offset, (int)y.ZeroPoints[0] + offset, min + offset, max + offset,
            mulA, -shiftA, mulB, -shiftB, mulOut, -shiftOut);
    }

    /// <inheritdoc />
    public byte Invoke(byte a, byte b) => (byte)(Finish(ScaleA(a ^ _flip) + ScaleB(b ^ _flip)) ^ _flip);

    private int ScaleA(int a) => FixedPoint.RoundingDivideByPot(FixedPoint.SaturatingRoundingDoublingHighMul((a - _zeroA) << LeftShift, _mulA), _rightA);

    private int ScaleB(int b) => FixedPoint.RoundingDivideByPot(FixedPoint.SaturatingRoundingDoublingHighMul((b - _zeroB) << LeftShift, _mulB), _rightB);

    private int Finish(int sum) =>
        Math.Clamp(FixedPoint.RoundingDivideByPot(FixedPoint.SaturatingRoundingDoublingHighMul(sum, _mulOut), _rightOut) + _zeroOut, _min, _max);

    /// <inheritdoc />
    public void Both(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> y) => Run(a, b, y, 0, false, false);

    /// <inheritdoc />
    public void ScalarA(byte a, ReadOnlySpan<byte> b, Span<byte> y) => Run(b, b, y, ScaleA(a ^ _flip), true, false);

    /// <inheritdoc />
    public void ScalarB(ReadOnlySpan<byte> a, byte b, Span<byte> y) => Run(a, a, y, ScaleB(b ^ _flip), false, true);

    /// <summary>
    /// The rows: with <paramref name="scalarA"/> (or <paramref name="scalarB"/>) that side is the precomputed rescaled
    /// value <paramref name="fixedTerm"/> and <paramref name="x"/> is the other input.
    /// </summary>
    private void Run(ReadOnlySpan<byte> x, ReadOnlySpan<byte> other, Span<byte> y, int fixedTerm, bool scalarA, bool scalarB)
    {
        int n = y.Length;
        if (x.Length < n || other.Length < n) throw new ArgumentException("inputs are shorter than the output");
        fixed (byte* px = x, po = other, py = y)
        {
            if (_isa == Q8Isa.V512 && n >= Q8ElementwiseLanes512.ByteCount) Lanes<Q8ElementwiseLanes512, System.Runtime.Intrinsics.Vector512<int>, System.Runtime.Intrinsics.Vector512<float>>(px, po, py, n, fixedTerm, scalarA, scalarB);
            else if (_isa >= Q8Isa.V256 && n >= Q8ElementwiseLanes256.ByteCount) Lanes<Q8ElementwiseLanes256, System.Runtime.Intrinsics.Vector256<int>, System.Runtime.Intrinsics.Vector256<float>>(px, po, py, n, fixedTerm, scalarA, scalarB);
            else if (_isa >= Q8Isa.V128 && n >= Q8ElementwiseLanes128.ByteCount) Lanes<Q8ElementwiseLanes128, System.Runtime.Intrinsics.Vector128<int>, System.Runtime.Intrinsics.Vector128<float>>(px, po, py, n, fixedTerm, scalarA, scalarB);
            else if (n >= Q8ElementwiseLanesScalar.ByteCount) Lanes<Q8ElementwiseLanesScalar, int, float>(px, po, py, n, fixedTerm, scalarA, scalarB);
            else
            {
                for (int i = 0; i < n; i++)
                {
                    int sa = scalarA ? fixedTerm : ScaleA(px[i] ^ _flip);
                    int sb = scalarB ? fixedTerm : ScaleB((scalarA ? px[i] : po[i]) ^ _flip);
                    py[i] = (byte)(Finish(sa + sb) ^ _flip);
                }
            }
        }
    }

    /// <summary>Whole steps, then one overlapping last step (the output never aliases an input).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Lanes<TL, TI, TF>(byte* x, byte* other, byte* y, int n, int fixedTerm, bool scalarA, bool scalarB)
        where TL : struct, IQ8ElementwiseLanes<TI, TF> where TI : struct where TF : struct
    {
        var c = new Constants<TI>(
            TL.Splat(_zeroA), TL.Splat(_zeroB), TL.Splat(_mulA >> 11), TL.Splat(_mulA & 2047), TL.Splat(_mulB >> 11), TL.Splat(_mulB & 2047),
            TL.Splat(1 << 10), TL.Splat(_mulOut), TL.Splat(_zeroOut), TL.Splat(_min), TL.Splat(_max), TL.Splat(fixedTerm));
        int w = TL.ByteCount;
        // Whole steps, then the last step ending at n (it may overlap the one before: the output never aliases an input).
        for (int i = 0, last = n - w; ; i = Math.Min(i + w, last))
        {
            TL.LoadWidened(x + i, _flip, out var x0, out var x1, out var x2, out var x3);
            TI y0, y1, y2, y3;
            if (scalarA)
            {
                y0 = Finish<TL, TI, TF>(c, c.Fixed, ScaleB<TL, TI, TF>(c, x0));
                y1 = Finish<TL, TI, TF>(c, c.Fixed, ScaleB<TL, TI, TF>(c, x1));
                y2 = Finish<TL, TI, TF>(c, c.Fixed, ScaleB<TL, TI, TF>(c, x2));
                y3 = Finish<TL, TI, TF>(c, c.Fixed, ScaleB<TL, TI, TF>(c, x3));
            }
            else if (scalarB)
            {
                y0 = Finish<TL, TI, TF>(c, ScaleA<TL, TI, TF>(c, x0), c.Fixed);
                y1 = Finish<TL, TI, TF>(c, ScaleA<TL, TI, TF>(c, x1), c.Fixed);
                y2 = Finish<TL, TI, TF>(c, ScaleA<TL, TI, TF>(c, x2), c.Fixed);
                y3 = Finish<TL, TI, TF>(c, ScaleA<TL, TI, TF>(c, x3), c.Fixed);
            }
            else
            {
                TL.LoadWidened(other + i, _flip, out var b0, out var b1, out var b2, out var b3);
                y0 = Finish<TL, TI, TF>(c, ScaleA<TL, TI, TF>(c, x0), ScaleB<TL, TI, TF>(c, b0));
                y1 = Finish<TL, TI, TF>(c, ScaleA<TL, TI, TF>(c, x1), ScaleB<TL, TI, TF>(c, b1));
                y2 = Finish<TL, TI, TF>(c, ScaleA<TL, TI, TF>(c, x2), ScaleB<TL, TI, TF>(c, b2));
                y3 = Finish<TL, TI, TF>(c, ScaleA<TL, TI, TF>(c, x3), ScaleB<TL, TI, TF>(c, b3));
            }
            TL.StoreNarrowed(y + i, _flip, y0, y1, y2, y3);
            if (i == last) break;
        }
    }

    // The input rescale without a 64-bit product: for v = q − z (|v| ≤ 255) and m = mh·2^11 + ml (0 ≤ ml < 2^11),
    // SRDHM(v·2^20, m) = floor((v·m + 2^10) / 2^11) = v·mh + floor((v·ml + 2^10) / 2^11), every term within int32.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TI ScaleA<TL, TI, TF>(in Constants<TI> c, TI a) where TL : struct, IQ8ElementwiseLanes<TI, TF> where TI : struct where TF : struct
    {
        var v = TL.Subtract(a, c.ZeroA);
        var high = TL.Add(TL.Multiply(v, c.MulAHigh), TL.ShiftRightArithmetic(TL.Add(TL.Multiply(v, c.MulALow), c.Half), 11));
        return TL.RoundingDivideByPot(high, _rightA);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TI ScaleB<TL, TI, TF>(in Constants<TI> c, TI b) where TL : struct, IQ8ElementwiseLanes<TI, TF> where TI : struct where TF : struct
    {
        var v = TL.Subtract(b, c.ZeroB);
        var high = TL.Add(TL.Multiply(v, c.MulBHigh), TL.ShiftRightArithmetic(TL.Add(TL.Multiply(v, c.MulBLow), c.Half), 11));
        return TL.RoundingDivideByPot(high, _rightB);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TI Finish<TL, TI, TF>(in Constants<TI> c, TI sa, TI sb) where TL : struct, IQ8ElementwiseLanes<TI, TF> where TI : struct where TF : struct
    {
        var o = TL.Add(TL.RoundingDivideByPot(TL.Srdhm(TL.Add(sa, sb), c.MulOut), _rightOut), c.ZeroOut);
        return TL.Min(TL.Max(o, c.Min), c.Max);
    }

    private readonly struct Constants<TI>(TI zeroA, TI zeroB, TI mulAHigh, TI mulALow, TI mulBHigh, TI mulBLow, TI half, TI mulOut,
        TI zeroOut, TI min, TI max, TI fixedTerm)
        where TI : struct
    {
        public readonly TI ZeroA = zeroA, ZeroB = zeroB, MulAHigh = mulAHigh, MulALow = mulALow, MulBHigh = mulBHigh, MulBLow = mulBLow,
            Half = half, MulOut = mulOut, ZeroOut = zeroOut, Min = min, Max = max, Fixed = fixedTerm;
    }
}
