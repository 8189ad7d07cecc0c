using System.Runtime.InteropServices;
using Depthwise.Kernels.Quantized;
using Depthwise.Runtime;

namespace Depthwise.Ops;

/// <summary>
/// A group-1 quantized NHWC convolution that is not pointwise (the 3→32 stem, strided or dilated convolutions) as
/// im2col + quantized GEMM: output pixels are rows, the reduction runs over K = KH·KW·Cin in (ky, kx, c) order.
/// Each work item writes its chunk's patch rows directly as the int16 <c>x − zx</c> the GEMM multiplies (taps in
/// the padding are 0, the real zero), zero-padded to an even K, in its thread's slice of scratch, then runs the GEMM
/// on them. Chunks are fixed from K only, never from the thread count.
/// </summary>
internal sealed unsafe class Q8Im2ColConvKernel : Kernel
{
    /// <summary>Target bytes of one chunk's patch matrix.</summary>
    private const int ChunkBytes = 64 * 1024;

    private readonly Q8GemmVariant _variant;
    private readonly Q8GemmPackedWeights _weights;
    private readonly Q8Requantization _requant;
    private readonly int _h, _w, _cin, _cout, _oh, _ow, _kh, _kw, _sh, _sw, _dh, _dw, _padT, _padL;
    private readonly int _m, _kPadded, _chunks, _threads, _xZeroPoint;
    private readonly bool _xSigned;

    /// <summary>Creates the kernel. <paramref name="weights"/> are ONNX's [Cout, Cin, KH, KW] bytes; <paramref name="bias"/> Cout values or empty.</summary>
    public Q8Im2ColConvKernel(SpatialWindow win, int batch, int cin, int cout, ReadOnlySpan<byte> weights, bool weightsSigned,
        ReadOnlySpan<int> weightZeroPoints, ReadOnlySpan<int> bias, bool xSigned, int xZeroPoint, Q8Requantization requant, int threads)
    {
        _variant = Q8GemmCatalog.Best;
        _cin = cin; _cout = cout;
        _h = win.Input[1]; _w = win.Input[2];
        _oh = win.Output[1]; _ow = win.Output[2];
        _kh = win.Kernel[1]; _kw = win.Kernel[2];
        _sh = win.Stride[1]; _sw = win.Stride[2];
        _dh = win.Dilation[1]; _dw = win.Dilation[2];
        _padT = win.PadBegin[1]; _padL = win.PadBegin[2];
        _xSigned = xSigned;
        _xZeroPoint = xZeroPoint;
        _requant = requant;
        _m = batch * _oh * _ow;
        int k = _kh * _kw * cin;
        // [Cout, Cin, KH, KW] → [Cout, KH, KW, Cin], so B's row k = (ky·KW + kx)·Cin + c matches the patch.
        var reordered = new byte[cout * k];
        for (int o = 0; o < cout; o++)
            for (int c = 0; c < cin; c++)
                for (int t = 0; t < _kh * _kw; t++)
                    reordered[o * k + t * cin + c] = weights[(o * cin + c) * _kh * _kw + t];
        _weights = _variant.Pack(k, cout, reordered, weightsSigned, 1, k, weightZeroPoints, bias);
        _kPadded = 2 * _weights.KPairs;
        int mr = _variant.MR;
        int rows = Math.Max(1, ChunkBytes / sizeof(short) / Math.Max(2, _kPadded));
        RowsPerChunk = Math.Max(mr, rows / mr * mr);
        _chunks = (_m + RowsPerChunk - 1) / RowsPerChunk;
        _threads = Math.Max(1, threads);
    }

    /// <summary>Output pixels (GEMM rows) per work item.</summary>
    public int RowsPerChunk { get; }

    /// <inheritdoc />
    public override int ScratchBytes => checked(_threads * RowsPerChunk * _kPadded * sizeof(short));

    /// <inheritdoc />
    public override void Run(in KernelContext ctx)
    {
        if (_m == 0) return;
        var work = new Work { Kernel = this, X = ctx.InputMemory(0), Y = ctx.OutputMemory(0), Scratch = ctx.ScratchMemory };
        ctx.Parallel(ref work, _chunks);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Execute(int index, int worker, ReadOnlySpan<byte> x, Span<byte> y, Span<short> scratch)
    {
        int row0 = index * RowsPerChunk, rows = Math.Min(RowsPerChunk, _m - row0);
        var a = scratch.Slice(worker * RowsPerChunk * _kPadded, rows * _kPadded);
        int plane = _oh * _ow;
        fixed (byte* px = x)
        fixed (short* pa = a)
        {
            for (int i = 0; i < rows; i++)
            {
                int p = row0 + i, n = p / plane, rem = p - n * plane, oy = rem / _ow, ox = rem - oy * _ow;
                short* dst = pa + i * _kPadded;
                for (int ky = 0; ky < _kh; ky++)
                {
                    int iy = oy * _sh - _padT + ky * _dh;
                    int ix0 = ox * _sw - _padL;
                    if ((uint)iy < (uint)_h && _dw == 1 && ix0 >= 0 && ix0 + _kw <= _w)
                    {
                        // The kernel row's taps are adjacent pixels: one contiguous run of KW·Cin bytes in NHWC.
                        Widen(px + (((nint)n * _h + iy) * _w + ix0) * _cin, _kw * _cin, dst);
                        dst += _kw * _cin;
                        continue;
                    }
                    for (int kx = 0; kx < _kw; kx++, dst += _cin)
                    {
                        int ix = ix0 + kx * _dw;
                        if ((uint)iy < (uint)_h && (uint)ix < (uint)_w)
                            Widen(px + (((nint)n * _h + iy) * _w + ix) * _cin, _cin, dst);
                        else
                            for (int j = 0; j < _cin; j++) dst[j] = 0;
                    }
                }
                for (int j = _kh * _kw * _cin; j < _kPadded; j++) pa[i * _kPadded + j] = 0;
            }
        }
        _variant.Run(_weights, _requant, rows, a, _kPadded, y.Slice(row0 * _cout, rows * _cout), _cout, _variant.FullRange(rows, _weights));
    }

    /// <summary>dst[j] = src[j] − zx for j &lt; count: vectorized for runs of 8 or more, a plain loop for the few channels of a stem.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void Widen(byte* src, int count, short* dst)
    {
        if (count >= 8) Q8Widening.Row(src, count, _xSigned, _xZeroPoint, dst, count);
        else if (_xSigned) for (int j = 0; j < count; j++) dst[j] = (short)((sbyte)src[j] - _xZeroPoint);
        else for (int j = 0; j < count; j++) dst[j] = (short)(src[j] - _xZeroPoint);
    }

    private struct Work : IParallelWork
    {
        public Q8Im2ColConvKernel Kernel;
        public ReadOnlyMemory<byte> X;
        public Memory<byte> Y;
        public Memory<byte> Scratch;

        public readonly void Execute(int index, int worker) =>
            Kernel.Execute(index, worker, X.Span, Y.Span, MemoryMarshal.Cast<byte, short>(Scratch.Span));
    }
}
