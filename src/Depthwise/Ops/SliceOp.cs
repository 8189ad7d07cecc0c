using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Slice (opset-10+ form): inputs data, starts, ends, optional axes, optional steps; all but data must be constant.
/// Per sliced axis: negative starts/ends count from the end; then, for a positive step, start and end are clamped to
/// [0, dim]; for a negative step, start to [0, dim-1] and end to [-1, dim-1] (so INT_MAX / INT_MIN mean "to the end").
/// The output has max(0, ceil((end - start) / step)) entries on that axis. Works for every element type.
/// </summary>
public sealed class SliceOp : Op
{
    /// <inheritdoc />
    public override string OpType => "Slice";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index >= 1;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (dims, first, steps) = Resolve(ctx);
        ctx.SetOutput(0, ctx.InputType(0), new Shape(dims));
        QuantPassThrough.Keep(ctx, 0, a => first[a] != 0 || steps[a] != 1);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (dims, starts, steps) = Resolve(ctx);
        var inStrides = ctx.InputShape(0).Strides();
        var strides = new int[dims.Length];
        long baseOffset = 0;
        for (int d = 0; d < dims.Length; d++)
        {
            if (dims[d] == 0) return StridedCopyKernel.Create(DataTypes.SizeOf(ctx.InputType(0)), dims, new int[dims.Length], 0);
            baseOffset += starts[d] * inStrides[d];
            // A dim of one entry never advances; its step may be huge (e.g. INT_MAX), so do not multiply it out.
            strides[d] = dims[d] == 1 ? 0 : checked((int)(steps[d] * inStrides[d]));
        }
        return StridedCopyKernel.Create(DataTypes.SizeOf(ctx.InputType(0)), dims, strides, (int)baseOffset);
    }

    /// <summary>Output dims and, per input dim, the first index read and the step.</summary>
    private static (int[] Dims, long[] Starts, long[] Steps) Resolve(OpContext ctx)
    {
        var input = ctx.InputShape(0);
        int rank = input.Rank;
        var starts = ctx.RequireConstant(1).ToInt64Array();
        var ends = ctx.RequireConstant(2).ToInt64Array();
        if (ctx.RequireConstant(1).Shape.Rank != 1 || ctx.RequireConstant(2).Shape.Rank != 1)
            throw ctx.Error("starts and ends must be 1-D");
        if (starts.Length != ends.Length) throw ctx.Error($"starts has {starts.Length} entries but ends has {ends.Length}");
        int n = starts.Length;
        long[] axes;
        if (ctx.HasInput(3))
        {
            axes = ctx.RequireConstant(3).ToInt64Array();
            if (axes.Length != n) throw ctx.Error($"axes has {axes.Length} entries but starts has {n}");
        }
        else
        {
            axes = new long[n];
            for (int i = 0; i < n; i++) axes[i] = i;
        }
        long[] steps;
        if (ctx.HasInput(4))
        {
            steps = ctx.RequireConstant(4).ToInt64Array();
            if (steps.Length != n) throw ctx.Error($"steps has {steps.Length} entries but starts has {n}");
        }
        else
        {
            steps = new long[n];
            Array.Fill(steps, 1L);
        }

        var dims = input.ToArray();
        var first = new long[rank];
        var step = new long[rank];
        Array.Fill(step, 1L);
        var seen = new bool[rank];
        for (int i = 0; i < n; i++)
        {
            long a = axes[i] < 0 ? axes[i] + rank : axes[i];
            if (a < 0 || a >= rank) throw ctx.Error($"axis {axes[i]} is out of range for input {input}");
            if (seen[a]) throw ctx.Error($"axis {axes[i]} is given more than once");
            seen[a] = true;
            long s = steps[i];
            if (s == 0) throw ctx.Error($"step for axis {axes[i]} is 0");
            if (s == long.MinValue) s = -long.MaxValue;   // same slice (at most one entry), and -s stays representable
            long dim = input[(int)a];
            long b = starts[i], e = ends[i];
            if (b < 0) b += dim;
            if (e < 0) e += dim;
            long count;
            if (dim == 0)
            {
                b = 0;
                count = 0;
            }
            else if (s > 0)
            {
                b = Math.Clamp(b, 0, dim);
                e = Math.Clamp(e, 0, dim);
                count = e > b ? (e - b - 1) / s + 1 : 0;
            }
            else
            {
                b = Math.Clamp(b, 0, dim - 1);
                e = Math.Clamp(e, -1, dim - 1);
                count = b > e ? (b - e - 1) / -s + 1 : 0;
            }
            dims[a] = (int)count;
            first[a] = b;
            step[a] = s;
        }
        return (dims, first, step);
    }
}
