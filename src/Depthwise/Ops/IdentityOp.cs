namespace Depthwise.Ops;

/// <summary>Identity: y = x (any tensor type; quantization parameters pass through).</summary>
public sealed class IdentityOp : Op
{
    /// <inheritdoc />
    public override string OpType => "Identity";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetOutput(0, ctx.InputType(0), ctx.InputShape(0));
        QuantPassThrough.Keep(ctx);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => CopyKernel.Instance;
}
