namespace Depthwise.Kernels.Quantized;

/// <summary>
/// One vector width of int32 lanes (and float lanes of the same count) for the 8-bit quantized elementwise kernels,
/// as static members, so a kernel written once over <typeparamref name="TI"/> is compiled by the JIT separately (and
/// fully inlined) for each width: <see cref="Q8ElementwiseLanes512"/>, <see cref="Q8ElementwiseLanes256"/>, <see cref="Q8ElementwiseLanes128"/> and the
/// one-lane <see cref="Q8ElementwiseLanesScalar"/>. A step moves one byte vector (<see cref="ByteCount"/> bytes), which widens to
/// four int vectors. Bytes are read and written through a <c>flip</c> mask (0 or 0x80): XOR with 0x80 maps int8 data
/// to the equivalent uint8 values (q + 128), so one unsigned kernel serves both storage types.
/// </summary>
/// <typeparam name="TI">The int32 vector type.</typeparam>
/// <typeparam name="TF">The float vector type with as many lanes.</typeparam>
internal unsafe interface IQ8ElementwiseLanes<TI, TF> where TI : struct where TF : struct
{
    /// <summary>Bytes per step: four int vectors' worth.</summary>
    static abstract int ByteCount { get; }

    /// <summary>Lanes per int (and float) vector: <see cref="ByteCount"/> / 4.</summary>
    static abstract int Count { get; }

    /// <summary>Loads <see cref="ByteCount"/> bytes, XORs them with <paramref name="flip"/> and zero-extends them, in order.</summary>
    static abstract void LoadWidened(byte* p, byte flip, out TI x0, out TI x1, out TI x2, out TI x3);

    /// <summary>Stores the low bytes of four int vectors (each lane already in [0, 255]) XORed with <paramref name="flip"/>.</summary>
    static abstract void StoreNarrowed(byte* p, byte flip, TI x0, TI x1, TI x2, TI x3);

    /// <summary>Every lane = <paramref name="x"/>.</summary>
    static abstract TI Splat(int x);

    /// <summary><c>a + b</c> (wrapping).</summary>
    static abstract TI Add(TI a, TI b);

    /// <summary><c>a − b</c> (wrapping).</summary>
    static abstract TI Subtract(TI a, TI b);

    /// <summary><c>a · b</c> (low 32 bits).</summary>
    static abstract TI Multiply(TI a, TI b);

    /// <summary><c>x &lt;&lt; count</c> (wrapping).</summary>
    static abstract TI ShiftLeft(TI x, int count);

    /// <summary><c>x &gt;&gt; count</c>, arithmetic (floor division by 2^count).</summary>
    static abstract TI ShiftRightArithmetic(TI x, int count);

    /// <summary>Lane-wise minimum.</summary>
    static abstract TI Min(TI a, TI b);

    /// <summary>Lane-wise maximum.</summary>
    static abstract TI Max(TI a, TI b);

    /// <summary>The sum of all lanes (wrapping).</summary>
    static abstract int Sum(TI x);

    /// <summary><see cref="FixedPoint.SaturatingRoundingDoublingHighMul"/> of each lane with the same multiplier lanes <paramref name="m"/>.</summary>
    static abstract TI Srdhm(TI x, TI m);

    /// <summary><see cref="FixedPoint.RoundingDivideByPot"/> of each lane.</summary>
    static abstract TI RoundingDivideByPot(TI x, int exponent);

    /// <summary>Every lane = <paramref name="x"/>.</summary>
    static abstract TF SplatF(float x);

    /// <summary>Loads <see cref="Count"/> floats.</summary>
    static abstract TF LoadF(float* p);

    /// <summary>Stores <see cref="Count"/> floats.</summary>
    static abstract void StoreF(float* p, TF x);

    /// <summary>int → float, rounding to nearest.</summary>
    static abstract TF ToFloat(TI x);

    /// <summary><c>a + b</c>.</summary>
    static abstract TF AddF(TF a, TF b);

    /// <summary><c>a · b</c>.</summary>
    static abstract TF MultiplyF(TF a, TF b);

    /// <summary><c>a / b</c>.</summary>
    static abstract TF DivideF(TF a, TF b);

    /// <summary><c>a · b + c</c> rounded once (fused).</summary>
    static abstract TF FusedMultiplyAdd(TF a, TF b, TF c);

    /// <summary>max(x, lo) then min(·, hi), as x86 MAXPS/MINPS: a NaN lane becomes <paramref name="lo"/>.</summary>
    static abstract TF ClampF(TF x, TF lo, TF hi);

    /// <summary>Round to the nearest integer, ties to even, then convert (the lanes are integers within int32 range).</summary>
    static abstract TI RoundToEven(TF x);

    /// <summary>Round to the nearest integer, ties away from zero, then convert (the lanes are within int32 range).</summary>
    static abstract TI RoundAwayFromZero(TF x);
}
