using Depthwise.Kernels.Elementwise;
using Depthwise.Kernels.Quantized;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// An 8-bit elementwise function computed through a 256-entry table built when the plan is compiled from the input's
/// quantization and <see cref="OutputQuant"/>: requantization (TFLite QUANTIZE 8→8 bit, the rescale TFLite's
/// CONCATENATION applies), the TFLite activations LOGISTIC, TANH, HARD_SWISH, RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, ELU,
/// and com.microsoft QLinearSigmoid / QLinearLeakyRelu. Every entry is computed with the arithmetic of the runtime
/// <see cref="Requantize"/> names, so the table gives that runtime's results bit for bit. Input X: uint8 or int8 with
/// per-tensor quantization; the output type may differ (uint8 ↔ int8 requantization).
/// </summary>
public sealed class QLinearLookupOp : Op
{
    /// <summary>The function.</summary>
    public QLinearLookupKind Kind { get; init; }

    /// <summary>The negative-side slope of <see cref="QLinearLookupKind.LeakyRelu"/>.</summary>
    public float Alpha { get; init; } = 0.01f;

    /// <summary>The output's per-tensor quantization (required).</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output storage type (UInt8 or Int8; Undefined means the input's type).</summary>
    public DataType OutputType { get; init; }

    /// <summary>Whose arithmetic the table reproduces.</summary>
    public RequantizeMode Requantize { get; init; } = RequantizeMode.TfLiteFixedPoint;

    /// <inheritdoc />
    public override string OpType => "QLinearLookup";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (type, yq, _) = Check(ctx);
        ctx.SetOutput(0, type, ctx.InputShape(0));
        ctx.SetOutputQuant(0, yq);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => new LookupKernel(new Q8Lookup(Table(ctx), Q8Isas.Best));

    /// <summary>The table this op applies for the shapes and quantization in <paramref name="ctx"/> (entry b: output byte for input byte b).</summary>
    internal byte[] Table(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var (type, yq, xq) = Check(ctx);
        try
        {
            return Q8LookupTable.Build(Kind, xq, ctx.InputType(0), yq, type, Alpha, Requantize);
        }
        catch (ArgumentException e)
        {
            throw ctx.Error(e.Message);
        }
    }

    private (DataType Type, QuantParams Y, QuantParams X) Check(OpContext ctx)
    {
        var xq = QuantResolver.PerTensorInput(ctx, 0, "X");
        var type = QuantResolver.OutputType(ctx, OutputType);
        var yq = QuantResolver.OutputQuant(ctx, OutputQuant, type);
        if (!float.IsFinite(Alpha)) throw ctx.Error($"alpha {Alpha} is not finite");
        return (type, yq, xq);
    }

    private sealed class LookupKernel(Q8Lookup lookup) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            int n = ctx.InputShape(0).ElementCount;
            int chunks = ElementwiseChunking.Chunks(n);
            if (chunks <= 1)
            {
                lookup.Run(ctx.InputBytes(0)[..n], ctx.OutputBytes(0)[..n]);
                return;
            }
            var work = new Work(lookup, ctx.InputMemory(0), ctx.OutputMemory(0), n);
            ctx.Parallel(ref work, chunks);
        }

        private readonly struct Work(Q8Lookup lookup, ReadOnlyMemory<byte> x, Memory<byte> y, int count) : IParallelWork
        {
            public void Execute(int index, int worker)
            {
                int start = index * ElementwiseChunking.ChunkElements, len = Math.Min(ElementwiseChunking.ChunkElements, count - start);
                lookup.Run(x.Span.Slice(start, len), y.Span.Slice(start, len));
            }
        }
    }
}
