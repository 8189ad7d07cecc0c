using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Transpose: output dim <c>d</c> is input dim <c>perm[d]</c>. Without <see cref="Perm"/> the dims are reversed.
/// Works for every element type (elements are copied as opaque words).
/// </summary>
public sealed class TransposeOp : Op
{
    /// <summary>ONNX <c>perm</c>: a permutation of 0..rank-1, or null to reverse the dims.</summary>
    public IReadOnlyList<int>? Perm { get; init; }

    /// <inheritdoc />
    public override string OpType => "Transpose";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var input = ctx.InputShape(0);
        var perm = ResolvePerm(ctx, input.Rank);
        var dims = new int[input.Rank];
        for (int d = 0; d < dims.Length; d++) dims[d] = input[perm[d]];
        ctx.SetOutput(0, ctx.InputType(0), new Shape(dims));
        QuantPassThrough.Permute(ctx, perm);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var input = ctx.InputShape(0);
        var perm = ResolvePerm(ctx, input.Rank);
        int size = DataTypes.SizeOf(ctx.InputType(0));
        if (input.Rank == 4 && (size == 1 || size == 4) && input[1] <= ChannelInterleaveKernel.MaxChannels && input.ElementCount > 0 &&
            perm[0] == 0 && perm[1] == 2 && perm[2] == 3 && perm[3] == 1)
            return new ChannelInterleaveKernel(input[0], input[1], input[2] * input[3], size); // the RGB/gray input of a network
        if (input.Rank == 4 && size == 4 && input.ElementCount > 0)
        {
            // NCHW→NHWC and NHWC→NCHW are batches of 2-D transposes: the tiled kernel keeps both sides cache-friendly.
            if (perm[0] == 0 && perm[1] == 2 && perm[2] == 3 && perm[3] == 1)
                return new TiledTransposeKernel(input[0], input[1], input[2] * input[3]);
            if (perm[0] == 0 && perm[1] == 3 && perm[2] == 1 && perm[3] == 2)
                return new TiledTransposeKernel(input[0], input[1] * input[2], input[3]);
        }
        var inStrides = input.Strides();
        var strides = new int[perm.Length];
        for (int d = 0; d < perm.Length; d++) strides[d] = inStrides[perm[d]];
        return StridedCopyKernel.Create(DataTypes.SizeOf(ctx.InputType(0)), ctx.OutputShape(0).Dims, strides, 0);
    }

    private int[] ResolvePerm(OpContext ctx, int rank)
    {
        if (Perm is null)
        {
            var rev = new int[rank];
            for (int d = 0; d < rank; d++) rev[d] = rank - 1 - d;
            return rev;
        }
        if (Perm.Count != rank)
            throw ctx.Error($"perm [{string.Join(",", Perm)}] has {Perm.Count} entries; the input {ctx.InputShape(0)} has rank {rank}");
        var seen = new bool[rank];
        var perm = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            int p = Perm[d];
            if (p < 0 || p >= rank || seen[p])
                throw ctx.Error($"perm [{string.Join(",", Perm)}] is not a permutation of 0..{rank - 1}");
            seen[p] = true;
            perm[d] = p;
        }
        return perm;
    }
}
