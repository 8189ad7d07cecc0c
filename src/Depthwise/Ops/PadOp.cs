using Depthwise.Kernels.Gather;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>How <see cref="PadOp"/> fills the padded border.</summary>
public enum PadMode
{
    /// <summary>With the constant value (input 2, default 0).</summary>
    Constant,
    /// <summary>With the input mirrored about its edge element, the edge itself not repeated (numpy 'reflect').</summary>
    Reflect,
    /// <summary>With the edge element repeated.</summary>
    Edge,
}

/// <summary>
/// Pad (ONNX opset-18 form): inputs data, pads (int64, constant: [begin per axis..., end per axis...]), optional
/// constant_value (a scalar of data's type, may be a run-time value) and optional axes (int64, constant) naming the
/// axes the pads refer to. A negative pad crops that side first; the border is then filled from the cropped input.
/// Quantized uint8/int8 data keeps its quantization; a given constant_value is a stored (quantized) value, and an omitted
/// one means real 0, i.e. the zero point, as in TFLite's PAD (ONNX has no quantized Pad, and plain uint8 data pads with 0).
/// </summary>
public sealed class PadOp : Op
{
    /// <summary>The fill mode.</summary>
    public PadMode Mode { get; init; } = PadMode.Constant;

    /// <inheritdoc />
    public override string OpType => "Pad";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) => index is 1 or 3;

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (begin, end) = ReadPads(ctx);
        var input = ctx.InputShape(0);
        var dims = new long[input.Rank];
        for (int d = 0; d < dims.Length; d++)
        {
            dims[d] = input[d] + begin[d] + end[d];
            if (dims[d] < 0)
                throw ctx.Error($"pads {begin[d]} and {end[d]} on axis {d} crop more than its {input[d]} elements");
            if (dims[d] > Shape.MaxElements) throw ctx.Error($"padded axis {d} is too large ({dims[d]})");
            if (Mode != PadMode.Constant && dims[d] > 0 && CroppedLength(input[d], begin[d], end[d]) <= 0)
                throw ctx.Error($"{Mode.ToString().ToLowerInvariant()} padding needs at least one input element on axis {d}, which has {input[d]} after cropping");
        }
        if (ctx.HasInput(2))
        {
            if (ctx.InputShape(2).ElementCount > 1)
                throw ctx.Error($"constant_value must be a scalar; it has shape {ctx.InputShape(2)}");
            if (ctx.InputConstant(2) is null && ctx.InputType(2) != ctx.InputType(0))
                throw ctx.Error($"constant_value has type {DataTypes.Name(ctx.InputType(2))}; the data is {DataTypes.Name(ctx.InputType(0))}");
        }
        Shape shape;
        try { shape = Shape.FromLongs(dims); }
        catch (ArgumentException e) { throw ctx.Error(e.Message); }
        ctx.SetOutput(0, ctx.InputType(0), shape);
        QuantPassThrough.Keep(ctx, 0, a => begin[a] != 0 || end[a] != 0);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (begin, end) = ReadPads(ctx);
        var input = ctx.InputShape(0);
        var output = ctx.OutputShape(0);
        var strides = input.Strides();
        var tables = new int[input.Rank][];
        for (int d = 0; d < tables.Length; d++)
        {
            int n = input[d];
            // The part of the input that survives cropping, [lo, hi), in input coordinates.
            int lo = (int)Math.Max(0, -begin[d]);
            int hi = n - (int)Math.Max(0, -end[d]);
            var t = new int[output[d]];
            for (int o = 0; o < t.Length; o++)
            {
                long i = o - begin[d];
                long src = Mode switch
                {
                    PadMode.Constant => i >= lo && i < hi ? i : -1,
                    PadMode.Edge => Math.Clamp(i, lo, hi - 1),
                    _ => lo + Reflect(i - lo, hi - lo),
                };
                t[o] = src < 0 ? -1 : (int)src * strides[d];
            }
            tables[d] = t;
        }
        var type = ctx.InputType(0);
        ulong fill = AxisTableGatherKernel<byte>.FillBits(type, ctx.InputConstant(2), DefaultFill(ctx));
        // A constant_value known now is baked in; one that arrives at run time is read by the kernel.
        int fillInput = ctx.HasInput(2) && ctx.InputConstant(2) is null ? 2 : -1;
        return AxisTableGatherKernel<byte>.For(type, output.ToArray(), tables, fill, fillInput);
    }

    /// <summary>
    /// The fill when constant_value is omitted: 0, or for quantized data the zero point (the stored value of real 0,
    /// which is what TFLite's PAD writes).
    /// </summary>
    private static double DefaultFill(OpContext ctx)
    {
        if (ctx.InputQuant(0) is not { } q || !DataTypes.IsInteger(ctx.InputType(0))) return 0;
        long zp = q.ZeroPoints[0];
        foreach (long z in q.ZeroPoints)
            if (z != zp) throw ctx.Error("constant_value is omitted and the per-axis zero points differ; give the pad value explicitly");
        return zp;
    }

    /// <summary>Mirror index <paramref name="i"/> into [0, n) without repeating the edge (numpy 'reflect', repeated for wide pads).</summary>
    private static long Reflect(long i, long n)
    {
        if (n == 1) return 0;
        long period = 2 * (n - 1);
        long j = ((i % period) + period) % period;
        return j < n ? j : period - j;
    }

    private static long CroppedLength(int n, long begin, long end) => n - Math.Max(0, -begin) - Math.Max(0, -end);

    private static (long[] Begin, long[] End) ReadPads(OpContext ctx)
    {
        int rank = ctx.InputShape(0).Rank;
        var padsTensor = ctx.RequireConstant(1);
        if (!DataTypes.IsInteger(padsTensor.DataType)) throw ctx.Error($"pads must be int64, not {DataTypes.Name(padsTensor.DataType)}");
        var pads = padsTensor.ToInt64Array();
        int[] axes;
        if (ctx.HasInput(3))
        {
            var a = ctx.RequireConstant(3);
            if (!DataTypes.IsInteger(a.DataType)) throw ctx.Error($"axes must be integers, not {DataTypes.Name(a.DataType)}");
            var raw = a.ToInt64Array();
            axes = new int[raw.Length];
            for (int i = 0; i < raw.Length; i++)
            {
                if (raw[i] < -rank || raw[i] >= rank) throw ctx.Error($"axis {raw[i]} is out of range for rank {rank}");
                axes[i] = (int)(raw[i] < 0 ? raw[i] + rank : raw[i]);
                for (int k = 0; k < i; k++)
                    if (axes[k] == axes[i]) throw ctx.Error($"axis {axes[i]} is given twice");
            }
        }
        else
        {
            axes = new int[rank];
            for (int i = 0; i < rank; i++) axes[i] = i;
        }
        if (pads.Length != 2 * axes.Length)
            throw ctx.Error($"pads has {pads.Length} values; expected {2 * axes.Length} (begin and end for each of {axes.Length} axes)");
        var begin = new long[rank];
        var end = new long[rank];
        for (int i = 0; i < axes.Length; i++)
        {
            begin[axes[i]] = pads[i];
            end[axes[i]] = pads[i + axes.Length];
            if (Math.Abs(pads[i]) > Shape.MaxElements || Math.Abs(pads[i + axes.Length]) > Shape.MaxElements)
                throw ctx.Error($"pads on axis {axes[i]} are out of range");
        }
        return (begin, end);
    }
}
