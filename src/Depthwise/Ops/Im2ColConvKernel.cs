using Depthwise.Kernels;
using System.Runtime.InteropServices;
using Depthwise.Kernels.Gemm;
using Depthwise.Runtime;

namespace Depthwise.Ops;

/// <summary>
/// A group-1 NHWC convolution that is not pointwise (the 3→32 stem, the 3×3 convolutions of the segmentation heads,
/// dilated or strided 1×1) as im2col + GEMM: output pixels are rows of M = N·OH·OW, the reduction runs over
/// K = KH·KW·Cin in (ky, kx, c) order, so each tap's Cin input values are one contiguous copy from an NHWC row.
/// Taps that read only padding for every output position (dilated convolutions on small maps, DeepLabV3's ASPP) are
/// left out of K at plan time: they would only multiply zeros.
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
    private readonly int[] _liveKy, _liveKx;

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
        // Taps that read only padding for every output position (large dilations on small maps) multiply zeros only:
        // the patch and B keep just the live rows and columns of taps.
        _liveKy = LiveTaps(_kh, _oh, _sh, _dh, _padT, _h);
        _liveKx = LiveTaps(_kw, _ow, _sw, _dw, _padL, _w);
        int taps = _liveKy.Length * _liveKx.Length;
        DroppedTaps = _kh * _kw - taps;
        _k = taps * cin;
        // Reorder [Cout, Cin, KH, KW] to [Cout, live KH, live KW, Cin] so B's row k = (i·liveKW + j)·Cin + c matches
        // the patch, where ky = liveKy[i] and kx = liveKx[j].
        var reordered = new float[cout * _k];
        for (int o = 0; o < cout; o++)
            for (int c = 0; c < cin; c++)
                for (int i = 0; i < _liveKy.Length; i++)
                    for (int j = 0; j < _liveKx.Length; j++)
                        reordered[o * _k + (i * _liveKx.Length + j) * cin + c] =
                            weights[((o * cin + c) * _kh + _liveKy[i]) * _kw + _liveKx[j]];
        _weights = _variant.Pack(_k, cout, reordered, 1, _k, bias);
        (_epilogue, _post) = activation.ToFused();
        int mr = _variant.MR;
        int rows = Math.Max(1, ChunkBytes / sizeof(float) / Math.Max(1, _k));
        RowsPerChunk = Math.Max(mr, rows / mr * mr);
        _chunks = (_m + RowsPerChunk - 1) / RowsPerChunk;
        _threads = Math.Max(1, threads);
    }

    /// <summary>Kernel taps (ky, kx) left out of the patch because they read only padding for every output.</summary>
    public int DroppedTaps { get; }

    /// <summary>
    /// The offsets k along one spatial axis whose input position o·stride − pad + k·dilation is inside [0, size) for at
    /// least one output position o. Never empty while there are outputs: an axis with no live tap keeps tap 0, which
    /// then only reads padding (zeros) and so stays exact.
    /// </summary>
    private static int[] LiveTaps(int kernel, int outSize, int stride, int dilation, int padBegin, int size)
    {
        var live = new List<int>(kernel);
        for (int k = 0; k < kernel; k++)
        {
            long first = (long)k * dilation - padBegin;                      // input position at o = 0
            long o = first >= 0 ? 0 : (-first + stride - 1) / stride;        // first o with a position ≥ 0
            if (o < outSize && first + o * stride < size) live.Add(k);
        }
        if (live.Count == 0) live.Add(0);
        return live.ToArray();
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

    // Hot loop of the first runs too: compiled fully optimized at first call, not at tier 0 (start-up).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Execute(int index, int worker, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> r, Span<float> scratch)
    {
        int row0 = index * RowsPerChunk, rows = Math.Min(RowsPerChunk, _m - row0);
        var a = scratch.Slice(worker * RowsPerChunk * _k, rows * _k);
        int plane = _oh * _ow;
        for (int i = 0; i < rows; i++)
        {
            int p = row0 + i, n = p / plane, rem = p - n * plane, oy = rem / _ow, ox = rem - oy * _ow;
            var dst = a.Slice(i * _k, _k);
            int t = 0;
            foreach (int ky in _liveKy)
            {
                int iy = oy * _sh - _padT + ky * _dh;
                foreach (int kx in _liveKx)
                {
                    var tap = dst.Slice(t++ * _cin, _cin);
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
