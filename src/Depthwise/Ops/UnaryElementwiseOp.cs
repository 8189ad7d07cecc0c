using System.Runtime.InteropServices;
using Depthwise.Kernels.Elementwise;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Base of elementwise operators with one input and one output of the same type and shape. A subclass names its
/// types and creates its kernel with <see cref="Create{TIn, TOut, TOp}"/> from an operator struct.
/// </summary>
public abstract class UnaryElementwiseOp : Op
{
    /// <summary>Element types the operator accepts (float32 unless overridden).</summary>
    protected virtual ReadOnlySpan<DataType> SupportedTypes => [DataType.Float32];

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ctx.ExpectType(0, SupportedTypes);
        ctx.SetOutput(0, ctx.InputType(0), ctx.InputShape(0));
    }

    /// <summary>A kernel applying <paramref name="op"/> to every element.</summary>
    protected static Kernel Create<TIn, TOut, TOp>(TOp op)
        where TIn : unmanaged where TOut : unmanaged where TOp : struct, IUnaryOperator<TIn, TOut>
        => new UnaryKernel<TIn, TOut, TOp>(op);

    private sealed class UnaryKernel<TIn, TOut, TOp>(TOp op) : Kernel
        where TIn : unmanaged where TOut : unmanaged where TOp : struct, IUnaryOperator<TIn, TOut>
    {
        private readonly TOp _op = op;

        public override void Run(in KernelContext ctx) => UnaryDriver.Run<TIn, TOut, TOp>(_op, ctx.Input<TIn>(0), ctx.Output<TOut>(0));
    }

    /// <summary>
    /// A kernel applying the vector operator <paramref name="op"/> to every element (in place allowed). Tensors of at
    /// least <see cref="ElementwiseChunking.ParallelThreshold"/> elements are split into fixed
    /// <see cref="ElementwiseChunking.ChunkElements"/>-element chunks that run in parallel.
    /// </summary>
    protected static Kernel CreateVector<T, TOp>(TOp op)
        where T : unmanaged where TOp : struct, IVectorUnaryOperator<T>
        => new VectorUnaryKernel<T, TOp>(op);

    private sealed class VectorUnaryKernel<T, TOp>(TOp op) : Kernel
        where T : unmanaged where TOp : struct, IVectorUnaryOperator<T>
    {
        private readonly TOp _op = op;

        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<T>(0);
            int chunks = ElementwiseChunking.Chunks(x.Length);
            if (chunks <= 1)
            {
                UnaryDriver.RunVector(_op, x, ctx.Output<T>(0));
                return;
            }
            var work = new Work(_op, ctx.InputMemory(0), ctx.OutputMemory(0), x.Length);
            ctx.Parallel(ref work, chunks);
        }

        private readonly struct Work(TOp op, ReadOnlyMemory<byte> x, Memory<byte> y, int count) : IParallelWork
        {
            public void Execute(int index, int worker)
            {
                int start = index * ElementwiseChunking.ChunkElements;
                int len = Math.Min(ElementwiseChunking.ChunkElements, count - start);
                UnaryDriver.RunVector(op, MemoryMarshal.Cast<byte, T>(x.Span).Slice(start, len), MemoryMarshal.Cast<byte, T>(y.Span).Slice(start, len));
            }
        }
    }
}
