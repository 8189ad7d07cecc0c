using Depthwise.Kernels.Elementwise;
using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// QLinearAdd: C = A + B (or A − B with <see cref="Subtract"/>) on 8-bit quantized tensors with numpy broadcasting,
/// requantized to <see cref="OutputQuant"/> and clamped by a fused min-max <see cref="Activation"/>. Serves TFLite ADD
/// and SUB (<see cref="RequantizeMode.TfLiteFixedPoint"/>: TFLite's 20-bit-shift fixed-point arithmetic) and
/// com.microsoft QLinearAdd (<see cref="RequantizeMode.FloatRoundHalfEven"/>: ONNX Runtime's float formula).
/// Inputs: A, B (uint8 or int8, the same type, per-tensor quantization).
/// </summary>
public sealed class QLinearAddOp : Op
{
    /// <summary>Compute A − B (TFLite SUB) instead of A + B.</summary>
    public bool Subtract { get; init; }

    /// <summary>The fused activation (None, Relu or Clip), applied as an integer clamp on the output.</summary>
    public ConvActivation Activation { get; init; }

    /// <summary>The output's per-tensor quantization (required).</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output storage type (UInt8 or Int8; Undefined means the inputs' type).</summary>
    public DataType OutputType { get; init; }

    /// <summary>Whose arithmetic the op reproduces.</summary>
    public RequantizeMode Requantize { get; init; } = RequantizeMode.TfLiteFixedPoint;

    /// <inheritdoc />
    public override string OpType => "QLinearAdd";

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
        var isa = Q8Isas.Best;
        if (Requantize == RequantizeMode.FloatRoundHalfEven)
            return new Q8BroadcastKernel<Q8AddFloat>(Q8AddFloat.Create(aq, bq, yq, type, Subtract, min, max, isa), layout);
        try
        {
            return new Q8BroadcastKernel<Q8AddFixedPoint>(Q8AddFixedPoint.Create(aq, bq, yq, type, Subtract, min, max, isa), layout);
        }
        catch (ArgumentException e)
        {
            throw ctx.Error(e.Message);
        }
    }

    private QuantBinaryOperands Check(OpContext ctx) => QuantResolver.Binary(ctx, OutputType, OutputQuant, Activation);
}
