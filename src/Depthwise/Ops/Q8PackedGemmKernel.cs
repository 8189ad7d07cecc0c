using System.Runtime.InteropServices;
using Depthwise.Kernels.Gemm;
using Depthwise.Kernels.Quantized;
using Depthwise.Runtime;

namespace Depthwise.Ops;

/// <summary>
/// <c>Y[M×N] = requantize(A[M×K] · B + bias)</c> on 8-bit A and Y with B packed once (<see cref="Q8GemmPackedWeights"/>)
/// and run by the widest supported <see cref="Q8GemmCatalog"/> variant: the kernel behind a pointwise NHWC
/// <see cref="QLinearConvOp"/> and a <see cref="QLinearGemmOp"/> with constant B. A is input 0 (rows contiguous),
/// Y output 0. The output is cut into tile ranges chosen from the problem size only (as <see cref="PackedGemmKernel"/>),
/// so results do not depend on the thread count (integer arithmetic would make them equal anyway); each worker
/// widens its M-tiles into its own slice of scratch.
/// </summary>
internal sealed class Q8PackedGemmKernel : Kernel
{
    private readonly Q8GemmVariant _variant;
    private readonly Q8GemmPackedWeights _weights;
    private readonly Q8Requantization _requant;
    private readonly GemmTileRange _full;
    private readonly int _m, _threads, _scratchShorts, _aZeroPoint;
    private readonly bool _aSigned;

    /// <summary>Creates the kernel for <paramref name="m"/> rows of A.</summary>
    public Q8PackedGemmKernel(Q8GemmVariant variant, Q8GemmPackedWeights weights, Q8Requantization requant, int m, bool aSigned,
        int aZeroPoint, int threads)
    {
        _variant = variant;
        _weights = weights;
        _requant = requant;
        _m = m;
        _aSigned = aSigned;
        _aZeroPoint = aZeroPoint;
        _threads = Math.Max(1, threads);
        _full = variant.FullRange(m, weights);
        _scratchShorts = (variant.ScratchShorts(weights.K) + 31) & ~31; // 64-byte slices
        Chunks = PackedGemmKernel.ChunkCount((long)m * weights.N * weights.K, Math.Max(_full.MTiles, _full.Panels));
    }

    /// <summary>Number of work items one run is split into.</summary>
    public int Chunks { get; }

    /// <summary>The variant that runs.</summary>
    public Q8GemmVariant Variant => _variant;

    /// <inheritdoc />
    public override int ScratchBytes => checked(_threads * _scratchShorts * sizeof(short));

    /// <inheritdoc />
    public override void Run(in KernelContext ctx)
    {
        if (_m == 0 || _weights.N == 0) return;
        var work = new Work { Kernel = this, A = ctx.InputMemory(0), C = ctx.OutputMemory(0), Scratch = ctx.ScratchMemory };
        ctx.Parallel(ref work, Chunks);
    }

    private void Execute(int index, int worker, ReadOnlySpan<byte> a, Span<byte> c, Span<short> scratch)
    {
        var range = _full.Part(index, Chunks);
        if (range.IsEmpty) return;
        _variant.Run(_weights, _requant, _m, a, _weights.K, _aSigned, _aZeroPoint, c, _weights.N, range,
            scratch.Slice(worker * _scratchShorts, _scratchShorts));
    }

    private struct Work : IParallelWork
    {
        public Q8PackedGemmKernel Kernel;
        public ReadOnlyMemory<byte> A;
        public Memory<byte> C;
        public Memory<byte> Scratch;

        public readonly void Execute(int index, int worker) =>
            Kernel.Execute(index, worker, A.Span, C.Span, MemoryMarshal.Cast<byte, short>(Scratch.Span));
    }
}
