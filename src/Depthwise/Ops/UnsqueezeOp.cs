using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Unsqueeze: inserts size-1 dims at the positions in the constant <c>axes</c> input (1). Axes index the output, whose
/// rank is the input rank plus the number of axes; negative axes count from its end; order does not matter.
/// The bytes are unchanged.
/// </summary>
public sealed class UnsqueezeOp : Op
{
    /// <inheritdoc />
    public override string OpType => "Unsqueeze";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index == 1;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var input = ctx.InputShape(0);
        var axes = ctx.RequireConstant(1).ToInt64Array();
        int outRank = input.Rank + axes.Length;
        if (outRank > Shape.MaxRank) throw ctx.Error($"the output rank {outRank} exceeds the limit of {Shape.MaxRank}");
        var insert = new bool[outRank];
        foreach (long axis in axes)
        {
            long a = axis < 0 ? axis + outRank : axis;
            if (a < 0 || a >= outRank) throw ctx.Error($"axis {axis} is out of range for output rank {outRank}");
            if (insert[a]) throw ctx.Error($"axis {axis} is given more than once");
            insert[a] = true;
        }
        var dims = new int[outRank];
        for (int d = 0, k = 0; d < outRank; d++) dims[d] = insert[d] ? 1 : input[k++];
        ctx.SetOutput(0, ctx.InputType(0), new Shape(dims));
        QuantPassThrough.Reshape(ctx);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CopyKernel.Instance;
}
