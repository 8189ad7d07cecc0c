using System.Runtime.InteropServices;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Shape: the input's dims <c>[start, end)</c> as a 1-D int64 tensor. Negative start/end count from the end and both
/// are clamped to [0, rank] (opset 15). The result depends only on the shape, so it is a compile-time constant and
/// everything computed from it folds away.
/// </summary>
public sealed class ShapeOp : Op
{
    /// <summary>ONNX <c>start</c> (default 0).</summary>
    public long Start { get; init; }

    /// <summary>ONNX <c>end</c>, or null for "to the last dim".</summary>
    public long? End { get; init; }

    /// <inheritdoc />
    public override string OpType => "Shape";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx) => ctx.SetOutputConstant(0, Compute(ctx.InputShape(0)));

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => new ShapeKernel(Compute(ctx.InputShape(0)).ToArray<long>());

    /// <summary>The output for an input of shape <paramref name="input"/>.</summary>
    public Tensor Compute(Shape input)
    {
        int rank = input.Rank;
        long s = Start < 0 ? Start + rank : Start;
        long e = End is { } end ? (end < 0 ? end + rank : end) : rank;
        s = Math.Clamp(s, 0, rank);
        e = Math.Clamp(e, 0, rank);
        int n = (int)Math.Max(0, e - s);
        var dims = new long[n];
        for (int i = 0; i < n; i++) dims[i] = input[(int)s + i];
        return Tensor.FromArray(new Shape(n), dims);
    }

    /// <summary>Writes the precomputed dims (the compiler normally folds Shape, so this runs only if asked to).</summary>
    private sealed class ShapeKernel(long[] dims) : Kernel
    {
        public override void Run(in KernelContext ctx) => MemoryMarshal.AsBytes(dims.AsSpan()).CopyTo(ctx.OutputBytes(0));
    }
}
