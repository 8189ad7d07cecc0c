using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Concat: joins the inputs along <see cref="Axis"/>; every other dim must agree. Empty inputs are allowed; an empty
/// input whose rank differs from the others (e.g. a <c>[0]</c> placeholder some exporters emit) is ignored.
/// Works for every element type: each input contributes one contiguous byte block per outer index.
/// </summary>
public sealed class ConcatOp : Op
{
    /// <summary>ONNX <c>axis</c> (required), in [-rank, rank-1].</summary>
    public int Axis { get; init; }

    /// <inheritdoc />
    public override string OpType => "Concat";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (shape, axis, _) = Resolve(ctx);
        ctx.SetOutput(0, ctx.InputType(0), shape);
        QuantParams? quant = ctx.InputQuant(0);
        for (int i = 1; i < ctx.InputCount; i++)
            if (!SameQuant(quant, ctx.InputQuant(i)))
                throw ctx.Error($"inputs 0 and {i} have different quantization parameters; a requantizing Concat is not supported");
        QuantPassThrough.Keep(ctx, 0, a => a == axis);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (shape, axis, used) = Resolve(ctx);
        int elem = DataTypes.SizeOf(ctx.InputType(0));
        long outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= shape[d];
        for (int d = axis + 1; d < shape.Rank; d++) inner *= shape[d];
        var inputs = new List<int>();
        var blocks = new List<int>();
        foreach (int i in used)
        {
            int block = (int)(ctx.InputShape(i)[axis] * inner * elem);
            if (block == 0) continue;
            inputs.Add(i);
            blocks.Add(block);
        }
        return new ConcatKernel(inputs.ToArray(), blocks.ToArray(), outer == 0 ? 0 : (int)outer);
    }

    /// <summary>The output shape, the normalized axis and the inputs that take part (all but ignored placeholders).</summary>
    private (Shape Shape, int Axis, int[] Used) Resolve(OpContext ctx)
    {
        int n = ctx.InputCount;
        if (n == 0) throw ctx.Error("Concat needs at least one input");
        var type = ctx.InputType(0);
        int reference = 0;
        for (int i = 0; i < n; i++)
        {
            if (ctx.InputType(i) != type)
                throw ctx.Error($"input {i} has type {DataTypes.Name(ctx.InputType(i))}; input 0 has {DataTypes.Name(type)}");
            if (ctx.InputShape(i).ElementCount > 0 && ctx.InputShape(reference).ElementCount == 0) reference = i;
        }
        var refShape = ctx.InputShape(reference);
        int rank = refShape.Rank;
        if (rank == 0) throw ctx.Error("cannot concatenate scalars");
        if (Axis < -rank || Axis >= rank) throw ctx.Error($"axis {Axis} is out of range for rank {rank}");
        int axis = Axis < 0 ? Axis + rank : Axis;
        var dims = refShape.ToArray();
        long total = 0;
        var used = new List<int>();
        for (int i = 0; i < n; i++)
        {
            var s = ctx.InputShape(i);
            if (s.Rank != rank)
            {
                if (s.ElementCount == 0) continue;
                throw ctx.Error($"input {i} has shape {s}; input {reference} has {refShape} (ranks differ)");
            }
            for (int d = 0; d < rank; d++)
                if (d != axis && s[d] != refShape[d])
                    throw ctx.Error($"input {i} has shape {s}; input {reference} has {refShape}: only dim {axis} may differ");
            total += s[axis];
            used.Add(i);
        }
        if (total > Shape.MaxElements) throw ctx.Error($"the concatenated dim {total} is too large");
        dims[axis] = (int)total;
        return (new Shape(dims), axis, used.ToArray());
    }

    private static bool SameQuant(QuantParams? a, QuantParams? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.Axis == b.Axis
            && a.Scales.SequenceEqual(b.Scales) && a.ZeroPoints.SequenceEqual(b.ZeroPoints));

    /// <summary>For each outer index, copies each input's block (its slab of the concat axis) after the previous one.</summary>
    private sealed class ConcatKernel(int[] inputs, int[] blockBytes, int outer) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var dst = ctx.OutputBytes(0);
            int o = 0;
            for (int k = 0; k < outer; k++)
            {
                for (int j = 0; j < inputs.Length; j++)
                {
                    int b = blockBytes[j];
                    ctx.InputBytes(inputs[j]).Slice(k * b, b).CopyTo(dst.Slice(o, b));
                    o += b;
                }
            }
        }
    }
}
