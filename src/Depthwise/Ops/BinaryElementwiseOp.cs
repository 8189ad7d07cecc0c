using Depthwise.Kernels.Elementwise;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Base of elementwise operators with two inputs of one type, broadcast numpy-style. The output type is the input type
/// unless <see cref="OutputType"/> says otherwise (comparisons give bool).
/// </summary>
public abstract class BinaryElementwiseOp : Op
{
    /// <summary>Element types the operator accepts.</summary>
    protected virtual ReadOnlySpan<DataType> SupportedTypes => [DataType.Float32, DataType.Int32, DataType.Int64];

    /// <summary>The output type for an input type.</summary>
    protected virtual DataType OutputType(DataType input) => input;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ctx.ExpectType(0, SupportedTypes);
        if (ctx.InputType(1) != ctx.InputType(0))
            throw ctx.Error($"inputs have different types ({DataTypes.Name(ctx.InputType(0))} and {DataTypes.Name(ctx.InputType(1))})");
        var shape = Shape.Broadcast(ctx.InputShape(0), ctx.InputShape(1))
            ?? throw ctx.Error($"shapes {ctx.InputShape(0)} and {ctx.InputShape(1)} do not broadcast");
        ctx.SetOutput(0, OutputType(ctx.InputType(0)), shape);
    }

    /// <summary>A kernel applying <paramref name="op"/> with broadcasting for the shapes in <paramref name="ctx"/>.</summary>
    protected static Kernel Create<TIn, TOut, TOp>(OpContext ctx, TOp op)
        where TIn : unmanaged where TOut : unmanaged where TOp : struct, IBinaryOperator<TIn, TOut>
        => new BinaryKernel<TIn, TOut, TOp>(op, new BroadcastLayout(ctx.OutputShape(0), ctx.InputShape(0), ctx.InputShape(1)));

    private sealed class BinaryKernel<TIn, TOut, TOp>(TOp op, BroadcastLayout layout) : Kernel
        where TIn : unmanaged where TOut : unmanaged where TOp : struct, IBinaryOperator<TIn, TOut>
    {
        private readonly TOp _op = op;

        public override void Run(in KernelContext ctx) =>
            BinaryDriver.Run<TIn, TOut, TOp>(_op, layout, ctx.Input<TIn>(0), ctx.Input<TIn>(1), ctx.Output<TOut>(0));
    }

    /// <summary>
    /// A kernel applying the vector operator <paramref name="op"/> with broadcasting. Outputs of at least
    /// <see cref="ElementwiseChunking.ParallelThreshold"/> elements are split into row ranges of about
    /// <see cref="ElementwiseChunking.ChunkElements"/> elements (from the shape alone) that run in parallel.
    /// </summary>
    protected static Kernel CreateVector<T, TOp>(OpContext ctx, TOp op)
        where T : unmanaged where TOp : struct, IVectorBinaryOperator<T>
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return new VectorBinaryKernel<T, TOp>(op, new BroadcastLayout(ctx.OutputShape(0), ctx.InputShape(0), ctx.InputShape(1)));
    }

    private sealed class VectorBinaryKernel<T, TOp> : Kernel
        where T : unmanaged where TOp : struct, IVectorBinaryOperator<T>
    {
        private readonly TOp _op;
        private readonly BroadcastLayout _layout;
        private readonly int _rows, _rowsPerChunk, _chunks;

        public VectorBinaryKernel(TOp op, BroadcastLayout layout)
        {
            _op = op;
            _layout = layout;
            _rows = BinaryDriver.RowCount(layout);
            _rowsPerChunk = Math.Max(1, ElementwiseChunking.ChunkElements / layout.InnerLength);
            _chunks = layout.OutputCount >= ElementwiseChunking.ParallelThreshold ? (_rows + _rowsPerChunk - 1) / _rowsPerChunk : 1;
        }

        public override void Run(in KernelContext ctx)
        {
            if (_chunks <= 1)
            {
                BinaryDriver.RunVector(_op, _layout, ctx.Input<T>(0), ctx.Input<T>(1), ctx.Output<T>(0));
                return;
            }
            var work = new Work(this, ctx.InputMemory(0), ctx.InputMemory(1), ctx.OutputMemory(0));
            ctx.Parallel(ref work, _chunks);
        }

        private readonly struct Work(VectorBinaryKernel<T, TOp> k, ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b, Memory<byte> y) : IParallelWork
        {
            public void Execute(int index, int worker)
            {
                int r0 = index * k._rowsPerChunk, r1 = Math.Min(k._rows, r0 + k._rowsPerChunk);
                BinaryDriver.RunVectorRows(k._op, k._layout,
                    System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(a.Span),
                    System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(b.Span),
                    System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(y.Span), r0, r1);
            }
        }
    }
}
