using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Depthwise.Kernels;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>The gate function of a <see cref="SqueezeExciteOp"/>: what turns the second product into per-channel scales.</summary>
public enum SqueezeExciteGate
{
    /// <summary>max(0, min(1, alpha·x + beta)), as <see cref="HardSigmoidOp"/> (MobileNetV3).</summary>
    HardSigmoid,
    /// <summary>1 / (1 + exp(−x)), as a Conv's fused Sigmoid (EfficientNet).</summary>
    Sigmoid,
}

/// <summary>
/// A squeeze-and-excitation block, fused by <c>SqueezeExciteFusion</c> from the channels-last chain
/// GlobalAveragePool(X) → Conv 1×1 (activation) → Conv 1×1 → gate → Mul(X, gate). Per batch item: the channel means
/// s[c] of X [N, H, W, C]; h = act(B1 + W1·s) with W1 [Cr, C, 1, 1]; g = gate(B2 + W2·h) with W2 [C, Cr, 1, 1];
/// then Y[n, h, w, c] = X[n, h, w, c] · g[c]. Inputs: X, W1, B1, W2, B2 (weights and biases constant; the biases
/// may be omitted). Channels-last only: the layout pass has run when the fusion applies. Not an ONNX operator: the
/// exporter writes it back as the original nodes.
/// </summary>
public sealed class SqueezeExciteOp : Op
{
    /// <summary>The activation after the first product (as the first Conv's fused activation).</summary>
    public ConvActivation Activation { get; init; }

    /// <summary>The gate after the second product.</summary>
    public SqueezeExciteGate Gate { get; init; }

    /// <summary>HardSigmoid's alpha (used when <see cref="Gate"/> is <see cref="SqueezeExciteGate.HardSigmoid"/>).</summary>
    public float GateAlpha { get; init; } = 0.2f;

    /// <summary>HardSigmoid's beta (used when <see cref="Gate"/> is <see cref="SqueezeExciteGate.HardSigmoid"/>).</summary>
    public float GateBeta { get; init; } = 0.5f;

    /// <inheritdoc />
    public override string OpType => "SqueezeExcite";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index is >= 1 and <= 4;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        Resolve(ctx);
        ctx.SetOutput(0, DataType.Float32, ctx.InputShape(0));
    }

    /// <inheritdoc />
    public override long CountMacs(OpContext ctx)
    {
        var (x, reduced) = Resolve(ctx);
        return (long)x[0] * 2 * x[3] * reduced;
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (x, cr) = Resolve(ctx);
        int c = x[3];
        var w1 = ctx.RequireConstant(1).AsSpan<float>();
        var w2 = ctx.RequireConstant(3).AsSpan<float>();
        var b1 = ctx.HasInput(2) ? ctx.RequireConstant(2).AsSpan<float>().ToArray() : new float[cr];
        var b2 = ctx.HasInput(4) ? ctx.RequireConstant(4).AsSpan<float>().ToArray() : new float[c];
        var shape = new SeShape(x[0], x[1] * x[2], c, cr);
        return x[1] * x[2] == 0 || ReferenceOnly
            ? new ReferenceKernel(this, shape, w1.ToArray(), b1, w2.ToArray(), b2)
            : new FastKernel(this, shape, w1, b1, w2, b2);
    }

    /// <summary>Test hook: when true, <see cref="CreateKernel"/> returns the scalar reference kernel.</summary>
    internal bool ReferenceOnly { get; init; }

    /// <summary>The gate of one value (scalar definition).</summary>
    internal float GateOf(float v) => Gate == SqueezeExciteGate.Sigmoid
        ? ConvActivation.Sigmoid.Invoke(v)
        : new HardSigmoidOperator(GateAlpha, GateBeta).Invoke(v);

    private (Shape X, int Reduced) Resolve(OpContext ctx)
    {
        for (int i = 0; i <= 4; i++) if (i == 0 || ctx.HasInput(i)) ctx.ExpectType(i, DataType.Float32);
        var x = ctx.InputShape(0);
        if (x.Rank != 4) throw ctx.Error($"X has shape {x}; expected [N, H, W, C] (channels-last)");
        if (!ctx.HasInput(1) || !ctx.HasInput(3)) throw ctx.Error("W1 and W2 are required");
        int c = x[3];
        var w1 = ctx.InputShape(1);
        if (w1.Rank != 4 || w1[1] != c || w1[2] != 1 || w1[3] != 1) throw ctx.Error($"W1 has shape {w1}; expected [Cr, {c}, 1, 1]");
        int cr = w1[0];
        var w2 = ctx.InputShape(3);
        if (w2.Rank != 4 || w2[0] != c || w2[1] != cr || w2[2] != 1 || w2[3] != 1) throw ctx.Error($"W2 has shape {w2}; expected [{c}, {cr}, 1, 1]");
        if (ctx.HasInput(2) && (ctx.InputShape(2).Rank != 1 || ctx.InputShape(2)[0] != cr)) throw ctx.Error($"B1 has shape {ctx.InputShape(2)}; expected [{cr}]");
        if (ctx.HasInput(4) && (ctx.InputShape(4).Rank != 1 || ctx.InputShape(4)[0] != c)) throw ctx.Error($"B2 has shape {ctx.InputShape(4)}; expected [{c}]");
        return (x, cr);
    }

    /// <summary>Batch items, pixels per item (H·W), channels, reduced channels.</summary>
    private readonly record struct SeShape(int Batch, int Plane, int C, int Cr);

    /// <summary>
    /// The definition, one element at a time: means summed in double in pixel order (as GlobalAveragePool), each product
    /// accumulated bias first then inputs ascending (unfused multiply-adds, as the reference Conv), then the scaling.
    /// </summary>
    private sealed class ReferenceKernel(SqueezeExciteOp op, SeShape s, float[] w1, float[] b1, float[] w2, float[] b2) : Kernel
    {
        public override int ScratchBytes => (s.C * 2 + s.Cr) * sizeof(float);

        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<float>(0);
            var y = ctx.Output<float>(0);
            var scratch = MemoryMarshal.Cast<byte, float>(ctx.Scratch);
            var mean = scratch[..s.C];
            var hidden = scratch.Slice(s.C, s.Cr);
            var gate = scratch.Slice(s.C + s.Cr, s.C);
            for (int n = 0; n < s.Batch; n++)
            {
                int img = n * s.Plane * s.C;
                for (int c = 0; c < s.C; c++)
                {
                    double sum = 0;
                    for (int p = 0; p < s.Plane; p++) sum += x[img + p * s.C + c];
                    mean[c] = (float)(sum / s.Plane);
                }
                for (int m = 0; m < s.Cr; m++)
                {
                    float acc = b1[m];
                    for (int k = 0; k < s.C; k++) acc += mean[k] * w1[m * s.C + k];
                    hidden[m] = op.Activation.Invoke(acc);
                }
                for (int m = 0; m < s.C; m++)
                {
                    float acc = b2[m];
                    for (int k = 0; k < s.Cr; k++) acc += hidden[k] * w2[m * s.Cr + k];
                    gate[m] = op.GateOf(acc);
                }
                for (int p = 0; p < s.Plane; p++)
                for (int c = 0; c < s.C; c++)
                    y[img + p * s.C + c] = x[img + p * s.C + c] * gate[c];
            }
        }
    }

    /// <summary>
    /// The fast kernel. Per batch item, on the calling thread: the channel means with GlobalAveragePool's channels-last
    /// summation (same bits), the two matrix-vector products over weights packed input-major (each output lane
    /// accumulates bias, then inputs ascending, with the lanes' multiply-add: fused where the hardware fuses, as the
    /// GEMM kernels), the first activation split as the Conv kernels split it (clamp/HardSwish in registers, Sigmoid
    /// and SiLU by <see cref="ConvPostActivation"/>), the gate. Then every pixel row of X is scaled by its item's gate
    /// row with vector multiplies, rows split over the workers (each element is one product: any thread count gives
    /// the same bits).
    /// </summary>
    private sealed unsafe class FastKernel : Kernel
    {
        private const int RowsPerItem = 64;

        private enum Width { Scalar, V128, V256, V512 }

        private readonly SqueezeExciteOp _op;
        private readonly SeShape _s;
        private readonly float[] _w1, _b1, _w2, _b2; // W1, W2 packed in panels (see Pack)
        private readonly FusedEpilogue _epilogue;
        private readonly ConvActivation _post;
        private readonly Width _width;

        public FastKernel(SqueezeExciteOp op, SeShape s, ReadOnlySpan<float> w1, float[] b1, ReadOnlySpan<float> w2, float[] b2)
        {
            _op = op;
            _s = s;
            _b1 = b1;
            _b2 = b2;
            (_epilogue, _post) = op.Activation.ToFused();
            _width = Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Fma.IsSupported ? Width.V512
                : Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported ? Width.V256
                : Vector128.IsHardwareAccelerated ? Width.V128
                : Width.Scalar;
            int lanes = _width switch { Width.V512 => 16, Width.V256 => 8, Width.V128 => 4, _ => 1 };
            _w1 = Pack(w1, s.Cr, s.C, lanes);
            _w2 = Pack(w2, s.C, s.Cr, lanes);
        }

        /// <summary>Floats first (means, hidden, one gate row per item), then the double accumulators at a 64-byte boundary.</summary>
        private int AccOffset => ((_s.C + _s.Cr + _s.Batch * _s.C) * sizeof(float) + 63) / 64 * 64;

        public override int ScratchBytes => AccOffset + _s.C * sizeof(double);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Run(in KernelContext ctx)
        {
            var s = _s;
            if (s.Batch == 0 || s.C == 0) return;
            var x = ctx.Input<float>(0);
            var scratch = ctx.Scratch;
            var acc = MemoryMarshal.Cast<byte, double>(scratch[AccOffset..])[..s.C];
            var floats = MemoryMarshal.Cast<byte, float>(scratch);
            var mean = floats[..s.C];
            var hidden = floats.Slice(s.C, s.Cr);
            var gates = floats.Slice(s.C + s.Cr, s.Batch * s.C);
            for (int n = 0; n < s.Batch; n++)
            {
                acc.Clear();
                var img = x.Slice(n * s.C * s.Plane, s.C * s.Plane);
                for (int p = 0; p < s.Plane; p++) GlobalAveragePoolOp.ChannelsLastKernel.Accumulate(img.Slice(p * s.C, s.C), acc);
                for (int i = 0; i < s.C; i++) mean[i] = (float)(acc[i] / s.Plane);
                var gate = gates.Slice(n * s.C, s.C);
                Squeeze(mean, hidden, gate);
            }
            var work = new Work { Kernel = this, X = ctx.InputMemory(0), Y = ctx.OutputMemory(0), Gates = ctx.ScratchMemory };
            int rows = s.Batch * s.Plane;
            ctx.Parallel(ref work, (rows + RowsPerItem - 1) / RowsPerItem);
        }

        /// <summary>gate = gate(B2 + W2 · act(B1 + W1 · mean)).</summary>
        private void Squeeze(Span<float> mean, Span<float> hidden, Span<float> gate)
        {
            Product(mean, _s.C, _w1, _b1, hidden, _s.Cr, _epilogue);
            if (!_post.IsNone) ConvPostActivation.Apply(_post, hidden, default);
            Product(hidden, _s.Cr, _w2, _b2, gate, _s.C, FusedEpilogue.Linear);
            if (_op.Gate == SqueezeExciteGate.Sigmoid) ConvPostActivation.Apply(ConvActivation.Sigmoid, gate, default);
            else
            {
                var hs = new HardSigmoidOperator(_op.GateAlpha, _op.GateBeta);
                for (int i = 0; i < gate.Length; i++) gate[i] = hs.Invoke(gate[i]);
            }
        }

        private void Product(ReadOnlySpan<float> x, int rows, float[] w, float[] b, Span<float> y, int cols, FusedEpilogue epilogue)
        {
            fixed (float* px = x, pw = w, pb = b, py = y)
            {
                switch (_width)
                {
                    case Width.V512: MatVec<F32Lanes512, Vector512<float>>(px, rows, pw, pb, py, cols, epilogue); break;
                    case Width.V256: MatVec<F32Lanes256, Vector256<float>>(px, rows, pw, pb, py, cols, epilogue); break;
                    case Width.V128: MatVec<F32Lanes128, Vector128<float>>(px, rows, pw, pb, py, cols, epilogue); break;
                    default: MatVec<F32LanesScalar, float>(px, rows, pw, pb, py, cols, epilogue); break;
                }
            }
        }

        /// <summary>
        /// Packs W [cols][rows] (ONNX's [M, K, 1, 1]) into column panels read sequentially by <see cref="MatVec"/>: for
        /// each block of 4 vectors of outputs a [rows][4·lanes] panel, then the rest as one [rows][width] panel with its
        /// width rounded up to whole vectors (zeros beyond cols). Panel of block m0 starts at m0 · rows.
        /// </summary>
        private static float[] Pack(ReadOnlySpan<float> w, int cols, int rows, int lanes)
        {
            int padded = (cols + lanes - 1) / lanes * lanes;
            var packed = new float[Math.Max(padded * rows, 1)];
            for (int m0 = 0; m0 < cols; m0 += 4 * lanes)
            {
                int width = Math.Min(4 * lanes, padded - m0);
                for (int k = 0; k < rows; k++)
                    for (int j = 0; j < width && m0 + j < cols; j++)
                        packed[m0 * rows + k * width + j] = w[(m0 + j) * rows + k];
            }
            return packed;
        }

        /// <summary>
        /// y[m] = epilogue(b[m] + Σ_k x[k] · W[m, k]) for m &lt; cols, k ascending, over <see cref="Pack"/>ed weights;
        /// four vectors of outputs at a time share each broadcast input.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void MatVec<TL, TV>(float* x, int rows, float* w, float* b, float* y, int cols, FusedEpilogue epilogue)
            where TL : struct, IF32Lanes<TV>
            where TV : struct
        {
            int v = TL.Count, m = 0;
            for (; m <= cols - 4 * v; m += 4 * v)
            {
                TV a0 = TL.Load(b + m), a1 = TL.Load(b + m + v), a2 = TL.Load(b + m + 2 * v), a3 = TL.Load(b + m + 3 * v);
                float* wk = w + (long)m * rows;
                for (int k = 0; k < rows; k++, wk += 4 * v)
                {
                    TV xk = TL.Splat(x[k]);
                    a0 = TL.MultiplyAdd(xk, TL.Load(wk), a0);
                    a1 = TL.MultiplyAdd(xk, TL.Load(wk + v), a1);
                    a2 = TL.MultiplyAdd(xk, TL.Load(wk + 2 * v), a2);
                    a3 = TL.MultiplyAdd(xk, TL.Load(wk + 3 * v), a3);
                }
                TL.Store(y + m, Activate<TL, TV>(a0, epilogue));
                TL.Store(y + m + v, Activate<TL, TV>(a1, epilogue));
                TL.Store(y + m + 2 * v, Activate<TL, TV>(a2, epilogue));
                TL.Store(y + m + 3 * v, Activate<TL, TV>(a3, epilogue));
            }
            if (m >= cols) return;
            // The rest: up to four vectors (the last one partial) in one pass over the panel, independent chains.
            int width = (cols - m + v - 1) / v * v, nv = width / v, left = cols - m;
            float* wt = w + (long)m * rows;
            TV t0 = TL.LoadPartial(b + m, left), t1 = TL.LoadPartial(b + m + v, left - v);
            TV t2 = TL.LoadPartial(b + m + 2 * v, left - 2 * v), t3 = TL.LoadPartial(b + m + 3 * v, left - 3 * v);
            for (int k = 0; k < rows; k++, wt += width)
            {
                TV xk = TL.Splat(x[k]);
                t0 = TL.MultiplyAdd(xk, TL.Load(wt), t0);
                if (nv > 1) t1 = TL.MultiplyAdd(xk, TL.Load(wt + v), t1);
                if (nv > 2) t2 = TL.MultiplyAdd(xk, TL.Load(wt + 2 * v), t2);
                if (nv > 3) t3 = TL.MultiplyAdd(xk, TL.Load(wt + 3 * v), t3);
            }
            TL.StorePartial(y + m, Activate<TL, TV>(t0, epilogue), left);
            TL.StorePartial(y + m + v, Activate<TL, TV>(t1, epilogue), left - v);
            TL.StorePartial(y + m + 2 * v, Activate<TL, TV>(t2, epilogue), left - 2 * v);
            TL.StorePartial(y + m + 3 * v, Activate<TL, TV>(t3, epilogue), left - 3 * v);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Activate<TL, TV>(TV v, FusedEpilogue e)
            where TL : struct, IF32Lanes<TV>
            where TV : struct => e.Activation switch
            {
                FusedActivation.Clamp => F32LaneActivations.Clamp<TL, TV>(v, TL.Splat(e.Min), TL.Splat(e.Max)),
                FusedActivation.HardSwish => F32LaneActivations.HardSwish<TL, TV>(v),
                _ => v,
            };

        /// <summary>Y rows [row0, row0 + count) = X rows · their item's gate row.</summary>
        internal void Scale(int row0, int count, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> gates)
        {
            count = Math.Min(count, _s.Batch * _s.Plane - row0);
            if (count <= 0) return;
            fixed (float* px = x, py = y, pg = gates)
            {
                switch (_width)
                {
                    case Width.V512: ScaleRows<F32Lanes512, Vector512<float>>(row0, count, px, py, pg); break;
                    case Width.V256: ScaleRows<F32Lanes256, Vector256<float>>(row0, count, px, py, pg); break;
                    case Width.V128: ScaleRows<F32Lanes128, Vector128<float>>(row0, count, px, py, pg); break;
                    default: ScaleRows<F32LanesScalar, float>(row0, count, px, py, pg); break;
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ScaleRows<TL, TV>(int row0, int count, float* px, float* py, float* pg)
            where TL : struct, IF32Lanes<TV>
            where TV : struct
        {
            int c = _s.C, plane = _s.Plane, v = TL.Count;
            int item = row0 / plane, itemEnd = (item + 1) * plane;
            float* g = pg + (long)item * c;
            for (int row = row0; row < row0 + count; row++)
            {
                if (row == itemEnd)
                {
                    itemEnd += plane;
                    g += c;
                }
                float* x = px + (long)row * c, y = py + (long)row * c;
                int i = 0;
                for (; i <= c - 2 * v; i += 2 * v)
                {
                    TL.Store(y + i, TL.Multiply(TL.Load(x + i), TL.Load(g + i)));
                    TL.Store(y + i + v, TL.Multiply(TL.Load(x + i + v), TL.Load(g + i + v)));
                }
                for (; i <= c - v; i += v) TL.Store(y + i, TL.Multiply(TL.Load(x + i), TL.Load(g + i)));
                if (i < c) TL.StorePartial(y + i, TL.Multiply(TL.LoadPartial(x + i, c - i), TL.LoadPartial(g + i, c - i)), c - i);
            }
        }

        private struct Work : IParallelWork
        {
            public FastKernel Kernel;
            public ReadOnlyMemory<byte> X;
            public Memory<byte> Y;
            public Memory<byte> Gates;

            public readonly void Execute(int index, int worker)
            {
                var s = Kernel._s;
                var gates = MemoryMarshal.Cast<byte, float>(Gates.Span).Slice(s.C + s.Cr, s.Batch * s.C);
                Kernel.Scale(index * RowsPerItem, RowsPerItem, MemoryMarshal.Cast<byte, float>(X.Span), MemoryMarshal.Cast<byte, float>(Y.Span), gates);
            }
        }
    }
}
