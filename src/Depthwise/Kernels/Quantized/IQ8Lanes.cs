namespace Depthwise.Kernels.Quantized;

/// <summary>
/// One vector width of int32 lanes for the 8-bit quantized kernels, as static members so that a kernel written once
/// over <typeparamref name="TVec"/> is compiled by the JIT separately (and fully inlined) for each width:
/// <see cref="Q8Lanes512"/> (AVX-512BW), <see cref="Q8Lanes256"/> (AVX2), <see cref="Q8Lanes128"/> (SSE4.1 where
/// present, portable <c>Vector128</c> otherwise: the ARM64 path) and the one-lane <see cref="Q8LanesScalar"/>.
/// Every operation is exact integer arithmetic (or, for <see cref="RoundScaled"/>, one float multiply and one
/// rounding), so every width computes the same bits as the scalar definitions in <see cref="FixedPoint"/> and
/// <see cref="Q8Requantization.Apply"/>.
/// </summary>
/// <typeparam name="TVec">The vector type (<c>Vector512&lt;int&gt;</c> … <c>int</c>).</typeparam>
internal unsafe interface IQ8Lanes<TVec> where TVec : struct
{
    /// <summary>int32 lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>True when this CPU and runtime run the width with the instructions it is written for.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>Loads <see cref="Count"/> ints (no alignment needed).</summary>
    static abstract TVec Load(int* p);

    /// <summary>Stores <see cref="Count"/> ints.</summary>
    static abstract void Store(int* p, TVec v);

    /// <summary>Every lane = <paramref name="x"/>.</summary>
    static abstract TVec Splat(int x);

    /// <summary>Lane-wise a + b (wrapping).</summary>
    static abstract TVec Add(TVec a, TVec b);

    /// <summary>Lane-wise a − b (wrapping).</summary>
    static abstract TVec Subtract(TVec a, TVec b);

    /// <summary>Lane-wise a · b, low 32 bits.</summary>
    static abstract TVec MultiplyLow(TVec a, TVec b);

    /// <summary>Lane-wise a &amp; b.</summary>
    static abstract TVec And(TVec a, TVec b);

    /// <summary>Lane-wise minimum.</summary>
    static abstract TVec Min(TVec a, TVec b);

    /// <summary>Lane-wise maximum.</summary>
    static abstract TVec Max(TVec a, TVec b);

    /// <summary>−1 in lanes where a &gt; b (signed), 0 elsewhere.</summary>
    static abstract TVec GreaterThan(TVec a, TVec b);

    /// <summary>Lane-wise a &gt;&gt;&gt; 31: 1 for negative lanes, 0 otherwise.</summary>
    static abstract TVec SignBit(TVec a);

    /// <summary>Lane-wise a &lt;&lt; count (count in [0, 31] per lane; bits shifted out are lost, as C's unchecked multiply by 2^count).</summary>
    static abstract TVec ShiftLeftVariable(TVec a, TVec count);

    /// <summary>Lane-wise arithmetic a &gt;&gt; count (count in [0, 31] per lane).</summary>
    static abstract TVec ShiftRightArithmeticVariable(TVec a, TVec count);

    /// <summary>
    /// <see cref="FixedPoint.SaturatingRoundingDoublingHighMul"/> per lane: round(a·b / 2^31), ties toward +∞.
    /// Precondition: b ≥ 0 (a requantization multiplier), so the one saturating case never arises.
    /// </summary>
    static abstract TVec SaturatingRoundingDoublingHighMul(TVec a, TVec b);

    /// <summary>
    /// acc + a₀·b₀ + a₁·b₁ per lane, where each int32 lane of a and b holds two int16 values (low half first): the
    /// x86 <c>pmaddwd</c> (<c>MultiplyAddAdjacent</c>) plus an add. Exact for any int16 inputs whose pair sum fits int32.
    /// </summary>
    static abstract TVec MultiplyAddAdjacent(TVec acc, TVec a, TVec b);

    /// <summary>
    /// round_half_even(clamp((float)acc · scale, min, max)) per lane, the scales loaded from <paramref name="scale"/>:
    /// ONNX Runtime's requantization before the zero point is added.
    /// </summary>
    static abstract TVec RoundScaled(TVec acc, float* scale, float min, float max);

    /// <summary>Loads <see cref="Count"/> uint8 values, zero-extended.</summary>
    static abstract TVec LoadU8(byte* p);

    /// <summary>Loads <see cref="Count"/> int8 values, sign-extended.</summary>
    static abstract TVec LoadS8(sbyte* p);

    /// <summary>Stores the low byte of each lane: <see cref="Count"/> bytes (the lanes are already clamped to the 8-bit range).</summary>
    static abstract void StoreBytes(byte* p, TVec v);

    /// <summary>Stores the low bytes of <paramref name="a"/> then <paramref name="b"/>: 2·<see cref="Count"/> bytes.</summary>
    static abstract void StoreBytes2(byte* p, TVec a, TVec b);
}
