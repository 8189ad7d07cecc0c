using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Flatten: a 2-D view <c>[d0·…·d(axis-1), d(axis)·…·d(r-1)]</c> of the input; the bytes are unchanged.
/// </summary>
public sealed class FlattenOp : Op
{
    /// <summary>ONNX <c>axis</c> (default 1), in [-rank, rank]; negative counts from the end.</summary>
    public int Axis { get; init; } = 1;

    /// <inheritdoc />
    public override string OpType => "Flatten";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var input = ctx.InputShape(0);
        int r = input.Rank;
        if (Axis < -r || Axis > r) throw ctx.Error($"axis {Axis} is out of range [{-r}, {r}] for input {input}");
        int axis = Axis < 0 ? Axis + r : Axis;
        long outer = 1, inner = 1;
        for (int d = 0; d < r; d++)
        {
            if (d < axis) outer *= input[d];
            else inner *= input[d];
            // A zero dim elsewhere lets the other dims be large; stop before the product can overflow.
            if (outer > Shape.MaxElements || inner > Shape.MaxElements)
                throw ctx.Error($"flattening {input} at axis {Axis} gives a dimension that is too large");
        }
        ctx.SetOutput(0, ctx.InputType(0), new Shape((int)outer, (int)inner));
        QuantPassThrough.Reshape(ctx);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CopyKernel.Instance;
}
