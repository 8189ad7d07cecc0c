using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Squeeze: removes the size-1 dims listed in the constant <c>axes</c> input (1), or every size-1 dim when axes is
/// omitted or empty. A repeated axis counts once (as in ONNX Runtime). The bytes are unchanged.
/// </summary>
public sealed class SqueezeOp : Op
{
    /// <inheritdoc />
    public override string OpType => "Squeeze";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index == 1;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var input = ctx.InputShape(0);
        int rank = input.Rank;
        var remove = new bool[rank];
        var axes = ctx.HasInput(1) ? ctx.RequireConstant(1).ToInt64Array() : [];
        if (axes.Length > 0)
        {
            foreach (long axis in axes)
            {
                long a = axis < 0 ? axis + rank : axis;
                if (a < 0 || a >= rank) throw ctx.Error($"axis {axis} is out of range for input {input}");
                if (input[(int)a] != 1) throw ctx.Error($"cannot squeeze axis {axis} of {input}: its size is not 1");
                remove[a] = true;
            }
        }
        else
        {
            for (int d = 0; d < rank; d++) remove[d] = input[d] == 1;
        }
        var dims = new List<int>(rank);
        for (int d = 0; d < rank; d++) if (!remove[d]) dims.Add(input[d]);
        ctx.SetOutput(0, ctx.InputType(0), new Shape(dims.ToArray()));
        QuantPassThrough.Reshape(ctx);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CopyKernel.Instance;
}
