using Depthwise.Kernels.Elementwise;
using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// QLinearPRelu: y = x for x ≥ 0, α·x for x &lt; 0 on 8-bit quantized tensors, α broadcasting to x's shape
/// (unidirectionally), requantized to <see cref="OutputQuant"/> with TFLite's fixed-point arithmetic (two 31-bit
/// multipliers, s_x/s_y and s_x·s_α/s_y; see <see cref="Q8PRelu"/>). Serves TFLite's quantized PRELU.
/// Inputs: X, alpha (uint8 or int8, the same type, per-tensor quantization).
/// </summary>
public sealed class QLinearPReluOp : Op
{
    /// <summary>The output's per-tensor quantization (required).</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output storage type (UInt8 or Int8; Undefined means the inputs' type).</summary>
    public DataType OutputType { get; init; }

    /// <inheritdoc />
    public override string OpType => "QLinearPRelu";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (type, shape, yq, _, _) = Check(ctx);
        ctx.SetOutput(0, type, shape);
        ctx.SetOutputQuant(0, yq);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (type, shape, yq, xq, aq) = Check(ctx);
        var layout = new BroadcastLayout(shape, ctx.InputShape(0), ctx.InputShape(1));
        return new Q8BroadcastKernel<Q8PRelu>(Q8PRelu.Create(xq, aq, yq, type), layout);
    }

    private (DataType Type, Shape Shape, QuantParams Y, QuantParams X, QuantParams Alpha) Check(OpContext ctx)
    {
        var xq = QuantResolver.PerTensorInput(ctx, 0, "X");
        var aq = QuantResolver.PerTensorInput(ctx, 1, "alpha");
        if (ctx.InputType(1) != ctx.InputType(0))
            throw ctx.Error($"X is {DataTypes.Name(ctx.InputType(0))} but alpha is {DataTypes.Name(ctx.InputType(1))}; both must have one type");
        var type = QuantResolver.OutputType(ctx, OutputType);
        if (type != ctx.InputType(0)) throw ctx.Error($"the output type {DataTypes.Name(type)} differs from the inputs' {DataTypes.Name(ctx.InputType(0))}");
        var yq = QuantResolver.OutputQuant(ctx, OutputQuant, type);
        var shape = ctx.InputShape(0);
        if (Shape.Broadcast(shape, ctx.InputShape(1)) != shape)
            throw ctx.Error($"alpha shape {ctx.InputShape(1)} must broadcast to the input shape {ctx.InputShape(0)} (unidirectional broadcasting)");
        return (type, shape, yq, xq, aq);
    }
}
