using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Expand: broadcasts the input with the constant int64 <c>shape</c> input (1), numpy-style in both directions: the
/// output shape is broadcast(input, shape), so a 1 in <c>shape</c> keeps the input's dim. Works for every element type.
/// </summary>
public sealed class ExpandOp : Op
{
    /// <inheritdoc />
    public override string OpType => "Expand";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index == 1;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var input = ctx.InputShape(0);
        var shapeTensor = ctx.RequireConstant(1);
        if (shapeTensor.Shape.Rank != 1) throw ctx.Error($"the shape input must be 1-D, not {shapeTensor.Shape}");
        var dims = shapeTensor.ToInt64Array();
        foreach (long d in dims) if (d < 0) throw ctx.Error($"shape [{string.Join(",", dims)}] has a negative dim");
        var target = Shape.FromLongs(dims);
        var shape = Shape.Broadcast(input, target)
            ?? throw ctx.Error($"input {input} cannot be expanded to [{string.Join(",", dims)}]");
        ctx.SetOutput(0, ctx.InputType(0), shape);
        QuantPassThrough.Map(ctx, 0, a => a + shape.Rank - input.Rank);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var input = ctx.InputShape(0);
        var output = ctx.OutputShape(0);
        var inStrides = input.Strides();
        var strides = new int[output.Rank];
        int lead = output.Rank - input.Rank;
        for (int d = lead; d < output.Rank; d++)
            strides[d] = input[d - lead] == 1 ? 0 : inStrides[d - lead];
        return StridedCopyKernel.Create(DataTypes.SizeOf(ctx.InputType(0)), output.Dims, strides, 0);
    }
}
