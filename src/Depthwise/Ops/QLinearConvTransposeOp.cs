using System.Runtime.InteropServices;
using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// QLinearConvTranspose: the transposed convolution of 8-bit quantized NHWC data, as TFLite's quantized TRANSPOSE_CONV
/// kernels compute it. Inputs: X [N, H, W, C_in] (uint8 or int8, per tensor), W [C_out, kH, kW, C_in] (TFLite's OHWI,
/// constant; per tensor, or int8 per output channel along axis 0), optional int32 bias B [C_out] (constant). Each input
/// pixel (x − z_x) scatters (x − z_x)·(w − z_w) into the output window at (iy·stride − pad_top, ix·stride − pad_left);
/// the exact int32 sums plus the bias are requantized per output channel (<see cref="Q8Requantization"/>: TFLite's
/// 31-bit multipliers of s_x·s_w[c]/s_y by default) and clamped by the fused <see cref="Activation"/>.
/// Output: [N, OutputSize[0], OutputSize[1], C_out].
/// </summary>
public sealed class QLinearConvTransposeOp : Op
{
    /// <summary>Strides [stride_h, stride_w].</summary>
    public int[] Strides { get; init; } = [1, 1];

    /// <summary>Where the first input pixel's window starts above and left of the output: [pad_top, pad_left] (TFLite's padding).</summary>
    public int[] PadsBegin { get; init; } = [0, 0];

    /// <summary>The output's spatial size [height, width] (TFLite's output_shape).</summary>
    public int[] OutputSize { get; init; } = [];

    /// <summary>The fused activation (None, Relu or Clip), applied as an integer clamp on the output.</summary>
    public ConvActivation Activation { get; init; }

    /// <summary>The output's per-tensor quantization (required).</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output storage type (UInt8 or Int8; Undefined means the input's type).</summary>
    public DataType OutputType { get; init; }

    /// <summary>Whose requantization arithmetic the op reproduces (TFLite's fixed point by default).</summary>
    public RequantizeMode Requantize { get; init; } = RequantizeMode.TfLiteFixedPoint;

    /// <inheritdoc />
    public override string OpType => "QLinearConvTranspose";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index is 1 or 2;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (x, w, q) = Check(ctx);
        ctx.SetOutput(0, q.YType, new Shape(x[0], OutputSize[0], OutputSize[1], w[0]));
        ctx.SetOutputQuant(0, q.OutputQuant);
    }

    /// <inheritdoc />
    public override long CountMacs(OpContext ctx)
    {
        var (x, w, _) = Check(ctx);
        return (long)x[0] * x[1] * x[2] * x[3] * w[0] * w[1] * w[2];
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (x, w, q) = Check(ctx);
        int cout = w[0], kh = w[1], kw = w[2], cin = w[3];
        bool floatProduct = q.XType == DataType.UInt8 && q.WeightsPerTensor;   // as TFLite's per-tensor uint8 multiplier
        var requant = q.Requantization(Requantize, Activation, cout, floatProduct, ctx);
        // Weights as (w − z_w) in [kH][kW][C_in][C_out] order, so the scatter's inner loop runs over contiguous output channels.
        var wt = ctx.RequireConstant(1);
        var raw = wt.Bytes.Span;
        bool signedW = q.WType == DataType.Int8;
        var weights = new int[kh * kw * cin * cout];
        for (int o = 0; o < cout; o++)
        {
            int zw = q.WZeroPoints[q.WZeroPoints.Length == 1 ? 0 : o];
            for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++)
                    for (int i = 0; i < cin; i++)
                    {
                        byte b = raw[((o * kh + ky) * kw + kx) * cin + i];
                        weights[((ky * kw + kx) * cin + i) * cout + o] = (signedW ? (sbyte)b : b) - zw;
                    }
        }
        var bias = new int[cout];
        if (ctx.HasInput(2)) ctx.RequireConstant(2).AsSpan<int>().CopyTo(bias);
        return new ReferenceKernel(x, cout, kh, kw, Strides, PadsBegin, OutputSize, q.XType == DataType.Int8, q.XZeroPoint, weights, bias, requant);
    }

    private (Shape X, Shape W, QLinearOperands Quant) Check(OpContext ctx)
    {
        var x = ctx.InputShape(0);
        var w = ctx.InputShape(1);
        if (x.Rank != 4) throw ctx.Error($"X must be NHWC (rank 4); it has shape {x}");
        if (w.Rank != 4) throw ctx.Error($"W must be [C_out, kH, kW, C_in] (rank 4); it has shape {w}");
        if (w[3] != x[3]) throw ctx.Error($"W has {w[3]} input channels but X has {x[3]}");
        if (Strides is not [> 0, > 0]) throw ctx.Error($"strides must be two positive values, not [{string.Join(", ", Strides)}]");
        if (PadsBegin is not [>= 0, >= 0]) throw ctx.Error($"pads_begin must be two non-negative values, not [{string.Join(", ", PadsBegin)}]");
        if (OutputSize is not [> 0, > 0]) throw ctx.Error($"the output size must be two positive values, not [{string.Join(", ", OutputSize)}]");
        if (ctx.HasInput(2))
        {
            ctx.ExpectType(2, DataType.Int32);
            if (ctx.InputShape(2) != new Shape(w[0])) throw ctx.Error($"the bias has shape {ctx.InputShape(2)}; expected [{w[0]}]");
        }
        var q = QuantResolver.Operands(ctx, OutputQuant, OutputType, w[0], 0, "X", "W");
        return (x, w, q);
    }

    /// <summary>The scalar definition: scatter into int32 scratch per batch item, then requantize.</summary>
    private sealed class ReferenceKernel(Shape x, int cout, int kh, int kw, int[] strides, int[] padsBegin, int[] outputSize,
        bool signedX, int zeroX, int[] weights, int[] bias, Q8Requantization requant) : Kernel
    {
        private readonly int _batch = x[0], _inH = x[1], _inW = x[2], _cin = x[3];
        private readonly int _outH = outputSize[0], _outW = outputSize[1];

        public override int ScratchBytes => _outH * _outW * cout * sizeof(int);

        public override void Run(in KernelContext ctx)
        {
            var input = ctx.InputBytes(0);
            var output = ctx.OutputBytes(0);
            var acc = MemoryMarshal.Cast<byte, int>(ctx.Scratch)[..(_outH * _outW * cout)];
            int inPlane = _inH * _inW * _cin, outPlane = _outH * _outW * cout;
            for (int n = 0; n < _batch; n++)
            {
                acc.Clear();
                for (int iy = 0; iy < _inH; iy++)
                    for (int ix = 0; ix < _inW; ix++)
                    {
                        int at = n * inPlane + (iy * _inW + ix) * _cin;
                        int oy0 = iy * strides[0] - padsBegin[0], ox0 = ix * strides[1] - padsBegin[1];
                        for (int ky = 0; ky < kh; ky++)
                        {
                            int oy = oy0 + ky;
                            if ((uint)oy >= (uint)_outH) continue;
                            for (int kx = 0; kx < kw; kx++)
                            {
                                int ox = ox0 + kx;
                                if ((uint)ox >= (uint)_outW) continue;
                                var dst = acc.Slice((oy * _outW + ox) * cout, cout);
                                for (int i = 0; i < _cin; i++)
                                {
                                    byte b = input[at + i];
                                    int xv = (signedX ? (sbyte)b : b) - zeroX;
                                    if (xv == 0) continue;
                                    var wrow = weights.AsSpan(((ky * kw + kx) * _cin + i) * cout, cout);
                                    for (int o = 0; o < cout; o++) dst[o] += xv * wrow[o];
                                }
                            }
                        }
                    }
                var y = output.Slice(n * outPlane, outPlane);
                for (int p = 0; p < outPlane; p += cout)
                    for (int o = 0; o < cout; o++)
                        y[p + o] = unchecked((byte)requant.Apply(acc[p + o] + bias[o], o));
            }
        }
    }
}
