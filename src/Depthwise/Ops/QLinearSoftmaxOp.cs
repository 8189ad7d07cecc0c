using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Softmax of a uint8/int8 tensor along its last axis: y = quantize_out(exp(β·(x − max)) / Σ exp(β·(x − max))) with x
/// the real input values. TFLite's quantized SOFTMAX fixes the output at scale 1/256 with zero point 0 (uint8) or −128
/// (int8); the output quantization comes from the model either way. Computed in double precision and rounded, which is
/// within one step of TFLite's table-driven kernels.
/// </summary>
public sealed class QLinearSoftmaxOp : Op
{
    /// <summary>The inverse temperature β (TFLite's <c>beta</c>); 1 by default.</summary>
    public float Beta { get; init; } = 1f;

    /// <summary>The output's quantization (TFLite form; the ONNX form gives it as inputs 3 and 4).</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output type (TFLite form); Undefined means the input's.</summary>
    public DataType OutputType { get; init; }

    /// <summary>Which runtime's rounding to reproduce.</summary>
    public RequantizeMode Requantize { get; init; } = RequantizeMode.TfLiteFixedPoint;

    /// <inheritdoc />
    public override string OpType => "QLinearSoftmax";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index >= QLinearUnaryForm.FirstQuantInput;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        if (ctx.InputShape(0).Rank < 1) throw ctx.Error("softmax needs a tensor of rank ≥ 1");
        var f = QLinearUnaryForm.Resolve(ctx, OutputQuant, OutputType, ctx.InputShape(0));
        ctx.SetOutput(0, f.OutType, ctx.InputShape(0));
        ctx.SetOutputQuant(0, f.Out);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var shape = ctx.InputShape(0);
        var f = QLinearUnaryForm.Resolve(ctx, OutputQuant, OutputType, shape);
        int depth = shape[shape.Rank - 1];
        // exp(β·s·(q − max)) depends only on the difference d = max − q in [0, 255]: one table per plan.
        var expTable = new double[256];
        for (int d = 0; d < 256; d++) expTable[d] = Math.Exp(-(double)Beta * f.In.Scales[0] * d);
        return new SoftmaxKernel(f, depth, shape.ElementCount / Math.Max(depth, 1), expTable, Requantize);
    }

    private sealed class SoftmaxKernel(QLinearUnaryForm f, int depth, int rows, double[] expTable, RequantizeMode mode) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.InputBytes(0);
            var y = ctx.OutputBytes(0);
            for (int r = 0; r < rows; r++)
            {
                var xr = x.Slice(r * depth, depth);
                var yr = y.Slice(r * depth, depth);
                int max = int.MinValue;
                for (int i = 0; i < depth; i++) max = Math.Max(max, f.InputValue(xr[i]));
                double sum = 0;
                for (int i = 0; i < depth; i++) sum += expTable[max - f.InputValue(xr[i])];
                for (int i = 0; i < depth; i++) yr[i] = f.Store(f.Quantize(expTable[max - f.InputValue(xr[i])] / sum, mode));
            }
        }
    }
}
