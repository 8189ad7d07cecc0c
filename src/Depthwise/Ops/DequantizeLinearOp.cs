using Depthwise.Kernels.Elementwise;
using Depthwise.Kernels.Quantized;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// DequantizeLinear: y = (float)(x − zero_point) · scale, per tensor or per axis, from uint8, int8 or int32 to float32.
/// ONNX form: inputs X, x_scale, optional x_zero_point (constants), per axis along <see cref="Axis"/> when x_scale has
/// more than one element. TFLite DEQUANTIZE form: input X only, whose own quantization (per tensor or per channel) is
/// used. For 8-bit data TFLite's double-precision scale and ONNX Runtime's float product give the same value (the
/// exact product of a float and a 9-bit integer rounded once), so one kernel serves both.
/// </summary>
public sealed class DequantizeLinearOp : Op
{
    /// <summary>The quantized axis when x_scale is a vector (negative counts from the end). ONNX's default is 1.</summary>
    public int Axis { get; init; } = 1;

    /// <inheritdoc />
    public override string OpType => "DequantizeLinear";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index is 1 or 2;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        Resolve(ctx);
        ctx.SetOutput(0, DataType.Float32, ctx.InputShape(0));
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var q = Resolve(ctx);
        var type = ctx.InputType(0);
        var x = ctx.InputShape(0);
        var (outer, channels, inner) = q.IsPerTensor ? (1, 1, x.ElementCount) : QuantResolver.Split(x, q.Axis);
        if (type == DataType.Int32) return new Int32Kernel(q.Scales.ToArray(), q.ZeroPoints.Select(z => (int)z).ToArray(), outer, inner);
        var isa = Q8Isas.Best;
        var perChannel = new Q8Dequantize[channels];
        for (int c = 0; c < channels; c++) perChannel[c] = new Q8Dequantize(q.Scales[c], (int)q.ZeroPoints[c], type, isa);
        return q.IsPerTensor ? new PerTensorKernel(perChannel[0]) : new PerAxisKernel(perChannel, outer, inner);
    }

    /// <summary>The quantization of X: the x_scale/x_zero_point inputs when given, else X's own.</summary>
    private QuantParams Resolve(OpContext ctx)
    {
        ctx.ExpectType(0, DataType.UInt8, DataType.Int8, DataType.Int32);
        var type = ctx.InputType(0);
        var x = ctx.InputShape(0);
        if (!ctx.HasInput(1))
        {
            var q = ctx.InputQuant(0) ?? throw ctx.Error($"X ('{ctx.Node.Inputs[0]?.Name}') has no quantization parameters and no x_scale input is given");
            return QuantResolver.Check(ctx, q, x, type, "X");
        }
        if (ctx.HasInput(2) && ctx.InputType(2) != type)
            throw ctx.Error($"x_zero_point is {DataTypes.Name(ctx.InputType(2))} but X is {DataTypes.Name(type)}; they must match");
        return QuantResolver.FromConstants(ctx, 1, 2, x, Axis, type, "x_scale", "x_zero_point");
    }

    private sealed class PerTensorKernel(Q8Dequantize q) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            int n = ctx.InputShape(0).ElementCount;
            int chunks = ElementwiseChunking.Chunks(n);
            if (chunks <= 1)
            {
                q.Run(ctx.InputBytes(0)[..n], ctx.Output<float>(0)[..n]);
                return;
            }
            var work = new Work(q, ctx.InputMemory(0), ctx.OutputMemory(0), n);
            ctx.Parallel(ref work, chunks);
        }

        private readonly struct Work(Q8Dequantize q, ReadOnlyMemory<byte> x, Memory<byte> y, int count) : IParallelWork
        {
            public void Execute(int index, int worker)
            {
                int start = index * ElementwiseChunking.ChunkElements, len = Math.Min(ElementwiseChunking.ChunkElements, count - start);
                q.Run(x.Span.Slice(start, len), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(y.Span).Slice(start, len));
            }
        }
    }

    private sealed class PerAxisKernel(Q8Dequantize[] perChannel, int outer, int inner) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.InputBytes(0);
            var y = ctx.Output<float>(0);
            int channels = perChannel.Length, at = 0;
            for (int o = 0; o < outer; o++)
                for (int c = 0; c < channels; c++, at += inner)
                    perChannel[c].Run(x.Slice(at, inner), y.Slice(at, inner));
        }
    }

    /// <summary>int32 data (biases): (float)(x − z) · s with the integer difference wrapping, as ONNX Runtime computes it.</summary>
    private sealed class Int32Kernel(float[] scales, int[] zeroPoints, int outer, int inner) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<int>(0);
            var y = ctx.Output<float>(0);
            int at = 0;
            for (int o = 0; o < outer; o++)
                for (int c = 0; c < scales.Length; c++)
                {
                    float s = scales[c];
                    int z = zeroPoints[c];
                    for (int i = 0; i < inner; i++, at++) y[at] = unchecked(x[at] - z) * s;
                }
        }
    }
}
