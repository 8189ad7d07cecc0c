using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// LayerNormalization (opset 17): each row of the dims from <see cref="Axis"/> on is standardized,
/// (x − mean) / sqrt(var + epsilon), then scaled and shifted by Scale and the optional B, which broadcast
/// (numpy-style, from the right) to those dims. Optional outputs: Mean and InvStdDev, shaped like X with the
/// normalized dims set to 1.
/// </summary>
public sealed class LayerNormalizationOp : Op
{
    /// <summary>First normalized axis (negative counts from the end).</summary>
    public int Axis { get; init; } = -1;

    /// <summary>Added to the variance before the square root.</summary>
    public float Epsilon { get; init; } = 1e-5f;

    /// <summary>ONNX stash_type: the precision of the statistics. Only 1 (float32) is supported, checked at import.</summary>
    public int StashType { get; init; } = 1;

    /// <inheritdoc />
    public override string OpType => "LayerNormalization";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var g = Resolve(ctx);
        var x = ctx.InputShape(0);
        ctx.SetOutput(0, DataType.Float32, x);
        var stats = x.ToArray();
        for (int d = g.Axis; d < stats.Length; d++) stats[d] = 1;
        for (int i = 1; i < ctx.OutputCount && i < 3; i++) ctx.SetOutput(i, DataType.Float32, new Shape(stats));
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var g = Resolve(ctx);
        return new ReferenceKernel(g, Epsilon, Math.Min(ctx.OutputCount, 3));
    }

    /// <summary>Rows, row length, and for Scale and B the element each row position reads (null when it is the position itself).</summary>
    private sealed record Geometry(int Axis, int Rows, int Length, int[]? ScaleIndex, int[]? BiasIndex);

    private Geometry Resolve(OpContext ctx)
    {
        ctx.ExpectType(0, DataType.Float32);
        var x = ctx.InputShape(0);
        if (x.Rank == 0) throw ctx.Error("X is a scalar; expected rank ≥ 1");
        if (Axis < -x.Rank || Axis >= x.Rank) throw ctx.Error($"axis {Axis} is out of range for X {x}");
        int axis = Axis < 0 ? Axis + x.Rank : Axis;
        var normalized = new Shape(x.Dims[axis..]);
        int rows = 1;
        for (int d = 0; d < axis; d++) rows *= x[d];
        ctx.ExpectType(1, DataType.Float32);
        var scaleIndex = BroadcastIndex(ctx, 1, "Scale", normalized);
        int[]? biasIndex = null;
        if (ctx.HasInput(2))
        {
            ctx.ExpectType(2, DataType.Float32);
            biasIndex = BroadcastIndex(ctx, 2, "B", normalized);
        }
        return new Geometry(axis, rows, normalized.ElementCount, scaleIndex, biasIndex);
    }

    /// <summary>
    /// For input <paramref name="i"/> broadcast to the normalized dims: the element each row position reads, or null
    /// when the input has exactly the normalized shape (leading 1s aside) and the position reads itself.
    /// </summary>
    private static int[]? BroadcastIndex(OpContext ctx, int i, string name, Shape normalized)
    {
        var s = ctx.InputShape(i);
        int lead = s.Rank - normalized.Rank;
        for (int d = 0; d < lead; d++)
            if (s[d] != 1) throw ctx.Error($"{name} has shape {s}; it must broadcast to the normalized dims {normalized}");
        bool same = s.ElementCount == normalized.ElementCount;
        for (int d = Math.Max(lead, 0); d < s.Rank; d++)
        {
            int nd = d - lead;
            if (s[d] != normalized[nd] && s[d] != 1)
                throw ctx.Error($"{name} has shape {s}; it must broadcast to the normalized dims {normalized}");
            if (s[d] != normalized[nd]) same = false;
        }
        if (same) return null;
        var index = new int[normalized.ElementCount];
        var strides = new int[normalized.Rank];
        int acc = 1;
        for (int nd = normalized.Rank - 1; nd >= 0; nd--)
        {
            int d = nd + lead;
            int size = d >= 0 ? s[d] : 1;
            strides[nd] = size == 1 ? 0 : acc;
            acc *= size;
        }
        var dims = normalized.ToArray();
        for (int p = 0; p < index.Length; p++)
        {
            int rest = p, off = 0;
            for (int nd = dims.Length - 1; nd >= 0; nd--)
            {
                off += rest % dims[nd] * strides[nd];
                rest /= dims[nd];
            }
            index[p] = off;
        }
        return index;
    }

    /// <summary>Two passes per row: the mean, then the mean squared deviation (accumulated in double), then the affine map.</summary>
    private sealed class ReferenceKernel(Geometry g, float epsilon, int outputs) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<float>(0);
            var scale = ctx.Input<float>(1);
            var bias = ctx.HasInput(2) ? ctx.Input<float>(2) : default;
            var y = ctx.Output<float>(0);
            var meanOut = outputs > 1 ? ctx.Output<float>(1) : default;
            var invOut = outputs > 2 ? ctx.Output<float>(2) : default;
            var si = g.ScaleIndex;
            var bi = g.BiasIndex;
            int len = g.Length;
            for (int r = 0; r < g.Rows; r++)
            {
                var xs = x.Slice(r * len, len);
                var ys = y.Slice(r * len, len);
                double sum = 0;
                foreach (var v in xs) sum += v;
                float mean = (float)(sum / len);
                double sq = 0;
                foreach (var v in xs) { double d = v - mean; sq += d * d; }
                float inv = 1f / MathF.Sqrt((float)(sq / len) + epsilon);
                for (int i = 0; i < ys.Length; i++)
                {
                    float s = scale[si is null ? i : si[i]];
                    float b = bias.IsEmpty ? 0f : bias[bi is null ? i : bi[i]];
                    ys[i] = (xs[i] - mean) * inv * s + b;
                }
                if (!meanOut.IsEmpty) meanOut[r] = mean;
                if (!invOut.IsEmpty) invOut[r] = inv;
            }
        }
    }
}
