namespace Depthwise.Kernels;

/// <summary>
/// One vector width of fp32 lanes, as static members so a kernel written once over <typeparamref name="TVec"/> is
/// compiled by the JIT separately (and fully inlined) for each width: <see cref="F32Lanes512"/>,
/// <see cref="F32Lanes256"/>, <see cref="F32Lanes128"/> and the one-lane <see cref="F32LanesScalar"/>.
/// </summary>
/// <typeparam name="TVec">The vector type (<c>Vector512&lt;float&gt;</c> … <c>float</c>).</typeparam>
internal unsafe interface IF32Lanes<TVec> where TVec : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Loads <see cref="Count"/> floats (no alignment needed).</summary>
    static abstract TVec Load(float* p);

    /// <summary>Stores <see cref="Count"/> floats (no alignment needed).</summary>
    static abstract void Store(float* p, TVec v);

    /// <summary>Every lane = <paramref name="x"/>.</summary>
    static abstract TVec Splat(float x);

    /// <summary><c>a·b + c</c>, fused where the hardware has FMA (the scalar lane rounds twice, like the reference).</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

    /// <summary><c>a + b</c>.</summary>
    static abstract TVec Add(TVec a, TVec b);

    /// <summary>
    /// Loads the first min(<paramref name="n"/>, <see cref="Count"/>) floats (none when n ≤ 0) and zeros the other
    /// lanes; never reads <c>p[n]</c> or beyond.
    /// </summary>
    static abstract TVec LoadPartial(float* p, int n);

    /// <summary>
    /// Stores the first min(<paramref name="n"/>, <see cref="Count"/>) lanes (none when n ≤ 0); never writes
    /// <c>p[n]</c> or beyond.
    /// </summary>
    static abstract void StorePartial(float* p, TVec v, int n);

    /// <summary><c>a·b</c>.</summary>
    static abstract TVec Multiply(TVec a, TVec b);

    /// <summary>Lane-wise minimum (the hardware instruction for vectors: NaN handling is not specified).</summary>
    static abstract TVec Min(TVec a, TVec b);

    /// <summary>Lane-wise maximum (the hardware instruction for vectors: NaN handling is not specified).</summary>
    static abstract TVec Max(TVec a, TVec b);
}
