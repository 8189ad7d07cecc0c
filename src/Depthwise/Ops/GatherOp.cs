using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Gather: picks entries of the data along <see cref="Axis"/> by the int32/int64 <c>indices</c> input, of any rank:
/// output shape = data[:axis] + indices + data[axis+1:]. Negative indices count from the end of the axis.
/// An index outside [-dim, dim-1] is a compile-time <see cref="ShapeMismatchException"/> when the indices are
/// constant; when they arrive at run time the kernel checks each one and throws <see cref="InputValidationException"/>
/// naming the node (nothing is read out of bounds, nothing is clamped). Works for every element type.
/// </summary>
public sealed class GatherOp : Op
{
    /// <summary>ONNX <c>axis</c> (default 0), in [-rank, rank-1].</summary>
    public int Axis { get; init; }

    /// <inheritdoc />
    public override string OpType => "Gather";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var data = ctx.InputShape(0);
        int axis = ResolveAxis(ctx);
        ctx.ExpectType(1, DataType.Int32, DataType.Int64);
        var indices = ctx.InputShape(1);
        if (data.Rank - 1 + indices.Rank > Shape.MaxRank)
            throw ctx.Error($"the output rank {data.Rank - 1 + indices.Rank} exceeds the limit of {Shape.MaxRank}");
        if (ctx.InputConstant(1) is { } constant)
        {
            int dim = data[axis];
            foreach (long i in constant.ToInt64Array())
                if (i < -dim || i >= dim)
                    throw ctx.Error($"index {i} is out of range [{-dim}, {dim - 1}] for axis {axis} of {data}");
        }
        var dims = new List<int>(data.Rank - 1 + indices.Rank);
        for (int d = 0; d < axis; d++) dims.Add(data[d]);
        dims.AddRange(indices.Dims.ToArray());
        for (int d = axis + 1; d < data.Rank; d++) dims.Add(data[d]);
        ctx.SetOutput(0, ctx.InputType(0), new Shape(dims.ToArray()));
        QuantPassThrough.Map(ctx, 0, a => a < axis ? a : a > axis ? a - 1 + indices.Rank : -1);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var data = ctx.InputShape(0);
        int axis = ResolveAxis(ctx);
        long outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= data[d];
        for (int d = axis + 1; d < data.Rank; d++) inner *= data[d];
        int block = (int)(inner * DataTypes.SizeOf(ctx.InputType(0)));
        var layout = new Layout(ctx.Node.Name, (int)outer, data[axis], block);
        return ctx.InputType(1) == DataType.Int32 ? new GatherKernel<int>(layout) : new GatherKernel<long>(layout);
    }

    private int ResolveAxis(OpContext ctx)
    {
        var data = ctx.InputShape(0);
        if (data.Rank == 0) throw ctx.Error("cannot gather from a scalar");
        if (Axis < -data.Rank || Axis >= data.Rank) throw ctx.Error($"axis {Axis} is out of range for data {data}");
        return Axis < 0 ? Axis + data.Rank : Axis;
    }

    /// <summary>The data viewed as [outer, dim, block bytes]; the indices pick along dim.</summary>
    private sealed record Layout(string NodeName, int Outer, int Dim, int BlockBytes);

    private sealed class GatherKernel<TIndex>(Layout layout) : Kernel where TIndex : unmanaged, System.Numerics.IBinaryInteger<TIndex>
    {
        public override void Run(in KernelContext ctx)
        {
            var indices = ctx.Input<TIndex>(1);
            int dim = layout.Dim, block = layout.BlockBytes;
            // Check every index before writing anything, so a bad input leaves no half-written output.
            for (int j = 0; j < indices.Length; j++)
            {
                long i = long.CreateTruncating(indices[j]);
                if (i < -dim || i >= dim) throw OutOfRange(i, j);
            }
            if (block == 0) return;
            var src = ctx.InputBytes(0);
            var dst = ctx.OutputBytes(0);
            int o = 0;
            for (int k = 0; k < layout.Outer; k++)
            {
                var slab = src.Slice(k * dim * block, dim * block);
                for (int j = 0; j < indices.Length; j++)
                {
                    int i = int.CreateTruncating(indices[j]);
                    if (i < 0) i += dim;
                    slab.Slice(i * block, block).CopyTo(dst.Slice(o, block));
                    o += block;
                }
            }
        }

        private InputValidationException OutOfRange(long index, int position) =>
            new($"node '{layout.NodeName}' (Gather): index {index} at position {position} is out of range [{-layout.Dim}, {layout.Dim - 1}]");
    }
}
