using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// Softmax of 8-bit quantized data along <see cref="Axis"/>, as TFLite's SOFTMAX computes it for uint8/int8 (the
/// float-table kernel of optimized_ops::Softmax, used since TF 2.2): a table of exp(−s_in·β·d) for d = 0..255, per row
/// the sum over table[max − x] in float, p = table[max − x] · (1 / (sum · s_out)), each output round(p) + z_out clamped,
/// rounding as QuantizeSoftmaxOutput does: trunc(p + 0.5) for uint8 (TFLite's non-ARM64 builds), half away from zero for
/// int8.
/// TFLite fixes the output quantization at scale 1/256 with zero point 0 (uint8) or −128 (int8); any OutputQuant given
/// is honoured the same way. Only TFLite's arithmetic is implemented.
/// </summary>
public sealed class QLinearSoftmaxOp : Op
{
    /// <summary>The inverse temperature β.</summary>
    public float Beta { get; init; } = 1f;

    /// <summary>The axis to normalize along (negative counts from the end; TFLite's is the last).</summary>
    public int Axis { get; init; } = -1;

    /// <summary>The output's per-tensor quantization; null means TFLite's fixed 1/256 with zero point 0 or −128.</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output storage type (UInt8 or Int8; Undefined means the input's type).</summary>
    public DataType OutputType { get; init; }

    /// <summary>Whose arithmetic: only <see cref="RequantizeMode.TfLiteFixedPoint"/> is implemented.</summary>
    public RequantizeMode Requantize { get; init; } = RequantizeMode.TfLiteFixedPoint;

    /// <inheritdoc />
    public override string OpType => "QLinearSoftmax";

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (type, yq, _, _) = Check(ctx);
        ctx.SetOutput(0, type, ctx.InputShape(0));
        ctx.SetOutputQuant(0, yq);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (type, yq, xq, axis) = Check(ctx);
        var x = ctx.InputShape(0);
        var (outer, length, inner) = QuantResolver.Split(x, axis);
        // PopulateSoftmaxLookupTable: table[255 − d] = exp(−s_in·β·d), in float.
        float scale = -xq.Scales[0] * Beta;
        var table = new float[256];
        for (int d = 0; d <= 255; d++) table[255 - d] = MathF.Exp(scale * d);
        return new SoftmaxKernel(table, ctx.InputType(0) == DataType.Int8, type == DataType.Int8, yq.Scales[0], (int)yq.ZeroPoints[0], outer, length, inner);
    }

    private (DataType Type, QuantParams Y, QuantParams X, int Axis) Check(OpContext ctx)
    {
        var xq = QuantResolver.PerTensorInput(ctx, 0, "X");
        if (Requantize != RequantizeMode.TfLiteFixedPoint)
            throw ctx.Unsupported("only TFLite's quantized softmax arithmetic is implemented");
        var type = QuantResolver.OutputType(ctx, OutputType);
        var yq = QuantResolver.OutputQuant(ctx, OutputQuant ?? QuantParams.PerTensor(1f / 256, type == DataType.Int8 ? -128 : 0), type);
        if (!float.IsFinite(Beta)) throw ctx.Error($"beta {Beta} is not finite");
        int rank = ctx.InputShape(0).Rank;
        int axis = Axis < 0 ? Axis + rank : Axis;
        if (axis < 0 || axis >= rank) throw ctx.Error($"axis {Axis} is out of range for input of rank {rank}");
        return (type, yq, xq, axis);
    }

    /// <summary>optimized_ops::Softmax (float table) over rows of <c>length</c> elements <c>inner</c> apart.</summary>
    private sealed class SoftmaxKernel(float[] table, bool signedIn, bool signedOut, float outScale, int outZero, int outer, int length, int inner) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.InputBytes(0);
            var y = ctx.OutputBytes(0);
            int min = signedOut ? -128 : 0, max = min + 255;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    int start = o * length * inner + i;
                    int maxVal = signedIn ? -128 : 0;
                    for (int j = 0, at = start; j < length; j++, at += inner) maxVal = Math.Max(maxVal, Value(x[at]));
                    float sum = 0;
                    for (int j = 0, at = start; j < length; j++, at += inner) sum += table[255 - maxVal + Value(x[at])];
                    float inverse = 1.0f / (sum * outScale);
                    for (int j = 0, at = start; j < length; j++, at += inner)
                    {
                        float p = table[255 - maxVal + Value(x[at])] * inverse;
                        // QuantizeSoftmaxOutput: uint8 (off ARM64) adds 0.5 and truncates, int8 rounds half away from zero.
                        int q = (signedOut ? (int)MathF.Round(p, MidpointRounding.AwayFromZero) : (int)(p + 0.5f)) + outZero;
                        y[at] = (byte)Math.Clamp(q, min, max);
                    }
                }
        }

        private int Value(byte b) => signedIn ? (sbyte)b : b;
    }
}
