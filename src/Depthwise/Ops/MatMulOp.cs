using Depthwise.Kernels;
using System.Numerics;
using Depthwise.Kernels.Gemm;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// MatMul with numpy semantics: [..., M, K] × [..., K, N] → [..., M, N] with the batch dims broadcast; a 1-D A is
/// a row [1, K] and a 1-D B a column [K, 1], whose unit dim is removed from the result.
/// </summary>
public sealed class MatMulOp : Op
{
    /// <inheritdoc />
    public override string OpType => "MatMul";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx) => ctx.SetOutput(0, ctx.InputType(0), Resolve(ctx).Output);

    /// <inheritdoc />
    public override long CountMacs(OpContext ctx)
    {
        var g = Resolve(ctx);
        return (long)g.BatchA.Length * g.M * g.N * g.K;
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var g = Resolve(ctx);
        if (ctx.InputType(0) == DataType.Float32 && ctx.InputShape(1).Rank == 2 && ctx.InputConstant(1) is { } b)
        {
            // B is one constant matrix shared by every batch item: A's batch and rows stack into one [Σ M, K] GEMM.
            var variant = GemmCatalog.Best;
            var packed = variant.Pack(g.K, g.N, b.AsSpan<float>(), g.N, 1, default);
            return new PackedGemmKernel(variant, packed, g.BatchA.Length * g.M, FusedEpilogue.Linear, ConvActivation.None, -1);
        }
        return ctx.InputType(0) switch
        {
            DataType.Float32 => new ReferenceKernel<float>(g),
            DataType.Int32 => new ReferenceKernel<int>(g),
            _ => new ReferenceKernel<long>(g),
        };
    }

    /// <summary>Sizes and, per output batch item, the element offsets of its A and B matrices.</summary>
    private sealed record Geometry(Shape Output, int M, int N, int K, int[] BatchA, int[] BatchB);

    private static Geometry Resolve(OpContext ctx)
    {
        ctx.ExpectType(0, DataType.Float32, DataType.Int32, DataType.Int64);
        if (ctx.InputType(1) != ctx.InputType(0))
            throw ctx.Error($"inputs have different types ({DataTypes.Name(ctx.InputType(0))} and {DataTypes.Name(ctx.InputType(1))})");
        var a = ctx.InputShape(0);
        var b = ctx.InputShape(1);
        if (a.Rank == 0 || b.Rank == 0) throw ctx.Error($"MatMul needs inputs of rank ≥ 1; got {a} and {b}");
        int m = a.Rank == 1 ? 1 : a[-2], k = a[-1];
        int kb = b.Rank == 1 ? b[0] : b[-2], n = b.Rank == 1 ? 1 : b[-1];
        if (k != kb) throw ctx.Error($"A {a} and B {b} disagree on K ({k} vs {kb})");
        var aBatch = a.Rank > 2 ? new Shape(a.Dims[..^2]) : Shape.Scalar;
        var bBatch = b.Rank > 2 ? new Shape(b.Dims[..^2]) : Shape.Scalar;
        var batch = Shape.Broadcast(aBatch, bBatch) ?? throw ctx.Error($"the batch dims of A {a} and B {b} do not broadcast");
        var dims = new List<int>(batch.ToArray());
        if (a.Rank > 1) dims.Add(m);
        if (b.Rank > 1) dims.Add(n);
        var offA = BatchOffsets(batch, aBatch, m * k);
        var offB = BatchOffsets(batch, bBatch, k * n);
        return new Geometry(new Shape(dims.ToArray()), m, n, k, offA, offB);
    }

    /// <summary>For each item of the broadcast batch, the offset of the matching matrix in an input with batch dims <paramref name="own"/>.</summary>
    private static int[] BatchOffsets(Shape batch, Shape own, int matrixSize)
    {
        var offsets = new int[batch.ElementCount];
        int rank = batch.Rank;
        var idx = new int[rank];
        for (int i = 0; i < offsets.Length; i++)
        {
            int off = 0, stride = matrixSize;
            for (int d = own.Rank - 1; d >= 0; d--)
            {
                int bd = d + rank - own.Rank;
                if (own[d] != 1) off += idx[bd] * stride;
                stride *= own[d];
            }
            offsets[i] = off;
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++idx[d] < batch[d]) break;
                idx[d] = 0;
            }
        }
        return offsets;
    }

    /// <summary>Per batch item and row of A: y_row = Σ_k A[m,k] · B[k,:], accumulating whole contiguous rows of B.</summary>
    private sealed class ReferenceKernel<T>(Geometry g) : Kernel where T : unmanaged, INumber<T>
    {
        public override void Run(in KernelContext ctx)
        {
            var a = ctx.Input<T>(0);
            var b = ctx.Input<T>(1);
            var y = ctx.Output<T>(0);
            int m = g.M, n = g.N, k = g.K;
            for (int bi = 0; bi < g.BatchA.Length; bi++)
            {
                var am = a.Slice(g.BatchA[bi], m * k);
                var bm = b.Slice(g.BatchB[bi], k * n);
                var ym = y.Slice(bi * m * n, m * n);
                for (int i = 0; i < m; i++)
                {
                    var yRow = ym.Slice(i * n, n);
                    yRow.Clear();
                    for (int p = 0; p < k; p++)
                    {
                        T av = am[i * k + p];
                        var bRow = bm.Slice(p * n, n);
                        for (int j = 0; j < yRow.Length; j++) yRow[j] += av * bRow[j];
                    }
                }
            }
        }
    }
}
