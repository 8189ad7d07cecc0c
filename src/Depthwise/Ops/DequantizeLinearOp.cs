using Depthwise.Kernels.Elementwise;
using Depthwise.Kernels.Quantized;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// DequantizeLinear: y = (float)(x − zero_point) · scale, per tensor or per axis, from uint8, int8 or int32 to float32.
/// ONNX form: inputs X, x_scale, optional x_zero_point (constants), per axis along <see cref="Axis"/> when x_scale has
/// more than one element. TFLite DEQUANTIZE form: input X only, whose own quantization (per tensor or per channel) is
/// used; a float16 X (TFLite's half-precision weights) is converted to float32.
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
        if (q is null) return new HalfKernel();
        var x = ctx.InputShape(0);
        var (outer, channels, inner) = q.IsPerTensor ? (1, 1, x.ElementCount) : QuantizedAxis.Split(x, q.Axis);
        if (type == DataType.Int32) return new Int32Kernel(q.Scales.ToArray(), q.ZeroPoints.Select(z => (int)z).ToArray(), outer, inner);
        var isa = Q8Isas.Best;
        var perChannel = new Q8Dequantize[channels];
        for (int c = 0; c < channels; c++) perChannel[c] = new Q8Dequantize(q.Scales[c], (int)q.ZeroPoints[c], type, isa);
        return q.IsPerTensor ? new PerTensorKernel(perChannel[0]) : new PerAxisKernel(perChannel, outer, inner);
    }

    /// <summary>The quantization of X, or null for float16 data (a plain conversion).</summary>
    private QuantParams? Resolve(OpContext ctx)
    {
        ctx.ExpectType(0, DataType.UInt8, DataType.Int8, DataType.Int32, DataType.Float16);
        var type = ctx.InputType(0);
        var x = ctx.InputShape(0);
        if (!ctx.HasInput(1))
        {
            if (type == DataType.Float16) return null;
            var q = ctx.InputQuant(0) ?? throw ctx.Error($"X ('{ctx.Node.Inputs[0]?.Name}') has no quantization parameters and no x_scale input is given");
            return QuantizedAxis.Check(ctx, q, x, type, "X");
        }
        if (type == DataType.Float16) throw ctx.Error("X is float16; a scale applies to uint8, int8 or int32 data");
        var scale = ctx.RequireConstant(1);
        if (scale.DataType != DataType.Float32) throw ctx.Error($"x_scale is {DataTypes.Name(scale.DataType)}; expected float32");
        Tensor? zp = ctx.HasInput(2) ? ctx.RequireConstant(2) : null;
        if (zp is not null && zp.DataType != type)
            throw ctx.Error($"x_zero_point is {DataTypes.Name(zp.DataType)} but X is {DataTypes.Name(type)}; they must match");
        return QuantizedAxis.FromTensors(ctx, scale, zp, x, Axis, type, "x_scale", "x_zero_point");
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

    private sealed class HalfKernel : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<Half>(0);
            var y = ctx.Output<float>(0);
            int n = ctx.InputShape(0).ElementCount;
            for (int i = 0; i < n; i++) y[i] = (float)x[i];
        }
    }
}
