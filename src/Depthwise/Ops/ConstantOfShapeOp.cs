using System.Runtime.InteropServices;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// ConstantOfShape: a tensor of the shape given by the constant int64 input (0), every element equal to
/// <see cref="Value"/> (a one-element tensor that also sets the type; float32 0 by default).
/// </summary>
public sealed class ConstantOfShapeOp : Op
{
    /// <summary>Creates the op filling with <paramref name="value"/> (null: float32 0).</summary>
    public ConstantOfShapeOp(Tensor? value = null)
    {
        value ??= Tensor.FromArray(new Shape(1), new float[] { 0f });
        if (value.ElementCount != 1) throw new ArgumentException($"the fill value must have one element, not {value.ElementCount}", nameof(value));
        Value = value;
    }

    /// <summary>ONNX <c>value</c>: the one-element fill value; its type is the output type.</summary>
    public Tensor Value { get; }

    /// <inheritdoc />
    public override string OpType => "ConstantOfShape";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index == 0;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var shapeTensor = ctx.RequireConstant(0);
        if (shapeTensor.DataType != DataType.Int64 || shapeTensor.Shape.Rank != 1)
            throw ctx.Error($"the shape input must be a 1-D int64 tensor, not {shapeTensor}");
        var dims = shapeTensor.ToInt64Array();
        foreach (long d in dims) if (d < 0) throw ctx.Error($"shape [{string.Join(",", dims)}] has a negative dim");
        ctx.SetOutput(0, Value.DataType, Shape.FromLongs(dims));
        ctx.SetOutputQuant(0, Value.Quant);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx) => DataTypes.SizeOf(Value.DataType) switch
    {
        1 => new FillKernel<byte>(MemoryMarshal.Read<byte>(Value.Bytes.Span)),
        2 => new FillKernel<ushort>(MemoryMarshal.Read<ushort>(Value.Bytes.Span)),
        4 => new FillKernel<uint>(MemoryMarshal.Read<uint>(Value.Bytes.Span)),
        _ => new FillKernel<ulong>(MemoryMarshal.Read<ulong>(Value.Bytes.Span)),
    };

    /// <summary>Fills the output with one element's bit pattern (any type of that size).</summary>
    private sealed class FillKernel<T>(T value) : Kernel where T : unmanaged
    {
        public override void Run(in KernelContext ctx) => MemoryMarshal.Cast<byte, T>(ctx.OutputBytes(0)).Fill(value);
    }
}
