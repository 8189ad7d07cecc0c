namespace Depthwise.Kernels.Gemm;

/// <summary>
/// One fp32 GEMM variant of <see cref="GemmCatalog"/>: <c>C[M×N] = act(A[M×K]·B[K×N] + bias (+ R))</c> with A
/// and C row-major with row strides (A is the NHWC activation: a 1×1 convolution is M = H·W, K = Cin, N = Cout),
/// B packed once by <see cref="Pack"/> for this variant's <see cref="NR"/>. Chosen once when a plan is compiled;
/// <see cref="Run(F32GemmPackedWeights, int, ReadOnlySpan{float}, int, Span{float}, int, FusedEpilogue, ReadOnlySpan{float}, int, GemmTileRange)"/>
/// allocates nothing and may be called from several threads at once on disjoint tile ranges.
/// </summary>
public sealed unsafe class F32GemmVariant
{
    private readonly delegate*<in F32GemmArgs, void> _run;

    internal F32GemmVariant(string name, GemmIsa isa, int mr, int nr, bool isSupported,
        delegate*<in F32GemmArgs, void> run)
    {
        Name = name;
        Isa = isa;
        MR = mr;
        NR = nr;
        IsSupported = isSupported;
        _run = run;
    }

    /// <summary>Kernel name in the DESIGN grammar, e.g. <c>F32GemmMinMax_7x32_V512</c>.</summary>
    public string Name { get; }

    /// <summary>Instruction set the micro-kernel uses.</summary>
    public GemmIsa Isa { get; }

    /// <summary>Rows of C per micro-kernel tile.</summary>
    public int MR { get; }

    /// <summary>Columns of C per micro-kernel tile (the packed panel width).</summary>
    public int NR { get; }

    /// <summary>True when this CPU and runtime can run the variant (honours the DOTNET_Enable* switches).</summary>
    public bool IsSupported { get; }

    /// <summary>Number of M-tiles for <paramref name="m"/> rows: ⌈m / MR⌉.</summary>
    public int MTileCount(int m) => (m + MR - 1) / MR;

    /// <summary>The whole output of an M-row GEMM with these weights, as one tile range.</summary>
    public GemmTileRange FullRange(int m, F32GemmPackedWeights weights) =>
        new(0, MTileCount(m), 0, weights.PanelCount);

    /// <summary>
    /// Packs B (K×N, element (k, n) at <c>b[k·strideK + n·strideN]</c>) and the bias for this variant; see
    /// <see cref="F32GemmPackedWeights.Pack"/>.
    /// </summary>
    public F32GemmPackedWeights Pack(int k, int n, ReadOnlySpan<float> b, int strideK, int strideN,
        ReadOnlySpan<float> bias) => F32GemmPackedWeights.Pack(NR, k, n, b, strideK, strideN, bias);

    /// <summary>Computes the whole M×N output with no residual.</summary>
    public void Run(F32GemmPackedWeights weights, int m, ReadOnlySpan<float> a, int lda, Span<float> c, int ldc,
        FusedEpilogue epilogue) =>
        Run(weights, m, a, lda, c, ldc, epilogue, default, 0, FullRange(m, weights));

    /// <summary>
    /// Computes the tiles of <paramref name="range"/>: <c>C = act(A·B + bias + R)</c>. A is M×K with row stride
    /// <paramref name="lda"/> ≥ K; C is M×N with row stride <paramref name="ldc"/> ≥ N and must not overlap A;
    /// <paramref name="residual"/> (empty for none) is M×N with row stride <paramref name="ldr"/> and may be C
    /// itself (same memory and stride) for an in-place residual add, but must not partly overlap it.
    /// </summary>
    public void Run(F32GemmPackedWeights weights, int m, ReadOnlySpan<float> a, int lda, Span<float> c, int ldc,
        FusedEpilogue epilogue, ReadOnlySpan<float> residual, int ldr, GemmTileRange range)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (!IsSupported) throw new PlatformNotSupportedException($"{Name} is not supported on this CPU/runtime");
        if (weights.NR != NR)
            throw new ArgumentException($"weights packed for NR={weights.NR}, {Name} needs NR={NR}", nameof(weights));
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        int k = weights.K, n = weights.N;
        if (range.MTileStart < 0 || range.MTileEnd > MTileCount(m) || range.PanelStart < 0 ||
            range.PanelEnd > weights.PanelCount)
            throw new ArgumentOutOfRangeException(nameof(range),
                $"{range} is outside {MTileCount(m)} M-tiles × {weights.PanelCount} panels");
        if (range.IsEmpty || m == 0 || n == 0) return;
        CheckMatrix(a.Length, m, k, lda, nameof(a));
        CheckMatrix(c.Length, m, n, ldc, nameof(c));
        if (!residual.IsEmpty)
        {
            CheckMatrix(residual.Length, m, n, ldr, nameof(residual));
            if (c.Overlaps(residual, out int offset) && (offset != 0 || ldr != ldc))
                throw new ArgumentException("the residual must be C itself or not overlap it", nameof(residual));
        }
        if (k > 0 && a.Overlaps(c)) throw new ArgumentException("C must not overlap A", nameof(c));

        fixed (float* pa = a)
        fixed (float* pc = c)
        fixed (float* pr = residual)
        {
            var args = new F32GemmArgs
            {
                A = pa, Lda = lda, W = weights.Pointer, PanelStride = weights.PanelStride,
                C = pc, Ldc = ldc, R = residual.IsEmpty ? null : pr, Ldr = ldr,
                M = m, N = n, K = k, PanelsPerBlock = F32GemmDriver.PanelsPerBlock(weights.PanelStride),
                Epilogue = epilogue, Range = range,
            };
            _run(in args);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static void CheckMatrix(int length, int rows, int cols, int stride, string name)
    {
        if (stride < cols && rows > 1)
            throw new ArgumentOutOfRangeException(name, $"row stride {stride} is less than the {cols} columns");
        long needed = (long)(rows - 1) * stride + cols;
        if (cols > 0 && needed > length)
            throw new ArgumentException($"{name} needs {needed} floats for {rows}×{cols} (stride {stride}), holds {length}",
                name);
    }
}
