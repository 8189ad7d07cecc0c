using System.Runtime.CompilerServices;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// The output stage of the integer kernels as a type parameter, so a kernel is compiled once per kind with no branch
/// per vector: <see cref="Q8FixedPointRequant"/> and <see cref="Q8RoundHalfEvenRequant"/> (8-bit outputs, one per
/// <see cref="RequantizeMode"/>) and <see cref="Q8Int32Accumulators"/> (the int32 sums themselves, for the hybrid
/// kernels that scale them to float afterwards).
/// </summary>
internal interface IQ8RequantKind
{
    /// <summary>Bytes per output element: 1 (requantized 8-bit) or 4 (int32 accumulators).</summary>
    static abstract int OutputBytes { get; }

    /// <summary>
    /// The outputs (clamped to [Min, Max], not yet narrowed) of accumulators <paramref name="acc"/> (bias included)
    /// for channels <paramref name="channel"/> … <paramref name="channel"/> + Count − 1.
    /// </summary>
    static abstract TVec Requantize<TLanes, TVec>(TVec acc, in Q8RequantArgs q, int channel)
        where TLanes : IQ8Lanes<TVec> where TVec : struct;
}

/// <summary>
/// TFLite: <c>RoundingDivideByPOT(SRDHM(acc · 2^left, M), right) + zy</c>, clamped. RoundingDivideByPOT is
/// <c>(s &gt;&gt; right) + ((s &amp; mask) &gt; threshold + (s &lt; 0))</c>, which never overflows.
/// </summary>
internal readonly unsafe struct Q8FixedPointRequant : IQ8RequantKind
{
    public static int OutputBytes => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Requantize<TLanes, TVec>(TVec acc, in Q8RequantArgs q, int channel)
        where TLanes : IQ8Lanes<TVec> where TVec : struct
    {
        TVec x = TLanes.ShiftLeftVariable(acc, TLanes.Load(q.LeftShift + channel));
        TVec s = TLanes.SaturatingRoundingDoublingHighMul(x, TLanes.Load(q.Multiplier + channel));
        TVec r = TLanes.ShiftRightArithmeticVariable(s, TLanes.Load(q.RightShift + channel));
        TVec remainder = TLanes.And(s, TLanes.Load(q.RemainderMask + channel));
        TVec threshold = TLanes.Add(TLanes.Load(q.RemainderThreshold + channel), TLanes.SignBit(s));
        r = TLanes.Subtract(r, TLanes.GreaterThan(remainder, threshold));
        r = TLanes.Add(r, TLanes.Splat(q.ZeroPoint));
        return TLanes.Min(TLanes.Max(r, TLanes.Splat(q.Min)), TLanes.Splat(q.Max));
    }
}

/// <summary>
/// ONNX Runtime (MLAS): <c>round_half_even(clamp((float)acc · scale, Min − zy, Max − zy)) + zy</c>; the clamp in
/// float keeps the conversion in range and, the bounds being integers, equals clamping after rounding.
/// </summary>
internal readonly unsafe struct Q8RoundHalfEvenRequant : IQ8RequantKind
{
    public static int OutputBytes => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Requantize<TLanes, TVec>(TVec acc, in Q8RequantArgs q, int channel)
        where TLanes : IQ8Lanes<TVec> where TVec : struct =>
        TLanes.Add(TLanes.RoundScaled(acc, q.Scale + channel, q.MinF, q.MaxF), TLanes.Splat(q.ZeroPoint));
}

/// <summary>
/// No requantization: the kernels store the int32 accumulators (bias included) as they are, four bytes per output.
/// The hybrid (dynamic-range) convolutions scale them to float afterwards.
/// </summary>
internal readonly struct Q8Int32Accumulators : IQ8RequantKind
{
    public static int OutputBytes => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Requantize<TLanes, TVec>(TVec acc, in Q8RequantArgs q, int channel)
        where TLanes : IQ8Lanes<TVec> where TVec : struct => acc;
}
