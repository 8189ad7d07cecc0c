using Depthwise.Kernels.Elementwise;
using Depthwise.Kernels.Quantized;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// QuantizeLinear: y = saturate(round(x / scale) + zero_point), per tensor or per axis, float32 → uint8 or int8.
/// ONNX form: inputs X, y_scale, optional y_zero_point (constants; the zero point's type is the output type, uint8 when
/// it is omitted), per axis along <see cref="Axis"/> when y_scale has more than one element. TFLite QUANTIZE form: input
/// X only, with <see cref="OutputQuant"/> and <see cref="OutputType"/>. Rounding follows <see cref="Requantize"/>: TFLite
/// rounds half away from zero, ONNX half to even. The output carries its quantization.
/// </summary>
public sealed class QuantizeLinearOp : Op
{
    /// <summary>The output quantization when no y_scale input is given (TFLite form); per axis along its own <see cref="QuantParams.Axis"/>.</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output type (UInt8 or Int8) when no y_zero_point input gives it (whose type wins).</summary>
    public DataType OutputType { get; init; } = DataType.UInt8;

    /// <summary>The quantized axis when y_scale is a vector (negative counts from the end). ONNX's default is 1.</summary>
    public int Axis { get; init; } = 1;

    /// <summary>How to round: half away from zero (TFLite) or half to even (ONNX).</summary>
    public RequantizeMode Requantize { get; init; } = RequantizeMode.TfLiteFixedPoint;

    /// <inheritdoc />
    public override string OpType => "QuantizeLinear";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index is 1 or 2;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (type, q) = Resolve(ctx);
        ctx.SetOutput(0, type, ctx.InputShape(0));
        ctx.SetOutputQuant(0, q);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (type, q) = Resolve(ctx);
        var x = ctx.InputShape(0);
        var isa = Q8Isas.Best;
        if (q.IsPerTensor) return new PerTensorKernel(new Q8Quantize(q.Scales[0], (int)q.ZeroPoints[0], type, Requantize, isa));
        var (outer, channels, inner) = QuantResolver.Split(x, q.Axis);
        var perChannel = new Q8Quantize[channels];
        for (int c = 0; c < channels; c++) perChannel[c] = new Q8Quantize(q.Scales[c], (int)q.ZeroPoints[c], type, Requantize, isa);
        return new PerAxisKernel(perChannel, outer, inner);
    }

    private (DataType Type, QuantParams Quant) Resolve(OpContext ctx)
    {
        ctx.ExpectType(0, DataType.Float32);
        var x = ctx.InputShape(0);
        if (!ctx.HasInput(1))
        {
            if (OutputType is not (DataType.UInt8 or DataType.Int8)) throw ctx.Error($"OutputType is {DataTypes.Name(OutputType)}; expected uint8 or int8");
            var q = OutputQuant ?? throw ctx.Error("no y_scale input and no OutputQuant: the output's scale and zero point are unknown");
            return (OutputType, QuantResolver.Check(ctx, q, x, OutputType, "OutputQuant"));
        }
        var type = ctx.HasInput(2) ? ctx.InputType(2) : OutputType;
        if (type is not (DataType.UInt8 or DataType.Int8)) throw ctx.Error($"y_zero_point is {DataTypes.Name(type)}; uint8 and int8 outputs are supported");
        return (type, QuantResolver.FromConstants(ctx, 1, 2, x, Axis, type, "y_scale", "y_zero_point"));
    }

    private sealed class PerTensorKernel(Q8Quantize q) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<float>(0);
            int n = ctx.InputShape(0).ElementCount;
            int chunks = ElementwiseChunking.Chunks(n);
            if (chunks <= 1)
            {
                q.Run(x[..n], ctx.OutputBytes(0)[..n]);
                return;
            }
            var work = new Work(q, ctx.InputMemory(0), ctx.OutputMemory(0), n);
            ctx.Parallel(ref work, chunks);
        }

        private readonly struct Work(Q8Quantize q, ReadOnlyMemory<byte> x, Memory<byte> y, int count) : IParallelWork
        {
            public void Execute(int index, int worker)
            {
                int start = index * ElementwiseChunking.ChunkElements, len = Math.Min(ElementwiseChunking.ChunkElements, count - start);
                q.Run(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(x.Span).Slice(start, len), y.Span.Slice(start, len));
            }
        }
    }

    private sealed class PerAxisKernel(Q8Quantize[] perChannel, int outer, int inner) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<float>(0);
            var y = ctx.OutputBytes(0);
            int channels = perChannel.Length, at = 0;
            for (int o = 0; o < outer; o++)
                for (int c = 0; c < channels; c++, at += inner)
                    perChannel[c].Run(x.Slice(at, inner), y.Slice(at, inner));
        }
    }
}
