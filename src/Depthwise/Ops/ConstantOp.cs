using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Constant: a node with no inputs whose output is <see cref="Value"/>. Its output is known when the plan is compiled,
/// so it never becomes a step.
/// </summary>
public sealed class ConstantOp : Op
{
    /// <summary>Creates the op for a value.</summary>
    public ConstantOp(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
    }

    /// <summary>The constant (ONNX <c>value</c>, or the tensor built from <c>value_float(s)</c> / <c>value_int(s)</c>).</summary>
    public Tensor Value { get; }

    /// <inheritdoc />
    public override string OpType => "Constant";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ctx.SetOutputConstant(0, Value);
        ctx.SetOutputQuant(0, Value.Quant);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => new ConstantKernel(Value);

    /// <summary>Writes the value (the compiler folds Constant, so this runs only if asked to).</summary>
    private sealed class ConstantKernel(Tensor value) : Kernel
    {
        public override void Run(in KernelContext ctx) => value.Bytes.Span.CopyTo(ctx.OutputBytes(0));
    }
}
