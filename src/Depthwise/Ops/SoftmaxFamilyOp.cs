using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Shared shape rule and kernel of Softmax and LogSoftmax. Two ONNX semantics: since opset 13 the function runs along
/// the single axis <see cref="Axis"/>; before it, the input is coerced to a matrix [∏ dims before axis, ∏ dims from
/// axis] and the function runs along each row (<see cref="CoerceTo2D"/>). Both reduce to rows of length L with a
/// stride: the kernel sees (outer, L, inner). Numerically stable: the row maximum is subtracted before exp.
/// </summary>
public abstract class SoftmaxFamilyOp : Op
{
    /// <summary>The axis (negative counts from the end).</summary>
    public int Axis { get; init; } = -1;

    /// <summary>Opset &lt; 13 semantics: flatten the dims from <see cref="Axis"/> on into one row.</summary>
    public bool CoerceTo2D { get; init; }

    /// <summary>Whether the output is the logarithm of the softmax.</summary>
    protected abstract bool IsLog { get; }

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        _ = Rows(ctx);
        ctx.SetOutput(0, DataType.Float32, ctx.InputShape(0));
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (outer, length, inner) = Rows(ctx);
        return new ReferenceKernel(outer, length, inner, IsLog);
    }

    private (int Outer, int Length, int Inner) Rows(OpContext ctx)
    {
        ctx.ExpectType(0, DataType.Float32);
        var x = ctx.InputShape(0);
        if (x.Rank == 0) throw ctx.Error("the input is a scalar; expected rank ≥ 1");
        if (Axis < -x.Rank || Axis >= x.Rank) throw ctx.Error($"axis {Axis} is out of range for an input of shape {x}");
        int axis = Axis < 0 ? Axis + x.Rank : Axis;
        int outer = 1, length = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= x[d];
        if (CoerceTo2D)
        {
            for (int d = axis; d < x.Rank; d++) length *= x[d];
        }
        else
        {
            length = x[axis];
            for (int d = axis + 1; d < x.Rank; d++) inner *= x[d];
        }
        return (outer, length, inner);
    }

    /// <summary>For each row (elements inner apart): max, then Σ exp(x − max), then exp(x − max)/Σ or x − max − log Σ.</summary>
    private sealed class ReferenceKernel(int outer, int length, int inner, bool log) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<float>(0);
            var y = ctx.Output<float>(0);
            for (int o = 0; o < outer; o++)
            {
                for (int j = 0; j < inner; j++)
                {
                    int first = o * length * inner + j;
                    float max = float.NegativeInfinity;
                    for (int i = 0, at = first; i < length; i++, at += inner) max = MathF.Max(max, x[at]);
                    float sum = 0;
                    for (int i = 0, at = first; i < length; i++, at += inner)
                    {
                        float e = MathF.Exp(x[at] - max);
                        sum += e;
                        if (!log) y[at] = e;
                    }
                    if (log)
                    {
                        float logSum = MathF.Log(sum);
                        for (int i = 0, at = first; i < length; i++, at += inner) y[at] = x[at] - max - logSum;
                    }
                    else
                    {
                        float inv = 1f / sum;
                        for (int i = 0, at = first; i < length; i++, at += inner) y[at] *= inv;
                    }
                }
            }
        }
    }
}
