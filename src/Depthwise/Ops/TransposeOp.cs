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
        ctx.SetOutputQuant(0, ctx.InputQuant(0));
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var input = ctx.InputShape(0);
        var perm = ResolvePerm(ctx, input.Rank);
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
