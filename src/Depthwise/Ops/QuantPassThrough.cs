using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// How operators that only move, copy or select stored values (Reshape, Transpose, Slice, Concat, MaxPool, nearest
/// Resize...) hand on input 0's quantization: the output gets the same parameters, so quantized uint8/int8 data flows
/// through them unchanged. Per-tensor parameters always pass. Per-axis parameters (constants such as conv weights) follow
/// their dimension to where the operator puts it; an operator that reorders, crops or resizes the quantized dimension
/// is an error naming the node rather than a silently wrong scale per channel.
/// </summary>
internal static class QuantPassThrough
{
    /// <summary>
    /// Output <paramref name="output"/> holds input 0's dims in the same order (same rank). Per-axis quantization passes
    /// unless <paramref name="rearranged"/> says the op moves elements along that dim, or the dim changes size.
    /// </summary>
    public static void Keep(OpContext ctx, int output = 0, Func<int, bool>? rearranged = null) =>
        Map(ctx, output, a => rearranged is not null && rearranged(a) ? -1 : a);

    /// <summary>Transpose: output dim d is input dim <paramref name="perm"/>[d].</summary>
    public static void Permute(OpContext ctx, int[] perm) => Map(ctx, 0, a => Array.IndexOf(perm, a));

    /// <summary>
    /// Reshape, Squeeze, Unsqueeze, Flatten: the elements keep their order. The quantized dim survives when some
    /// output dim has its size and the same number of elements before it (i.e. the reshape only merges or splits
    /// other dims around it).
    /// </summary>
    public static void Reshape(OpContext ctx)
    {
        var input = ctx.InputShape(0);
        var outShape = ctx.OutputShape(0);
        Map(ctx, 0, a =>
        {
            long before = 1;
            for (int d = 0; d < a; d++) before *= input[d];
            long outBefore = 1;
            for (int d = 0; d < outShape.Rank; d++)
            {
                if (outBefore == before && outShape[d] == input[a]) return d;
                outBefore *= outShape[d];
            }
            return -1;
        });
    }

    /// <summary>
    /// Sets output <paramref name="output"/>'s quantization to input 0's; a per-axis axis becomes
    /// <paramref name="outputAxisOf"/>(axis), where -1 means the op does not preserve that dim.
    /// </summary>
    public static void Map(OpContext ctx, int output, Func<int, int> outputAxisOf)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(outputAxisOf);
        var q = ctx.InputQuant(0);
        if (q is null || q.IsPerTensor)
        {
            ctx.SetOutputQuant(output, q);
            return;
        }
        var input = ctx.InputShape(0);
        int a = q.Axis < 0 ? q.Axis + input.Rank : q.Axis;
        int b = a >= 0 && a < input.Rank ? outputAxisOf(a) : -1;
        var outShape = ctx.OutputShape(output);
        if (b < 0 || b >= outShape.Rank || outShape[b] != input[a])
            throw ctx.Error($"input 0 is quantized per axis along dim {q.Axis} of {input}, which this {ctx.Node.Op.OpType} does not keep intact " +
                $"(output {outShape}); only per-tensor quantization can pass through it");
        ctx.SetOutputQuant(output, b == q.Axis ? q : new QuantParams([.. q.Scales], [.. q.ZeroPoints], b));
    }
}
