using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Quantized matrix product: <c>Y = requantize(bias + Σ_k (A − za)·(op(B) − zb))</c> in integer arithmetic with int32
/// accumulators, then the fused min-max <see cref="Activation"/> as an integer clamp. A is uint8/int8 [..., M, K]
/// (numpy MatMul semantics: a 1-D A is one row), B uint8/int8 [K, N] — or [N, K] with <see cref="TransB"/> (TFLite
/// FULLY_CONNECTED's weights) — quantized per tensor or per output column (the N axis of B), or batched
/// [..., K, N] broadcast against A's batch dims; the optional bias is int32 [N]. Serves TFLite FULLY_CONNECTED,
/// ONNX QLinearMatMul and com.microsoft QGemm. Quantization parameters come from the inputs' values (IR form) or
/// constant inputs 3…8 (ONNX form: a_scale, a_zero_point, b_scale, b_zero_point, y_scale, y_zero_point); see
/// <see cref="QLinearOperands"/>. A constant 2-D B runs the packed integer GEMM (A's leading dims stacked into M);
/// anything else the reference.
/// </summary>
public sealed class QLinearGemmOp : Op
{
    /// <summary>B is stored [N, K] (the output columns first) rather than [K, N].</summary>
    public bool TransB { get; init; }

    /// <summary>The fused activation: None, Relu or Clip.</summary>
    public ConvActivation Activation { get; init; }

    /// <summary>The output's per-tensor quantization (IR form).</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output's storage type, uint8 or int8 (IR form); Undefined means A's type.</summary>
    public DataType OutputType { get; init; }

    /// <summary>Which runtime's requantization arithmetic to reproduce.</summary>
    public RequantizeMode Requantize { get; init; } = RequantizeMode.TfLiteFixedPoint;

    /// <inheritdoc />
    public override string OpType => "QLinearGemm";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index >= QLinearOperands.FirstQuantInput;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var g = Resolve(ctx);
        ctx.SetOutput(0, g.Quant.YType, g.Output);
        ctx.SetOutputQuant(0, g.Quant.OutputQuant);
    }

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
        // TFLite's FULLY_CONNECTED computes the per-tensor multiplier from the float product sx·sw.
        var requant = g.Quant.Requantization(Requantize, Activation, g.N, g.Quant.WeightsPerTensor, ctx);
        Tensor? bias = null;
        bool constantBias = !ctx.HasInput(2) || (bias = ctx.InputConstant(2)) is not null;
        if (ctx.InputShape(1).Rank == 2 && ctx.InputConstant(1) is { } b && constantBias)
        {
            var (strideK, strideN) = TransB ? (1, g.K) : (g.N, 1);
            return Q8PackedGemmKernel.Create(g.BatchA.Length * g.M, g.K, g.N, b.Bytes.Span, g.Quant.WType == DataType.Int8, strideK, strideN,
                g.Quant.WZeroPoints, bias is null ? default : bias.AsSpan<int>(), requant, g.Quant.XType == DataType.Int8, g.Quant.XZeroPoint, ctx.Threads);
        }
        return new ReferenceKernel(g, TransB, requant);
    }

    /// <summary>Sizes, quantization and, per output batch item, the element offsets of its A and B matrices.</summary>
    private sealed record Geometry(Shape Output, int M, int N, int K, int[] BatchA, int[] BatchB, QLinearOperands Quant);

    private Geometry Resolve(OpContext ctx)
    {
        var a = ctx.InputShape(0);
        var b = ctx.InputShape(1);
        if (a.Rank == 0 || b.Rank == 0) throw ctx.Error($"QLinearGemm needs inputs of rank ≥ 1; got A {a} and B {b}");
        if (TransB && b.Rank != 2) throw ctx.Error($"with TransB, B must be a matrix [N, K]; it has shape {b}");
        int m = a.Rank == 1 ? 1 : a[-2], k = a[-1];
        int kb, n;
        if (TransB) (n, kb) = (b[0], b[1]);
        else (kb, n) = b.Rank == 1 ? (b[0], 1) : (b[-2], b[-1]);
        if (k != kb) throw ctx.Error($"A {a} and B {b}{(TransB ? " (transposed)" : "")} disagree on K ({k} vs {kb})");
        var aBatch = a.Rank > 2 ? new Shape(a.Dims[..^2].ToArray()) : Shape.Scalar;
        var bBatch = b.Rank > 2 ? new Shape(b.Dims[..^2].ToArray()) : Shape.Scalar;
        var batch = Shape.Broadcast(aBatch, bBatch) ?? throw ctx.Error($"the batch dims of A {a} and B {b} do not broadcast");
        var dims = new List<int>(batch.ToArray());
        if (a.Rank > 1) dims.Add(m);
        if (TransB || b.Rank > 1) dims.Add(n);
        if (ctx.HasInput(2))
        {
            ctx.ExpectType(2, DataType.Int32);
            var bias = ctx.InputShape(2);
            if (bias.ElementCount != n || bias.Rank > 1) throw ctx.Error($"the bias has shape {bias}; expected [{n}]");
        }
        if (!Activation.IsMinMax) throw ctx.Error($"a quantized GEMM fuses only None, Relu or Clip activations, not {Activation}");
        int weightAxis = TransB ? 0 : b.Rank - 1;
        var quant = QuantResolver.Operands(ctx, OutputQuant, OutputType, n, weightAxis, "A", "B");
        return new Geometry(new Shape(dims.ToArray()), m, n, k, BatchOffsets(batch, aBatch, m * k), BatchOffsets(batch, bBatch, k * n), quant);
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

    /// <summary><see cref="Q8GemmReference"/> per batch item, reading B and the bias at run time.</summary>
    private sealed class ReferenceKernel(Geometry g, bool transB, Q8Requantization requant) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var a = ctx.InputBytes(0);
            var b = ctx.InputBytes(1);
            var bias = ctx.HasInput(2) ? ctx.Input<int>(2) : default;
            var y = ctx.OutputBytes(0);
            int m = g.M, n = g.N, k = g.K;
            var (strideK, strideN) = transB ? (1, k) : (n, 1);
            var q = g.Quant;
            for (int bi = 0; bi < g.BatchA.Length; bi++)
                Q8GemmReference.Run(m, n, k, a.Slice(g.BatchA[bi], m * k), k, q.XType == DataType.Int8, q.XZeroPoint,
                    b.Slice(g.BatchB[bi], k * n), q.WType == DataType.Int8, strideK, strideN, q.WZeroPoints, bias, requant,
                    y.Slice(bi * m * n, m * n), n);
        }
    }
}
