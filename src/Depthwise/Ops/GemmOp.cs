using Depthwise.Kernels;
using Depthwise.Kernels.Gemm;
using Depthwise.Kernels.Reference;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Gemm: Y = alpha · A' · B' + beta · C, where A' is A [M, K] (or its transpose when <see cref="TransA"/>), B' is
/// B [K, N] (or its transpose when <see cref="TransB"/>), and the optional C broadcasts unidirectionally to [M, N].
/// </summary>
public sealed class GemmOp : Op
{
    /// <summary>Whether A is given as [K, M].</summary>
    public bool TransA { get; init; }

    /// <summary>Whether B is given as [N, K].</summary>
    public bool TransB { get; init; }

    /// <summary>Multiplier of the product.</summary>
    public float Alpha { get; init; } = 1f;

    /// <summary>Multiplier of C. When 0, C is not read (as in ONNX Runtime), so NaN or Inf in C do not leak into Y.</summary>
    public float Beta { get; init; } = 1f;

    /// <inheritdoc />
    public override string OpType => "Gemm";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (m, n, _) = Resolve(ctx);
        ctx.SetOutput(0, DataType.Float32, new Shape(m, n));
    }

    /// <inheritdoc />
    public override long CountMacs(OpContext ctx)
    {
        var (m, n, k) = Resolve(ctx);
        return (long)m * n * k;
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (m, n, k) = Resolve(ctx);
        if (CreateFastKernel(ctx, m, n, k) is { } fast) return fast;
        int cRow = 0, cCol = 0;
        bool useC = ctx.HasInput(2) && Beta != 0f;
        if (useC)
        {
            var c = ctx.InputShape(2);
            // Unidirectional broadcast: a dim of C is either 1 (stride 0) or equal to Y's.
            if (c.Rank >= 1 && c[-1] == n && n != 1) cCol = 1;
            if (c.Rank == 2 && c[0] == m && m != 1) cRow = c[1];
        }
        return new ReferenceKernel(m, n, k, TransA, TransB, Alpha, Beta, useC, cRow, cCol);
    }

    /// <summary>
    /// The packed GEMM for the fully connected case: A not transposed, alpha = 1, B constant (transposed or not), and
    /// C absent, ignored (beta = 0) or a constant bias over N with beta = 1 (packed as the GEMM's bias). Else null.
    /// </summary>
    private Kernel? CreateFastKernel(OpContext ctx, int m, int n, int k)
    {
        if (TransA || Alpha != 1f || ctx.InputConstant(1) is not { } b) return null;
        ReadOnlySpan<float> bias = default;
        if (ctx.HasInput(2) && Beta != 0f)
        {
            if (Beta != 1f || ctx.InputConstant(2) is not { } c) return null;
            var cs = c.Shape;
            if (cs.ElementCount != n || (cs.Rank == 2 && cs[0] != 1)) return null;
            bias = c.AsSpan<float>();
        }
        var variant = GemmCatalog.Best;
        var packed = TransB ? variant.Pack(k, n, b.AsSpan<float>(), 1, k, bias) : variant.Pack(k, n, b.AsSpan<float>(), n, 1, bias);
        return new PackedGemmKernel(variant, packed, m, FusedEpilogue.Linear, ConvActivation.None, -1);
    }

    private (int M, int N, int K) Resolve(OpContext ctx)
    {
        ctx.ExpectType(0, DataType.Float32);
        ctx.ExpectType(1, DataType.Float32);
        var a = ctx.InputShape(0);
        var b = ctx.InputShape(1);
        if (a.Rank != 2) throw ctx.Error($"A has shape {a}; expected a matrix");
        if (b.Rank != 2) throw ctx.Error($"B has shape {b}; expected a matrix");
        int m = TransA ? a[1] : a[0], k = TransA ? a[0] : a[1];
        int kb = TransB ? b[1] : b[0], n = TransB ? b[0] : b[1];
        if (k != kb) throw ctx.Error($"A {a}{(TransA ? " (transposed)" : "")} and B {b}{(TransB ? " (transposed)" : "")} disagree on K ({k} vs {kb})");
        if (ctx.HasInput(2))
        {
            ctx.ExpectType(2, DataType.Float32);
            var c = ctx.InputShape(2);
            bool ok = c.Rank <= 2
                && (c.Rank < 1 || c[-1] == 1 || c[-1] == n)
                && (c.Rank < 2 || c[0] == 1 || c[0] == m);
            if (!ok) throw ctx.Error($"C has shape {c}; it must broadcast to [{m},{n}]");
        }
        return (m, n, k);
    }

    /// <summary>
    /// Row by row: with B not transposed, y_row += A'[m,k] · B[k,:] (contiguous); with B transposed and A not, each
    /// element is a dot product of two contiguous rows; both transposed falls back to a strided dot product.
    /// </summary>
    private sealed class ReferenceKernel(int m, int n, int k, bool transA, bool transB, float alpha, float beta, bool useC, int cRow, int cCol) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var a = ctx.Input<float>(0);
            var b = ctx.Input<float>(1);
            var c = useC ? ctx.Input<float>(2) : default;
            var y = ctx.Output<float>(0);
            for (int i = 0; i < m; i++)
            {
                var yRow = y.Slice(i * n, n);
                if (!transB)
                {
                    yRow.Clear();
                    for (int p = 0; p < k; p++)
                        ScalarAxpy.Contiguous(transA ? a[p * m + i] : a[i * k + p], b.Slice(p * n, n), yRow);
                }
                else if (!transA)
                {
                    var aRow = a.Slice(i * k, k);
                    for (int j = 0; j < n; j++) yRow[j] = ScalarAxpy.Dot(aRow, b.Slice(j * k, k));
                }
                else
                {
                    for (int j = 0; j < n; j++)
                    {
                        float s = 0;
                        for (int p = 0; p < k; p++) s += a[p * m + i] * b[j * k + p];
                        yRow[j] = s;
                    }
                }
                if (useC)
                {
                    int cBase = i * cRow;
                    for (int j = 0; j < n; j++) yRow[j] = alpha * yRow[j] + beta * c[cBase + j * cCol];
                }
                else if (alpha != 1f)
                {
                    for (int j = 0; j < n; j++) yRow[j] *= alpha;
                }
            }
        }
    }
}
