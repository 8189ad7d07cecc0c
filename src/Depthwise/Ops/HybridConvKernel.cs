using System.Runtime.InteropServices;
using Depthwise.Kernels.Depthwise;
using Depthwise.Kernels.Gemm;
using Depthwise.Kernels.Quantized;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// The fast NHWC 2-D <see cref="HybridConvOp"/>: per batch item, the input is quantized into scratch
/// (<see cref="HybridQuantizer"/>), the integer kernels store int32 accumulators (pointwise: the quantized GEMM on the
/// quantized pixels; other group-1: an int8 im2col whose padding taps hold the zero point, then the GEMM; depthwise
/// with multiplier 1: the quantized depthwise kernels with that item's zero point), and <see cref="HybridEpilogue"/>
/// turns them into float outputs. Weights are packed once; the integer work is split into parts chosen from the
/// problem size only, and integer sums do not depend on the split, so results never depend on the thread count.
/// </summary>
internal sealed class HybridConvKernel : Kernel
{
    private enum Path { Gemm, Im2Col, Depthwise }

    private readonly Path _path;
    private readonly HybridInputQuantization _mode;
    private readonly HybridEpilogue _epilogue;
    private readonly int _batch, _h, _w, _cin, _cout, _oh, _ow, _kh, _kw, _sh, _sw, _dh, _dw, _padT, _padL, _k, _m, _threads, _parts;
    private readonly Q8GemmVariant? _gemm;
    private readonly Q8GemmPackedWeights? _packed;
    private readonly Q8DepthwiseConvVariant? _dwVariant;
    private readonly Q8DepthwiseConvWeights? _dwWeights;
    private readonly DepthwiseConvShape _dwShape;
    private readonly int _quantizedOffset, _im2colOffset, _accOffset, _scalesOffset, _workerOffset, _workerBytes, _scratchBytes;

    private HybridConvKernel(Path path, SpatialWindow window, Shape x, int cout, HybridInputQuantization mode, HybridEpilogue epilogue,
        ReadOnlySpan<sbyte> weights, int threads)
    {
        _path = path;
        _mode = mode;
        _epilogue = epilogue;
        _batch = x[0]; _h = x[1]; _w = x[2]; _cin = x[3]; _cout = cout;
        _oh = window.Output[1]; _ow = window.Output[2];
        _kh = window.Kernel[1]; _kw = window.Kernel[2];
        _sh = window.Stride[1]; _sw = window.Stride[2];
        _dh = window.Dilation[1]; _dw = window.Dilation[2];
        _padT = window.PadBegin[1]; _padL = window.PadBegin[2];
        _m = _oh * _ow;
        _threads = Math.Max(1, threads);
        var bytes = MemoryMarshal.AsBytes(weights);
        int worker;
        if (path == Path.Depthwise)
        {
            _dwShape = new DepthwiseConvShape(1, _h, _w, _cin, _kh, _kw, _sh, _sw, _dh, _dw, _padT, _padL, window.PadEnd[1], window.PadEnd[2]);
            _dwVariant = Q8DepthwiseConvCatalog.Best;
            _dwWeights = Q8DepthwiseConvWeights.Pack(_cin, _kh, _kw, bytes, signed: true, [0], [], 0);
            _parts = PackedGemmKernel.ChunkCount(_dwShape.Macs, _dwShape.RowCount);
            worker = Align(Q8DepthwiseConvVariant.FoldedScratchInts(_cin) * sizeof(int)) + Align(Q8DepthwiseConvVariant.ZeroPointRowScratchBytes(_cin));
        }
        else
        {
            _k = _kh * _kw * _cin;
            _gemm = Q8GemmCatalog.Best;
            if (path == Path.Gemm)
                _packed = _gemm.Pack(_k, cout, bytes, signed: true, 1, _cin, [0], []);
            else
            {
                // [Cout, Cin, KH, KW] → [Cout, KH, KW, Cin]: B's row k = (ky·KW + kx)·Cin + c, the im2col order.
                var reordered = new byte[cout * _k];
                int taps = _kh * _kw;
                for (int o = 0; o < cout; o++)
                    for (int c = 0; c < _cin; c++)
                        for (int t = 0; t < taps; t++)
                            reordered[o * _k + t * _cin + c] = bytes[(o * _cin + c) * taps + t];
                _packed = _gemm.Pack(_k, cout, reordered, signed: true, 1, _k, [0], []);
            }
            var full = _gemm.FullRange(_m, _packed);
            _parts = PackedGemmKernel.ChunkCount((long)_m * cout * _k, Math.Max(full.MTiles, full.Panels));
            worker = Align(_gemm.ScratchShorts(_k) * sizeof(short));
        }
        _quantizedOffset = 0;
        _im2colOffset = Align(_h * _w * _cin);
        _accOffset = _im2colOffset + (path == Path.Im2Col ? Align(checked(_m * _k)) : 0);
        _scalesOffset = _accOffset + Align(checked(_m * cout * sizeof(int)));
        _workerOffset = _scalesOffset + Align(cout * sizeof(float));
        _workerBytes = worker;
        _scratchBytes = checked(_workerOffset + _threads * worker);
    }

    /// <summary>
    /// The fast kernel for this convolution, or null when it needs the reference (not NHWC 2-D, W computed at run
    /// time, grouped but not depthwise with multiplier 1).
    /// </summary>
    public static Kernel? TryCreate(OpContext ctx, Shape x, Shape w, SpatialWindow window, ChannelLayout layout, int group,
        HybridInputQuantization mode, HybridEpilogue epilogue)
    {
        if (layout != ChannelLayout.ChannelsLast || x.Rank != 4 || window.SpatialRank != 2 || x[0] == 0) return null;
        if (ctx.InputConstant(1) is not { } wt) return null;
        var weights = wt.AsSpan<sbyte>();
        int cin = x[3], cout = w[0];
        if (group == 1)
            return new HybridConvKernel(window.IsPointwise ? Path.Gemm : Path.Im2Col, window, x, cout, mode, epilogue, weights, ctx.Threads);
        if (group == cin && cout == cin && w[1] == 1)
            return new HybridConvKernel(Path.Depthwise, window, x, cout, mode, epilogue, weights, ctx.Threads);
        return null;
    }

    /// <summary>Which integer path runs: Gemm, Im2Col or Depthwise.</summary>
    public string PathName => _path.ToString();

    /// <inheritdoc />
    public override int ScratchBytes => _scratchBytes;

    /// <inheritdoc />
    public override void Run(in KernelContext ctx)
    {
        if (_m == 0 || _cout == 0) return;
        var input = ctx.Input<float>(0);
        var bias = ctx.HasInput(2) ? ctx.Input<float>(2) : default;
        var output = ctx.Output<float>(0);
        var scratch = ctx.ScratchMemory;
        int item = _h * _w * _cin, outItem = _m * _cout;
        for (int n = 0; n < _batch; n++)
        {
            var span = scratch.Span;
            var quantized = MemoryMarshal.Cast<byte, sbyte>(span.Slice(_quantizedOffset, item));
            var (sx, zx) = HybridQuantizer.Quantize(_mode, input.Slice(n * item, item), quantized);
            if (_path == Path.Im2Col) Im2Col(span.Slice(_quantizedOffset, item), span.Slice(_im2colOffset, _m * _k), (byte)(sbyte)zx);
            var work = new Work { Kernel = this, Scratch = scratch, ZeroPoint = zx };
            ctx.Parallel(ref work, _parts);
            span = scratch.Span;
            var acc = MemoryMarshal.Cast<byte, int>(span.Slice(_accOffset, outItem * sizeof(int)));
            var scales = MemoryMarshal.Cast<byte, float>(span.Slice(_scalesOffset, _cout * sizeof(float)));
            _epilogue.ApplyRows(acc, output.Slice(n * outItem, outItem), _m, sx, bias, scales);
        }
    }

    private void Execute(int index, int worker, Span<byte> scratch, int zeroPoint)
    {
        var acc = MemoryMarshal.Cast<byte, int>(scratch.Slice(_accOffset, _m * _cout * sizeof(int)));
        var own = scratch.Slice(_workerOffset + worker * _workerBytes, _workerBytes);
        if (_path == Path.Depthwise)
        {
            int foldedBytes = Align(Q8DepthwiseConvVariant.FoldedScratchInts(_cin) * sizeof(int));
            _dwVariant!.RunInt32(_dwWeights!, _dwShape, scratch.Slice(_quantizedOffset, _h * _w * _cin), inputSigned: true, zeroPoint, acc,
                DepthwiseConvRange.Split(_dwShape, _parts, index),
                MemoryMarshal.Cast<byte, int>(own[..foldedBytes]), own[foldedBytes..]);
            return;
        }
        var a = _path == Path.Gemm ? scratch.Slice(_quantizedOffset, _m * _k) : scratch.Slice(_im2colOffset, _m * _k);
        var range = _gemm!.FullRange(_m, _packed!).Part(index, _parts);
        if (range.IsEmpty) return;
        _gemm.RunInt32(_packed!, _m, a, _k, aSigned: true, zeroPoint, acc, _cout, range, MemoryMarshal.Cast<byte, short>(own));
    }

    /// <summary>The int8 patch matrix of one item: row = output pixel, columns (ky, kx, c); taps in the padding hold zx.</summary>
    private void Im2Col(ReadOnlySpan<byte> x, Span<byte> patches, byte zeroPoint)
    {
        int row = 0;
        for (int oy = 0; oy < _oh; oy++)
            for (int ox = 0; ox < _ow; ox++, row++)
            {
                var dst = patches.Slice(row * _k, _k);
                int col = 0;
                for (int ky = 0; ky < _kh; ky++)
                {
                    int iy = oy * _sh + ky * _dh - _padT;
                    for (int kx = 0; kx < _kw; kx++, col += _cin)
                    {
                        int ix = ox * _sw + kx * _dw - _padL;
                        if ((uint)iy < (uint)_h && (uint)ix < (uint)_w) x.Slice((iy * _w + ix) * _cin, _cin).CopyTo(dst.Slice(col, _cin));
                        else dst.Slice(col, _cin).Fill(zeroPoint);
                    }
                }
            }
    }

    private static int Align(int bytes) => (bytes + 63) & ~63;

    private struct Work : IParallelWork
    {
        public HybridConvKernel Kernel;
        public Memory<byte> Scratch;
        public int ZeroPoint;

        public readonly void Execute(int index, int worker) => Kernel.Execute(index, worker, Scratch.Span, ZeroPoint);
    }
}
