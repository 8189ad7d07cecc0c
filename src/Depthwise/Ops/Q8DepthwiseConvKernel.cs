using Depthwise.Kernels.Depthwise;
using Depthwise.Kernels.Quantized;
using Depthwise.Runtime;

namespace Depthwise.Ops;

/// <summary>
/// A quantized NHWC depthwise convolution (depth multiplier 1) through <see cref="Q8DepthwiseConvCatalog"/>: weights
/// packed once, output rows split into parts chosen from the MAC count only (as <see cref="DepthwiseConvKernel"/>).
/// </summary>
internal sealed class Q8DepthwiseConvKernel : Kernel
{
    private readonly Q8DepthwiseConvVariant _variant;
    private readonly Q8DepthwiseConvWeights _weights;
    private readonly DepthwiseConvShape _shape;
    private readonly Q8Requantization _requant;
    private readonly bool _inputSigned;

    /// <summary>Creates the kernel.</summary>
    public Q8DepthwiseConvKernel(Q8DepthwiseConvVariant variant, Q8DepthwiseConvWeights weights, DepthwiseConvShape shape,
        Q8Requantization requant, bool inputSigned)
    {
        _variant = variant;
        _weights = weights;
        _shape = shape;
        _requant = requant;
        _inputSigned = inputSigned;
        Parts = PackedGemmKernel.ChunkCount(shape.Macs, shape.RowCount);
    }

    /// <summary>Number of work items one run is split into.</summary>
    public int Parts { get; }

    /// <summary>The variant that runs.</summary>
    public Q8DepthwiseConvVariant Variant => _variant;

    /// <inheritdoc />
    public override void Run(in KernelContext ctx)
    {
        if (_shape.OutputLength == 0) return;
        var work = new Work { Kernel = this, X = ctx.InputMemory(0), Y = ctx.OutputMemory(0) };
        ctx.Parallel(ref work, Parts);
    }

    private void Execute(int index, ReadOnlySpan<byte> x, Span<byte> y) =>
        _variant.Run(_weights, _shape, _requant, x, _inputSigned, y, DepthwiseConvRange.Split(_shape, Parts, index));

    private struct Work : IParallelWork
    {
        public Q8DepthwiseConvKernel Kernel;
        public ReadOnlyMemory<byte> X;
        public Memory<byte> Y;

        public readonly void Execute(int index, int worker) => Kernel.Execute(index, X.Span, Y.Span);
    }
}
