using Depthwise.Kernels;
using System.Runtime.InteropServices;
using Depthwise.Kernels.Depthwise;
using Depthwise.Runtime;

namespace Depthwise.Ops;

/// <summary>
/// An NHWC depthwise <see cref="ConvOp"/> (group = Cin = Cout) on the <see cref="DepthwiseConvCatalog"/> variant
/// selected for its geometry, with filters and bias packed once. Clamp and HardSwish are fused into the kernel; a
/// residual input or an activation the kernel cannot fuse (Sigmoid, SiLU) runs on each chunk's rows right after the
/// kernel wrote them (residual first, then the activation: the ConvOp order). The output rows are cut into chunks
/// chosen from the problem size only, so results are bit-identical for any thread count.
/// </summary>
internal sealed class DepthwiseConvKernel : Kernel
{
    private readonly F32DepthwiseConvVariant _variant;
    private readonly F32DepthwiseConvWeights _weights;
    private readonly DepthwiseConvShape _shape;
    private readonly FusedEpilogue _epilogue;
    private readonly ConvActivation _post;
    private readonly bool _residual;
    private readonly int _chunks;

    /// <summary>Creates the kernel; <paramref name="weights"/> are ONNX's [C, 1, KH, KW].</summary>
    public DepthwiseConvKernel(in DepthwiseConvShape shape, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ConvActivation activation, bool residual)
    {
        _shape = shape;
        _variant = DepthwiseConvCatalog.Select(shape);
        _weights = F32DepthwiseConvWeights.PackChannelFirst(shape.Channels, shape.KernelHeight, shape.KernelWidth, weights, bias);
        _residual = residual;
        if (residual)
        {
            // The kernel's epilogue has no residual: add it after, then activate.
            _epilogue = FusedEpilogue.Linear;
            _post = activation;
        }
        else
        {
            (_epilogue, _post) = activation.ToFused();
        }
        _chunks = PackedGemmKernel.ChunkCount(shape.Macs, shape.RowCount);
    }

    /// <summary>The variant that runs.</summary>
    public F32DepthwiseConvVariant Variant => _variant;

    /// <inheritdoc />
    public override void Run(in KernelContext ctx)
    {
        if (_shape.RowCount == 0) return;
        var work = new Work
        {
            Kernel = this,
            X = ctx.InputMemory(0),
            Y = ctx.OutputMemory(0),
            R = _residual ? ctx.InputMemory(ConvOp.ResidualInput) : default,
        };
        ctx.Parallel(ref work, _chunks);
    }

    private void Execute(int index, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> r)
    {
        var range = DepthwiseConvRange.Split(_shape, _chunks, index);
        if (range.IsEmpty) return;
        _variant.Run(_weights, _shape, _epilogue, x, y, range);
        if (_post.IsNone && r.IsEmpty) return;
        int rowLength = _shape.OutputWidth * _shape.Channels;
        int start = range.Start * rowLength, count = range.Count * rowLength;
        // None with a residual is the plain add.
        ConvPostActivation.Apply(_post, y.Slice(start, count), r.IsEmpty ? default : r.Slice(start, count));
    }

    private struct Work : IParallelWork
    {
        public DepthwiseConvKernel Kernel;
        public ReadOnlyMemory<byte> X;
        public Memory<byte> Y;
        public ReadOnlyMemory<byte> R;

        public readonly void Execute(int index, int worker) =>
            Kernel.Execute(index, MemoryMarshal.Cast<byte, float>(X.Span), MemoryMarshal.Cast<byte, float>(Y.Span),
                R.IsEmpty ? default : MemoryMarshal.Cast<byte, float>(R.Span));
    }
}
