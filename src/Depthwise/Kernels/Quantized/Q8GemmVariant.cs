using Depthwise.Kernels.Gemm;
using Depthwise.Tensors;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// One quantized GEMM variant of <see cref="Q8GemmCatalog"/>:
/// <c>C[M×N] = requantize(bias + Σ_k (A[m,k] − za)·(B[k,n] − zb[n]))</c> with 8-bit A and C (uint8 or int8: the
/// kernel itself is type-agnostic once A is widened and C clamped), B packed once by <see cref="Pack"/>, and the
/// requantization (TFLite fixed point or ONNX Runtime's float rounding) chosen per call from the
/// <see cref="Q8Requantization"/>. Chosen once when a plan is compiled; Run allocates nothing and may be called
/// from several threads at once on disjoint tile ranges (each with its own scratch).
/// </summary>
public sealed unsafe class Q8GemmVariant
{
    private readonly delegate*<in Q8GemmArgs, void> _fixedPoint;
    private readonly delegate*<in Q8GemmArgs, void> _roundHalfEven;
    private readonly delegate*<in Q8GemmArgs, void> _int32;

    internal Q8GemmVariant(string name, GemmIsa isa, int mr, int nr, bool isSupported,
        delegate*<in Q8GemmArgs, void> fixedPoint, delegate*<in Q8GemmArgs, void> roundHalfEven, delegate*<in Q8GemmArgs, void> int32)
    {
        _int32 = int32;
        Name = name;
        Isa = isa;
        MR = mr;
        NR = nr;
        IsSupported = isSupported;
        _fixedPoint = fixedPoint;
        _roundHalfEven = roundHalfEven;
    }

    /// <summary>Variant name, e.g. <c>Q8Gemm_7x32_V512</c>; <see cref="KernelName"/> adds the data type and requantization.</summary>
    public string Name { get; }

    /// <summary>Instruction set.</summary>
    public GemmIsa Isa { get; }

    /// <summary>Rows of C per micro-tile.</summary>
    public int MR { get; }

    /// <summary>Columns of C per micro-tile (the packed panel width).</summary>
    public int NR { get; }

    /// <summary>True when this CPU and runtime can run the variant (honours the DOTNET_Enable* switches).</summary>
    public bool IsSupported { get; }

    /// <summary>The full kernel name in the DESIGN grammar, e.g. <c>QU8GemmFixedPoint_7x32_V512</c>.</summary>
    public string KernelName(DataType input, RequantizeMode mode) =>
        $"{(input == DataType.Int8 ? "QS8" : "QU8")}Gemm{(mode == RequantizeMode.TfLiteFixedPoint ? "FixedPoint" : "RoundHalfEven")}{Name["Q8Gemm".Length..]}";

    /// <summary>Number of M-tiles for <paramref name="m"/> rows.</summary>
    public int MTileCount(int m) => (m + MR - 1) / MR;

    /// <summary>The whole output as one tile range.</summary>
    public GemmTileRange FullRange(int m, Q8GemmPackedWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return new(0, MTileCount(m), 0, weights.PanelCount);
    }

    /// <summary>Shorts of scratch one Run over 8-bit A needs: one widened M-tile.</summary>
    public int ScratchShorts(int k) => MR * 2 * ((k + 1) / 2);

    /// <summary>Packs B for this variant's NR; see <see cref="Q8GemmPackedWeights.Pack"/>.</summary>
    public Q8GemmPackedWeights Pack(int k, int n, ReadOnlySpan<byte> b, bool signed, int strideK, int strideN,
        ReadOnlySpan<int> zeroPoints, ReadOnlySpan<int> bias) =>
        Q8GemmPackedWeights.Pack(NR, k, n, b, signed, strideK, strideN, zeroPoints, bias);

    /// <summary>
    /// Computes the tiles of <paramref name="range"/> from 8-bit A (M×K, row stride <paramref name="lda"/>, int8 when
    /// <paramref name="aSigned"/>, zero point <paramref name="aZeroPoint"/>) into C (M×N bytes, row stride
    /// <paramref name="ldc"/>), using <paramref name="scratch"/> (<see cref="ScratchShorts"/>) for the widened rows.
    /// </summary>
    public void Run(Q8GemmPackedWeights weights, Q8Requantization requantization, int m, ReadOnlySpan<byte> a, int lda, bool aSigned,
        int aZeroPoint, Span<byte> c, int ldc, GemmTileRange range, Span<short> scratch)
    {
        Validate(weights, requantization, m, c, ldc, range);
        if (range.IsEmpty || m == 0 || weights.N == 0) return;
        CheckMatrix(a.Length, m, weights.K, lda, nameof(a));
        if (scratch.Length < ScratchShorts(weights.K)) throw new ArgumentException($"scratch holds {scratch.Length} shorts; {ScratchShorts(weights.K)} needed", nameof(scratch));
        if (aZeroPoint < -128 || aZeroPoint > 255) throw new ArgumentOutOfRangeException(nameof(aZeroPoint), aZeroPoint, "an 8-bit zero point");
        fixed (byte* pa = a)
        fixed (byte* pc = c)
        fixed (short* ps = scratch)
        {
            var args = Args(weights, requantization, m, pc, ldc, range);
            args.A8 = pa;
            args.Lda8 = lda;
            args.ASigned = aSigned;
            args.AZeroPoint = aZeroPoint;
            args.Scratch = ps;
            Dispatch(requantization, args);
        }
    }

    /// <summary>
    /// Computes the tiles of <paramref name="range"/> as <see cref="Run(Q8GemmPackedWeights, Q8Requantization, int, ReadOnlySpan{byte}, int, bool, int, Span{byte}, int, GemmTileRange, Span{short})"/>
    /// but stores the int32 accumulators <c>bias[n] + Σ_k (A[m,k] − za)·(B[k,n] − zb[n])</c> themselves into C
    /// (M×N ints, row stride <paramref name="ldc"/> ints): the integer half of a hybrid (dynamic-range) layer.
    /// </summary>
    public void RunInt32(Q8GemmPackedWeights weights, int m, ReadOnlySpan<byte> a, int lda, bool aSigned, int aZeroPoint,
        Span<int> c, int ldc, GemmTileRange range, Span<short> scratch)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (!IsSupported) throw new PlatformNotSupportedException($"{Name} is not supported on this CPU/runtime");
        if (weights.NR != NR) throw new ArgumentException($"weights packed for NR={weights.NR}, {Name} needs NR={NR}", nameof(weights));
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        if (range.MTileStart < 0 || range.MTileEnd > MTileCount(m) || range.PanelStart < 0 || range.PanelEnd > weights.PanelCount)
            throw new ArgumentOutOfRangeException(nameof(range), $"{range} is outside {MTileCount(m)} M-tiles × {weights.PanelCount} panels");
        if (range.IsEmpty || m == 0 || weights.N == 0) return;
        CheckMatrix(c.Length, m, weights.N, ldc, nameof(c));
        CheckMatrix(a.Length, m, weights.K, lda, nameof(a));
        if (scratch.Length < ScratchShorts(weights.K)) throw new ArgumentException($"scratch holds {scratch.Length} shorts; {ScratchShorts(weights.K)} needed", nameof(scratch));
        if (aZeroPoint < -128 || aZeroPoint > 255) throw new ArgumentOutOfRangeException(nameof(aZeroPoint), aZeroPoint, "an 8-bit zero point");
        fixed (byte* pa = a)
        fixed (int* pc = c)
        fixed (short* ps = scratch)
        {
            var args = new Q8GemmArgs
            {
                W = weights.Pointer, PanelStride = weights.PanelStride, K = weights.K, KPairs = weights.KPairs,
                C = (byte*)pc, Ldc = (nint)ldc * sizeof(int), M = m, N = weights.N, Range = range,
                PanelsPerBlock = Q8GemmDriver.PanelsPerBlock(weights.PanelStride),
                A8 = pa, Lda8 = lda, ASigned = aSigned, AZeroPoint = aZeroPoint, Scratch = ps,
            };
            _int32(in args);
        }
    }

    /// <summary>
    /// Computes the tiles of <paramref name="range"/> from A already widened to int16 (<c>a − za</c>; M rows of
    /// 2·⌈K/2⌉ values, zero past K, row stride <paramref name="lda"/> even): the im2col path, which writes its
    /// patches in that form directly.
    /// </summary>
    public void Run(Q8GemmPackedWeights weights, Q8Requantization requantization, int m, ReadOnlySpan<short> a, int lda,
        Span<byte> c, int ldc, GemmTileRange range)
    {
        Validate(weights, requantization, m, c, ldc, range);
        if (range.IsEmpty || m == 0 || weights.N == 0) return;
        if ((lda & 1) != 0) throw new ArgumentException($"the int16 row stride {lda} must be even", nameof(lda));
        CheckMatrix(a.Length, m, 2 * weights.KPairs, lda, nameof(a));
        fixed (short* pa = a)
        fixed (byte* pc = c)
        {
            var args = Args(weights, requantization, m, pc, ldc, range);
            args.A16 = pa;
            args.Lda16 = lda;
            Dispatch(requantization, args);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    private Q8GemmArgs Args(Q8GemmPackedWeights weights, Q8Requantization requantization, int m, byte* c, int ldc, GemmTileRange range) => new()
    {
        W = weights.Pointer, PanelStride = weights.PanelStride, K = weights.K, KPairs = weights.KPairs,
        C = c, Ldc = ldc, M = m, N = weights.N, Q = requantization.Args, Range = range,
        PanelsPerBlock = Q8GemmDriver.PanelsPerBlock(weights.PanelStride),
    };

    private void Dispatch(Q8Requantization requantization, in Q8GemmArgs args)
    {
        if (requantization.Mode == RequantizeMode.TfLiteFixedPoint) _fixedPoint(in args);
        else _roundHalfEven(in args);
    }

    private void Validate(Q8GemmPackedWeights weights, Q8Requantization requantization, int m, Span<byte> c, int ldc, GemmTileRange range)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(requantization);
        if (!IsSupported) throw new PlatformNotSupportedException($"{Name} is not supported on this CPU/runtime");
        if (weights.NR != NR) throw new ArgumentException($"weights packed for NR={weights.NR}, {Name} needs NR={NR}", nameof(weights));
        if (requantization.Channels != weights.N && requantization.Channels != 1)
            throw new ArgumentException($"{requantization.Channels} requantization channels for N={weights.N}", nameof(requantization));
        if (requantization.Channels != weights.N)
            throw new ArgumentException($"the requantization has {requantization.Channels} channels; the GEMM has N={weights.N} columns", nameof(requantization));
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        if (range.MTileStart < 0 || range.MTileEnd > MTileCount(m) || range.PanelStart < 0 || range.PanelEnd > weights.PanelCount)
            throw new ArgumentOutOfRangeException(nameof(range), $"{range} is outside {MTileCount(m)} M-tiles × {weights.PanelCount} panels");
        if (m > 0 && weights.N > 0) CheckMatrix(c.Length, m, weights.N, ldc, nameof(c));
    }

    private static void CheckMatrix(int length, int rows, int cols, int stride, string name)
    {
        if (stride < cols && rows > 1) throw new ArgumentOutOfRangeException(name, $"row stride {stride} is less than the {cols} columns");
        long needed = (long)(rows - 1) * stride + cols;
        if (cols > 0 && needed > length)
            throw new ArgumentException($"{name} needs {needed} elements for {rows}×{cols} (stride {stride}), holds {length}", name);
    }
}
