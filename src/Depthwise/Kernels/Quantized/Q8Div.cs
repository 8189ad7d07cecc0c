using System.Numerics;
using Depthwise.Tensors;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// 8-bit quantized division, scalar, as TFLite's uint8 DIV kernel (reference_ops::Div / BroadcastDivSlow) computes it:
/// a' = a − z_a, b' = b − z_b (both negated when b' &lt; 0); the reciprocal of b' in Q31 by gemmlowp's Newton–Raphson
/// <c>one_over_one_plus_x_for_x_in_0_1</c> (<see cref="Reciprocal"/>, one table entry per stored divisor); a' normalized
/// by its leading sign bits h and multiplied by it (<c>MultiplyByQuantizedMultiplierGreaterThanOne</c>); then the output
/// multiplier of s_a / (s_b·s_y) (in float, as TFLite's Prepare) with the total shift output_shift − reciprocal_shift − h
/// (<c>MultiplyByQuantizedMultiplierSmallerThanOneExp</c>), the output zero point and the fused clamp. For tiny quotients
/// that shift exceeds 31 and TFLite's shifts wrap (the count is taken mod 32 on x86, ARM64 and WebAssembly), giving
/// values far from a/b (a' = 0 gives z_y + 1); this kernel computes the same C expressions with C#'s identical shift
/// semantics, so it returns TFLite's values there too.
/// </summary>
internal readonly struct Q8Div : IQ8BinaryKernel
{
    private readonly byte _flip;
    private readonly int _offset, _zeroA, _zeroOut, _min, _max, _multiplier, _shift;
    private readonly int[] _recip, _recipShift;   // per stored divisor byte: Q31 reciprocal of |b'| and its shift
    private readonly bool[] _negate;                // b' < 0: TFLite negates both operands

    private Q8Div(DataType type, int zeroA, int zeroB, int zeroOut, int min, int max, int multiplier, int shift)
    {
        _flip = type == DataType.Int8 ? (byte)0x80 : (byte)0;
        _offset = type == DataType.Int8 ? 128 : 0;
        _zeroA = zeroA; _zeroOut = zeroOut; _min = min; _max = max; _multiplier = multiplier; _shift = shift;
        _recip = new int[256];
        _recipShift = new int[256];
        _negate = new bool[256];
        for (int stored = 0; stored < 256; stored++)
        {
            int b = ((byte)stored ^ _flip) - _offset - zeroB;
            _negate[stored] = b < 0;
            _recip[stored] = Reciprocal(Math.Abs(b), out _recipShift[stored]);
        }
    }

    /// <summary>The kernel for per-tensor inputs and output, clamping to [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Q8Div Create(QuantParams a, QuantParams b, QuantParams y, DataType type, int min, int max)
    {
        float real = a.Scales[0] / (b.Scales[0] * y.Scales[0]);
        var (m, s) = FixedPoint.QuantizeMultiplier(real);
        return new Q8Div(type, (int)a.ZeroPoints[0], (int)b.ZeroPoints[0], (int)y.ZeroPoints[0], min, max, m, s);
    }

    /// <summary>
    /// TFLite's <c>GetReciprocal(x, 31, &amp;shift)</c>: x normalized to 1 + f (f in [0, 1) as Q31), 1/(1 + f) by
    /// <c>one_over_one_plus_x_for_x_in_0_1</c> (three Newton–Raphson steps from 48/17 − 32/17·d in Q2.29), and the number
    /// of bits x has above the unit.
    /// </summary>
    internal static int Reciprocal(int x, out int shift)
    {
        int headroomPlusOne = BitOperations.LeadingZeroCount((uint)x);
        shift = 31 - headroomPlusOne;
        int f = unchecked((int)(((uint)x << headroomPlusOne) - (1u << 31)));
        // half_denominator = RoundingHalfSum(f, One) in Q0.31 (One saturates to int.MaxValue).
        long sum = (long)f + int.MaxValue;
        int halfDenominator = (int)((sum + (sum >= 0 ? 1 : -1)) / 2);
        const int FortyEightSeventeenths = 1515870810, MinusThirtyTwoSeventeenths = -1010580540, OneQ2 = 1 << 29;
        int r = unchecked(FortyEightSeventeenths + FixedPoint.SaturatingRoundingDoublingHighMul(halfDenominator, MinusThirtyTwoSeventeenths));
        for (int i = 0; i < 3; i++)
        {
            int halfDenominatorTimesR = FixedPoint.SaturatingRoundingDoublingHighMul(halfDenominator, r);   // Q2.29
            int oneMinus = unchecked(OneQ2 - halfDenominatorTimesR);
            int product = FixedPoint.SaturatingRoundingDoublingHighMul(r, oneMinus);                        // Q4.27
            r = unchecked(r + SaturatingShiftLeft(product, 2));                                               // back to Q2.29
        }
        return SaturatingShiftLeft(r, 1);   // ExactMulByPot<−1> then Rescale<0>: Q2.29 → Q0.31
    }

    /// <summary>gemmlowp's SaturatingRoundingMultiplyByPOT for a positive exponent: x·2^e, saturated.</summary>
    private static int SaturatingShiftLeft(int x, int exponent)
    {
        int threshold = (1 << (31 - exponent)) - 1;
        return x > threshold ? int.MaxValue : x < -threshold ? int.MinValue : x << exponent;
    }

    /// <summary>CountLeadingSignBits as TFLite's portable form.</summary>
    private static int LeadingSignBits(int x) =>
        x >= 0 ? BitOperations.LeadingZeroCount((uint)x) - 1
        : x != int.MinValue ? BitOperations.LeadingZeroCount(unchecked(2 * (uint)-x - 1)) : 0;

    /// <inheritdoc />
    public byte Invoke(byte a, byte b)
    {
        int x = (a ^ _flip) - _offset - _zeroA;
        if (_negate[b]) x = -x;
        int headroom = LeadingSignBits(x);
        int unscaled = FixedPoint.MultiplyByQuantizedMultiplierGreaterThanOne(x, _recip[b], headroom);
        int totalShift = _shift - _recipShift[b] - headroom;
        int r = FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(unscaled, _multiplier, totalShift) + _zeroOut;
        return (byte)((Math.Clamp(r, _min, _max) + _offset) ^ _flip);
    }

    /// <inheritdoc />
    public void Both(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> y) => Q8ElementLoops.Both(this, a, b, y);

    /// <inheritdoc />
    public void ScalarA(byte a, ReadOnlySpan<byte> b, Span<byte> y) => Q8ElementLoops.ScalarA(this, a, b, y);

    /// <inheritdoc />
    public void ScalarB(ReadOnlySpan<byte> a, byte b, Span<byte> y) => Q8ElementLoops.ScalarB(this, a, b, y);
}
