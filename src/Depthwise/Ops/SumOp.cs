using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>Sum: the elementwise sum of one or more inputs, all broadcast together, added left to right.</summary>
public sealed class SumOp : VariadicElementwiseOp
{
    /// <inheritdoc />
    public override string OpType => "Sum";

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => ctx.InputType(0) switch
    {
        DataType.Float32 => Create<float, AddOperator<float>>(ctx, default),
        _ => Create<Half, AddOperator<Half>>(ctx, default),
    };
}
