using Depthwise.Kernels.Elementwise;
using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// QLinearDiv: C = A / B on 8-bit quantized tensors with numpy broadcasting, requantized to <see cref="OutputQuant"/>
/// and clamped by a fused min-max <see cref="Activation"/>, in TFLite's fixed-point arithmetic (a Newton–Raphson
/// reciprocal of the divisor, then two fixed-point multiplications; see <see cref="Q8Div"/>). Serves TFLite's
/// quantized DIV. Inputs: A, B (uint8 or int8, the same type, per-tensor quantization).
/// </summary>
public sealed class QLinearDivOp : Op
{
    /// <summary>The fused activation (None, Relu or Clip), applied as an integer clamp on the output.</summary>
    public ConvActivation Activation { get; init; }

    /// <summary>The output's per-tensor quantization (required).</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output storage type (UInt8 or Int8; Undefined means the inputs' type).</summary>
    public DataType OutputType { get; init; }

    /// <inheritdoc />
    public override string OpType => "QLinearDiv";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (type, shape, yq, _, _, _, _) = Check(ctx);
        ctx.SetOutput(0, type, shape);
        ctx.SetOutputQuant(0, yq);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (type, shape, yq, aq, bq, min, max) = Check(ctx);
        var layout = new BroadcastLayout(shape, ctx.InputShape(0), ctx.InputShape(1));
        try
        {
            return new Q8BroadcastKernel<Q8Div>(Q8Div.Create(aq, bq, yq, type, min, max), layout);
        }
        catch (ArgumentException e)
        {
            throw ctx.Error(e.Message);
        }
    }

    private QuantBinaryOperands Check(OpContext ctx) => QuantResolver.Binary(ctx, OutputType, OutputQuant, Activation);
}
