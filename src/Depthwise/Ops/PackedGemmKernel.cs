using Depthwise.Kernels;
using System.Runtime.InteropServices;
using Depthwise.Kernels.Gemm;
using Depthwise.Runtime;

namespace Depthwise.Ops;

/// <summary>
/// <c>Y[M×N] = act(A[M×K] · B + bias (+ R))</c> with B and the bias packed once (<see cref="F32GemmPackedWeights"/>)
/// and run by the widest supported <see cref="GemmCatalog"/> variant: the kernel behind a pointwise (1×1) NHWC
/// <see cref="ConvOp"/>, a <see cref="GemmOp"/> and a <see cref="MatMulOp"/> with constant B. A is input 0 (rows
/// contiguous, <c>lda = K</c>), Y is output 0, R (optional) is input <see cref="ResidualInput"/>.
/// The output is cut into <see cref="Chunks"/> tile ranges chosen from the problem size only (never from the thread
/// count), so every element is computed by the same instructions whatever the number of threads: bit-identical
/// results. An activation the GEMM epilogue cannot fuse (Sigmoid, SiLU) runs on each chunk's rectangle right after
/// the GEMM, while it is still in cache.
/// </summary>
internal sealed class PackedGemmKernel : Kernel
{
    /// <summary>Work below this many multiply-accumulates per chunk is not worth a thread hand-off (a few µs).</summary>
    public const long MacsPerChunk = 256 * 1024;

    /// <summary>At most this many chunks per region: about 4× a few-core target, for load balance on a shared machine.</summary>
    public const int MaxChunks = 16;

    private readonly F32GemmVariant _variant;
    private readonly F32GemmPackedWeights _weights;
    private readonly FusedEpilogue _epilogue;
    private readonly ConvActivation _post;
    private readonly GemmTileRange _full;
    private readonly int _m;

    /// <summary>Creates the kernel; <paramref name="post"/> is None when the epilogue does the whole activation.</summary>
    public PackedGemmKernel(F32GemmVariant variant, F32GemmPackedWeights weights, int m, FusedEpilogue epilogue,
        ConvActivation post, int residualInput)
    {
        _variant = variant;
        _weights = weights;
        _m = m;
        _epilogue = epilogue;
        _post = post;
        ResidualInput = residualInput;
        _full = variant.FullRange(m, weights);
        Chunks = ChunkCount((long)m * weights.N * weights.K, Math.Max(_full.MTiles, _full.Panels));
    }

    /// <summary>Index of the residual input, or −1.</summary>
    public int ResidualInput { get; }

    /// <summary>Number of work items one run is split into.</summary>
    public int Chunks { get; }

    /// <summary>The variant that runs.</summary>
    public F32GemmVariant Variant => _variant;

    /// <summary>Chunks for <paramref name="macs"/> of work over <paramref name="units"/> indivisible units.</summary>
    public static int ChunkCount(long macs, int units) =>
        (int)Math.Max(1, Math.Min(Math.Min(macs / MacsPerChunk, MaxChunks), units));

    /// <inheritdoc />
    public override void Run(in KernelContext ctx)
    {
        var work = new Work
        {
            Kernel = this,
            A = ctx.InputMemory(0),
            C = ctx.OutputMemory(0),
            R = ResidualInput >= 0 && ctx.HasInput(ResidualInput) ? ctx.InputMemory(ResidualInput) : default,
        };
        ctx.Parallel(ref work, Chunks);
    }

    private void Execute(int index, ReadOnlySpan<float> a, Span<float> c, ReadOnlySpan<float> r)
    {
        int n = _weights.N;
        var range = _full.Part(index, Chunks);
        if (range.IsEmpty) return;
        _variant.Run(_weights, _m, a, _weights.K, c, n, _epilogue, r, n, range);
        if (_post.IsNone) return;
        int row0 = range.MTileStart * _variant.MR, row1 = Math.Min(range.MTileEnd * _variant.MR, _m);
        int col0 = range.PanelStart * _variant.NR, col1 = Math.Min(range.PanelEnd * _variant.NR, n);
        if (col0 == 0 && col1 == n) ConvPostActivation.Apply(_post, c.Slice(row0 * n, (row1 - row0) * n), default);
        else for (int i = row0; i < row1; i++) ConvPostActivation.Apply(_post, c.Slice(i * n + col0, col1 - col0), default);
    }

    private struct Work : IParallelWork
    {
        public PackedGemmKernel Kernel;
        public ReadOnlyMemory<byte> A;
        public Memory<byte> C;
        public ReadOnlyMemory<byte> R;

        public readonly void Execute(int index, int worker) =>
            Kernel.Execute(index, MemoryMarshal.Cast<byte, float>(A.Span), MemoryMarshal.Cast<byte, float>(C.Span),
                R.IsEmpty ? default : MemoryMarshal.Cast<byte, float>(R.Span));
    }
}
