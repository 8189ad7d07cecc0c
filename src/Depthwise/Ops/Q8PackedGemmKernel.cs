using System.Runtime.InteropServices;
using Depthwise.Kernels.Gemm;
using Depthwise.Kernels.Quantized;
using Depthwise.Runtime;

namespace Depthwise.Ops;

/// <summary>
/// <c>Y[M×N] = requantize(A[M×K] · B + bias)</c> on 8-bit A and Y with B packed once: the kernel behind a pointwise
/// NHWC <see cref="QLinearConvOp"/> and a <see cref="QLinearGemmOp"/> with constant B. A is input 0 (rows
/// contiguous), Y output 0. <see cref="Create"/> picks the GEMM once: <see cref="Q8VnniGemm"/> (B as int8 quads, A
/// read as bytes) where AVX-VNNI is present, else the widest <see cref="Q8GemmCatalog"/> variant (B as
/// int16 pairs, A widened per M-tile). The output is cut into tile ranges chosen from the problem size only (as
/// <see cref="PackedGemmKernel"/>), so results do not depend on the thread count (integer arithmetic would make them
/// equal anyway); each worker uses its own slice of scratch.
/// </summary>
internal sealed class Q8PackedGemmKernel : Kernel
{
    private readonly Q8GemmVariant? _variant;
    private readonly Q8GemmPackedWeights? _weights;
    private readonly Q8VnniPackedWeights? _vnni;
    private readonly Q8Requantization _requant;
    private readonly GemmTileRange _full;
    private readonly int _m, _k, _n, _threads, _scratchBytes, _aZeroPoint;
    private readonly bool _aSigned;

    private Q8PackedGemmKernel(Q8GemmVariant? variant, Q8GemmPackedWeights? weights, Q8VnniPackedWeights? vnni, Q8Requantization requant,
        int m, int k, int n, bool aSigned, int aZeroPoint, int threads)
    {
        _variant = variant;
        _weights = weights;
        _vnni = vnni;
        _requant = requant;
        _m = m;
        _k = k;
        _n = n;
        _aSigned = aSigned;
        _aZeroPoint = aZeroPoint;
        _threads = Math.Max(1, threads);
        if (vnni is not null)
        {
            _full = Q8VnniGemm.FullRange(m, vnni);
            _scratchBytes = (Q8VnniGemm.ScratchBytes(k) + 63) & ~63; // 64-byte slices
        }
        else
        {
            _full = variant!.FullRange(m, weights!);
            _scratchBytes = (variant.ScratchShorts(k) * sizeof(short) + 63) & ~63;
        }
        Chunks = PackedGemmKernel.ChunkCount((long)m * n * k, Math.Max(_full.MTiles, _full.Panels));
    }

    /// <summary>
    /// Packs B (element (k, n) at <c>b[k·strideK + n·strideN]</c>, int8 when <paramref name="bSigned"/>, one zero
    /// point or one per column, N biases or none) for the GEMM this machine runs fastest on <paramref name="m"/> rows
    /// of A (int8 when <paramref name="aSigned"/>, zero point <paramref name="aZeroPoint"/>), and makes the kernel.
    /// </summary>
    public static Q8PackedGemmKernel Create(int m, int k, int n, ReadOnlySpan<byte> b, bool bSigned, int strideK, int strideN,
        ReadOnlySpan<int> bZeroPoints, ReadOnlySpan<int> bias, Q8Requantization requant, bool aSigned, int aZeroPoint, int threads)
    {
        if (Q8VnniGemm.IsSupported)
        {
            var vnni = Q8VnniPackedWeights.Pack(k, n, b, bSigned, strideK, strideN, bZeroPoints, bias, aSigned, aZeroPoint);
            return new Q8PackedGemmKernel(null, null, vnni, requant, m, k, n, aSigned, aZeroPoint, threads);
        }
        var variant = Q8GemmCatalog.Best;
        var packed = variant.Pack(k, n, b, bSigned, strideK, strideN, bZeroPoints, bias);
        return new Q8PackedGemmKernel(variant, packed, null, requant, m, k, n, aSigned, aZeroPoint, threads);
    }

    /// <summary>Number of work items one run is split into.</summary>
    public int Chunks { get; }

    /// <summary>The GEMM that runs: a <see cref="Q8GemmCatalog"/> variant's name or <see cref="Q8VnniGemm.Name"/>.</summary>
    public string GemmName => _vnni is not null ? Q8VnniGemm.Name : _variant!.Name;

    /// <inheritdoc />
    public override int ScratchBytes => checked(_threads * _scratchBytes);

    /// <inheritdoc />
    public override void Run(in KernelContext ctx)
    {
        if (_m == 0 || _n == 0) return;
        var work = new Work { Kernel = this, A = ctx.InputMemory(0), C = ctx.OutputMemory(0), Scratch = ctx.ScratchMemory };
        ctx.Parallel(ref work, Chunks);
    }

    private void Execute(int index, int worker, ReadOnlySpan<byte> a, Span<byte> c, Span<byte> scratch)
    {
        var range = _full.Part(index, Chunks);
        if (range.IsEmpty) return;
        var slice = scratch.Slice(worker * _scratchBytes, _scratchBytes);
        if (_vnni is not null)
            Q8VnniGemm.Run(_vnni, _requant, _m, a, _k, c, _n, range, slice);
        else
            _variant!.Run(_weights!, _requant, _m, a, _k, _aSigned, _aZeroPoint, c, _n, range, MemoryMarshal.Cast<byte, short>(slice));
    }

    private struct Work : IParallelWork
    {
        public Q8PackedGemmKernel Kernel;
        public ReadOnlyMemory<byte> A;
        public Memory<byte> C;
        public Memory<byte> Scratch;

        public readonly void Execute(int index, int worker) => Kernel.Execute(index, worker, A.Span, C.Span, Scratch.Span);
    }
}
