using Depthwise.Kernels.Elementwise;
using Depthwise.Ops;
using Depthwise.Runtime;

namespace Depthwise.Kernels.Quantized;

/// <summary>
/// The plan kernel of an 8-bit binary op (QLinearAdd, QLinearMul): runs an <see cref="IQ8BinaryKernel"/> with
/// broadcasting, splitting outputs of at least <see cref="ElementwiseChunking.ParallelThreshold"/> elements into row
/// ranges chosen from the shape alone, so results never depend on the thread count.
/// </summary>
internal sealed class Q8BroadcastKernel<TKernel> : Kernel where TKernel : struct, IQ8BinaryKernel
{
    private readonly TKernel _kernel;
    private readonly BroadcastLayout _layout;
    private readonly int _rows, _rowsPerChunk, _chunks;

    public Q8BroadcastKernel(TKernel kernel, BroadcastLayout layout)
    {
        _kernel = kernel;
        _layout = layout;
        _rows = BinaryDriver.RowCount(layout);
        _rowsPerChunk = Math.Max(1, ElementwiseChunking.ChunkElements / layout.InnerLength);
        _chunks = layout.OutputCount >= ElementwiseChunking.ParallelThreshold ? (_rows + _rowsPerChunk - 1) / _rowsPerChunk : 1;
    }

    public override void Run(in KernelContext ctx)
    {
        if (_chunks <= 1)
        {
            Q8BinaryDriver.RunRows(_kernel, _layout, ctx.InputBytes(0), ctx.InputBytes(1), ctx.OutputBytes(0), 0, _rows);
            return;
        }
        var work = new Work(this, ctx.InputMemory(0), ctx.InputMemory(1), ctx.OutputMemory(0));
        ctx.Parallel(ref work, _chunks);
    }

    private readonly struct Work(Q8BroadcastKernel<TKernel> k, ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b, Memory<byte> y) : IParallelWork
    {
        public void Execute(int index, int worker)
        {
            int r0 = index * k._rowsPerChunk, r1 = Math.Min(k._rows, r0 + k._rowsPerChunk);
            Q8BinaryDriver.RunRows(k._kernel, k._layout, a.Span, b.Span, y.Span, r0, r1);
        }
    }
}
