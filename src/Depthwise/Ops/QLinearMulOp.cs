using Depthwise.Kernels.Elementwise;
using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// QLinearMul: C = A · B on 8-bit quantized tensors with numpy broadcasting, requantized to <see cref="OutputQuant"/>
/// and clamped by a fused min-max <see cref="Activation"/>. Serves TFLite MUL (<see cref="RequantizeMode.TfLiteFixedPoint"/>)
/// and com.microsoft QLinearMul (<see cref="RequantizeMode.FloatRoundHalfEven"/>: ONNX Runtime's float formula).
/// Inputs: A, B (uint8 or int8, the same type, per-tensor quantization).
/// </summary>
public sealed class QLinearMulOp : Op
{
    /// <summary>The fused activation (None, Relu or Clip), applied as an integer clamp on the output.</summary>
    public ConvActivation Activation { get; init; }

    /// <summary>The output's per-tensor quantization (required).</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output storage type (UInt8 or Int8; Undefined means the inputs' type).</summary>
    public DataType OutputType { get; init; }

    /// <summary>Whose arithmetic the op reproduces.</summary>
    public RequantizeMode Requantize { get; init; } = RequantizeMode.TfLiteFixedPoint;

    /// <inheritdoc />
    public override string OpType => "QLinearMul";

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
            return new Q8BroadcastKernel<Q8Mul>(Q8Mul.Create(aq, bq, yq, type, min, max, Requantize), layout);
        }
        catch (ArgumentException e)
        {
            throw ctx.Error(e.Message);
        }
    }

    private QuantBinaryOperands Check(OpContext ctx) => QuantResolver.Binary(ctx, OutputType, OutputQuant, Activation);
}
