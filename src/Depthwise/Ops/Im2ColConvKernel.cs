using Depthwise.Kernels;
using System.Runtime.InteropServices;
using Depthwise.Kernels.Gemm;
using Depthwise.Runtime;

namespace Depthwise.Ops;

/// <summary>
/// A group-1 NHWC convolution that is not pointwise (the 3→32 stem, the 3×3 convolutions of the segmentation heads,
/// dilated or strided 1×1) as im2col + GEMM: output pixels are rows of M = N·OH·OW, the reduction runs over
/// K = KH·KW·Cin in (ky, kx, c) order, so each tap's Cin input values are one contiguous copy from an NHWC row.
/// The rows are cut into fixed chunks of <see cref="RowsPerChunk"/> (a multiple of MR, from K only); each work item
/// gathers its chunk's patch matrix into its thread's slice of scratch (Threads × chunk) and runs the packed GEMM on
/// it with the bias, residual and clamp/HardSwish fused, then any activation the epilogue cannot fuse. The chunking
/// never depends on the thread count, so results are bit-identical for any number of threads.
/// </summary>
internal sealed class Im2ColConvKernel : Kernel
{
    /// <summary>Target bytes of one chunk's patch matrix: fits L2 next to the packed weights.</summary>
    private const int ChunkBytes = 128 * 1024;

    private readonly F32GemmVariant _variant;
    private readonly F32GemmPackedWeights _weights;
    private readonly FusedEpilogue _epilogue;
    private readonly ConvActivation _post;
    private readonly int _n, _h, _w, _cin, _cout, _oh, _ow, _kh, _kw, _sh, _sw, _dh, _dw, _padT, _padL;
    private readonly int _m, _k, _chunks, _threads;

    /// <summary>
    /// Creates the kernel. <paramref name="weights"/> are ONNX's [Cout, Cin, KH, KW]; <paramref name="bias"/> is Cout
    /// values or empty.
    /// </summary>
    public Im2ColConvKernel(SpatialWindow win, int batch, int cin, int cout, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias, ConvActivation activation, int threads)
    {
        _variant = GemmCatalog.Best;
        _n = batch; _cin = cin; _cout = cout;
        _h = win.Input[1]; _w = win.Input[2];
        _oh = win.Output[1]; _ow = win.Output[2];
        _kh = win.Kernel[1]; _kw = win.Kernel[2];
        _sh = win.Stride[1]; _sw = win.Stride[2];
        _dh = win.Dilation[1]; _dw = win.Dilation[2];
        _padT = win.PadBegin[1]; _padL = win.PadBegin[2];
        _m = batch * _oh * _ow;
        _k = _kh * _kw * cin;
        // Reorder [Cout, Cin, KH, KW] to [Cout, KH, KW, Cin] so B's row k = (ky·KW + kx)·Cin + c matches the patch.
        var reordered = new float[cout * _k];
        for (int o = 0; o < cout; o++)
            for (int c = 0; c < cin; c++)
                for (int t = 0; t < _kh * _kw; t++)
                    reordered[o * _k + t * cin + c] = weights[(o * cin + c) * _kh * _kw + t];
        _weights = _variant.Pack(_k, cout, reordered, 1, _k, bias);
        (_epilogue, _post) = activation.ToFused();
        int mr = _variant.MR;
        int rows = Math.Max(1, ChunkBytes / sizeof(float) / Math.Max(1, _k));
        RowsPerChunk = Math.Max(mr, rows / mr * mr);
        _chunks = (_m + RowsPerChunk - 1) / RowsPerChunk;
        _threads = Math.Max(1, threads);
    }

    /// <summary>Output pixels (GEMM rows) per work item.</summary>
    public int RowsPerChunk { get; }

    /// <inheritdoc />
    public override int ScratchBytes => checked(_threads * RowsPerChunk * _k * sizeof(float));

    /// <inheritdoc />
    public override void Run(in KernelContext ctx)
    {
        if (_m == 0) return;
        var work = new Work
        {
            Kernel = this,
            X = ctx.InputMemory(0),
            Y = ctx.OutputMemory(0),
            R = ctx.HasInput(ConvOp.ResidualInput) ? ctx.InputMemory(ConvOp.ResidualInput) : default,
            Scratch = ctx.ScratchMemory,
        };
        ctx.Parallel(ref work, _chunks);
    }

    private void Execute(int index, int worker, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> r, Span<float> scratch)
    {
        int row0 = index * RowsPerChunk, rows = Math.Min(RowsPerChunk, _m - row0);
        var a = scratch.Slice(worker * RowsPerChunk * _k, rows * _k);
        int plane = _oh * _ow;
        for (int i = 0; i < rows; i++)
        {
            int p = row0 + i, n = p / plane, rem = p - n * plane, oy = rem / _ow, ox = rem - oy * _ow;
            var dst = a.Slice(i * _k, _k);
            for (int ky = 0; ky < _kh; ky++)
            {
                int iy = oy * _sh - _padT + ky * _dh;
                for (int kx = 0; kx < _kw; kx++)
                {
                    var tap = dst.Slice((ky * _kw + kx) * _cin, _cin);
                    int ix = ox * _sw - _padL + kx * _dw;
                    if ((uint)iy < (uint)_h && (uint)ix < (uint)_w)
                        x.Slice(((n * _h + iy) * _w + ix) * _cin, _cin).CopyTo(tap);
                    else
                        tap.Clear();
                }
            }
        }
        var c = y.Slice(row0 * _cout, rows * _cout);
        var res = r.IsEmpty ? default : r.Slice(row0 * _cout, rows * _cout);
        _variant.Run(_weights, rows, a, _k, c, _cout, _epilogue, res, _cout, _variant.FullRange(rows, _weights));
        if (!_post.IsNone) ConvPostActivation.Apply(_post, c, default);
    }

    private struct Work : IParallelWork
    {
        public Im2ColConvKernel Kernel;
        public ReadOnlyMemory<byte> X;
        public Memory<byte> Y;
        public ReadOnlyMemory<byte> R;
        public Memory<byte> Scratch;

        public readonly void Execute(int index, int worker) =>
            Kernel.Execute(index, worker, MemoryMarshal.Cast<byte, float>(X.Span), MemoryMarshal.Cast<byte, float>(Y.Span),
                R.IsEmpty ? default : MemoryMarshal.Cast<byte, float>(R.Span), MemoryMarshal.Cast<byte, float>(Scratch.Span));
    }
}
