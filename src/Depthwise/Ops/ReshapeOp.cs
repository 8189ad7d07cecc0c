using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Reshape: same elements, new shape from the constant <c>shape</c> input (0 copies the input dim unless
/// <see cref="AllowZero"/>, -1 is inferred).
/// </summary>
public sealed class ReshapeOp : Op
{
    /// <summary>ONNX <c>allowzero</c> (opset 14): when true a 0 in the shape means an empty dimension, not "copy".</summary>
    public bool AllowZero { get; init; }

    /// <inheritdoc />
    public override string OpType => "Reshape";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index == 1;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var input = ctx.InputShape(0);
        var spec = ctx.RequireConstant(1).ToInt64Array();
        ctx.SetOutput(0, ctx.InputType(0), Resolve(ctx, input, spec));
        QuantPassThrough.Reshape(ctx);
    }

    private Shape Resolve(OpContext ctx, Shape input, long[] spec)
    {
        var dims = new long[spec.Length];
        int inferAt = -1;
        long known = 1;
        for (int i = 0; i < spec.Length; i++)
        {
            long d = spec[i];
            if (d == -1)
            {
                if (inferAt >= 0) throw ctx.Error("shape has more than one -1");
                inferAt = i;
                continue;
            }
            if (d == 0 && !AllowZero)
            {
                if (i >= input.Rank) throw ctx.Error($"shape[{i}] = 0 copies an input dim, but the input {input} has rank {input.Rank}");
                d = input[i];
            }
            if (d < 0) throw ctx.Error($"shape[{i}] = {d} is invalid");
            dims[i] = d;
            known *= d;
            if (known > Shape.MaxElements) throw ctx.Error($"shape [{string.Join(",", spec)}] is too large");
        }
        if (inferAt >= 0)
        {
            if (known == 0 || input.ElementCount % known != 0)
                throw ctx.Error($"cannot reshape {input} ({input.ElementCount} elements) to [{string.Join(",", spec)}]");
            dims[inferAt] = input.ElementCount / known;
        }
        var shape = Shape.FromLongs(dims);
        if (shape.ElementCount != input.ElementCount)
            throw ctx.Error($"cannot reshape {input} ({input.ElementCount} elements) to {shape} ({shape.ElementCount} elements)");
        return shape;
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CopyKernel.Instance;
}
