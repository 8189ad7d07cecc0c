using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Split: cuts the input along <see cref="Axis"/> into one piece per output. The sizes come from the constant
/// <c>split</c> input (1) when present; otherwise the dim is cut into equal chunks of ceil(dim / outputs), the last
/// one smaller (the opset-18 <c>num_outputs</c> rule), or exactly equal ones when <see cref="RequireEvenSplit"/>
/// (models before opset 18). Works for every element type.
/// </summary>
public sealed class SplitOp : Op
{
    /// <summary>ONNX <c>axis</c> (default 0), in [-rank, rank-1].</summary>
    public int Axis { get; init; }

    /// <summary>
    /// True for models before opset 18, where a split without sizes must divide the dim evenly (opset 18's
    /// <c>num_outputs</c> allows a smaller last chunk).
    /// </summary>
    public bool RequireEvenSplit { get; init; }

    /// <inheritdoc />
    public override string OpType => "Split";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index == 1;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (axis, sizes) = Resolve(ctx);
        var input = ctx.InputShape(0);
        var dims = input.ToArray();
        for (int i = 0; i < sizes.Length; i++)
        {
            dims[axis] = sizes[i];
            ctx.SetOutput(i, ctx.InputType(0), new Shape(dims));
            QuantPassThrough.Keep(ctx, i, a => a == axis);
        }
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (axis, sizes) = Resolve(ctx);
        var input = ctx.InputShape(0);
        int elem = DataTypes.SizeOf(ctx.InputType(0));
        long outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= input[d];
        for (int d = axis + 1; d < input.Rank; d++) inner *= input[d];
        var blocks = new int[sizes.Length];
        for (int i = 0; i < sizes.Length; i++) blocks[i] = (int)(sizes[i] * inner * elem);
        return new SplitKernel(blocks, (int)outer);
    }

    private (int Axis, int[] Sizes) Resolve(OpContext ctx)
    {
        var input = ctx.InputShape(0);
        int rank = input.Rank;
        if (rank == 0) throw ctx.Error("cannot split a scalar");
        if (Axis < -rank || Axis >= rank) throw ctx.Error($"axis {Axis} is out of range for input {input}");
        int axis = Axis < 0 ? Axis + rank : Axis;
        int dim = input[axis];
        int n = ctx.OutputCount;
        var sizes = new int[n];
        if (ctx.HasInput(1))
        {
            var split = ctx.RequireConstant(1).ToInt64Array();
            if (split.Length != n) throw ctx.Error($"split has {split.Length} sizes but the node has {n} outputs");
            long sum = 0;
            for (int i = 0; i < n; i++)
            {
                if (split[i] < 0) throw ctx.Error($"split[{i}] = {split[i]} is negative");
                sum += split[i];
                if (sum > dim) break;
                sizes[i] = (int)split[i];
            }
            if (sum != dim) throw ctx.Error($"split sizes [{string.Join(",", split)}] do not add up to dim {axis} of {input}");
            return (axis, sizes);
        }
        if (n == 0) throw ctx.Error("Split has no outputs");
        if (dim % n == 0)
        {
            Array.Fill(sizes, dim / n);
            return (axis, sizes);
        }
        if (RequireEvenSplit) throw ctx.Error($"dim {axis} of {input} cannot be split evenly into {n} outputs");
        int chunk = (dim + n - 1) / n;
        long last = dim - (long)chunk * (n - 1);
        if (last < 0) throw ctx.Error($"dim {axis} of {input} cannot be cut into {n} chunks of {chunk} with a smaller last one");
        Array.Fill(sizes, chunk);
        sizes[n - 1] = (int)last;
        return (axis, sizes);
    }

    /// <summary>For each outer index, hands each output its byte block of the split axis, in order.</summary>
    private sealed class SplitKernel(int[] blockBytes, int outer) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var src = ctx.InputBytes(0);
            int o = 0;
            for (int k = 0; k < outer; k++)
            {
                for (int j = 0; j < blockBytes.Length; j++)
                {
                    int b = blockBytes[j];
                    if (b == 0) continue;
                    src.Slice(o, b).CopyTo(ctx.OutputBytes(j).Slice(k * b, b));
                    o += b;
                }
            }
        }
    }
}
