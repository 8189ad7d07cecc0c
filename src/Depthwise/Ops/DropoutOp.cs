using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Dropout in inference mode: output = data, and the optional mask output is all true. <c>ratio</c> (input 1) is
/// ignored, as ONNX specifies outside training. <c>training_mode</c> (input 2) must be known when the plan is compiled
/// and false: random dropout is a training-time operation and is not supported.
/// </summary>
public sealed class DropoutOp : Op
{
    /// <summary>Opset 7–9 form: the mask has the data's type (all ones) instead of bool.</summary>
    public bool MaskHasDataType { get; init; }

    /// <inheritdoc />
    public override string OpType => "Dropout";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index == 2;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.ExpectType(0, DataType.Float32, DataType.Float16);
        if (ctx.HasInput(1)) ctx.ExpectType(1, DataType.Float32, DataType.Float16);
        if (ctx.HasInput(2))
        {
            ctx.ExpectType(2, DataType.Bool);
            if (Array.Exists(ctx.RequireConstant(2).ToInt64Array(), v => v != 0))
                throw ctx.Unsupported("training_mode is true: random dropout (training) is out of scope; pass false or omit it for inference");
        }
        ctx.SetOutput(0, ctx.InputType(0), ctx.InputShape(0));
        QuantPassThrough.Keep(ctx);
        if (ctx.OutputCount > 1) ctx.SetOutput(1, MaskHasDataType ? ctx.InputType(0) : DataType.Bool, ctx.InputShape(0));
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return new DropoutKernel(ctx.OutputCount > 1 ? ctx.OutputType(1) : DataType.Undefined);
    }

    /// <summary>Copies the data and fills the mask (of <c>maskType</c>; Undefined when there is none) with ones.</summary>
    private sealed class DropoutKernel(DataType maskType) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            ctx.InputBytes(0).CopyTo(ctx.OutputBytes(0));
            switch (maskType)
            {
                case DataType.Bool: ctx.OutputBytes(1).Fill(1); break;
                case DataType.Float32: ctx.Output<float>(1).Fill(1f); break;
                case DataType.Float16: ctx.Output<Half>(1).Fill(Half.One); break;
            }
        }
    }
}
