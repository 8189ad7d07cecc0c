using Depthwise.Kernels.Quantized;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// QLinearGlobalAveragePool: the mean of each channel's spatial image of 8-bit data, requantized to
/// <see cref="OutputQuant"/>; the output keeps the spatial dims as 1 ([N, C, 1, 1] or [N, 1, 1, C]). Serves
/// com.microsoft QLinearGlobalAveragePool (its channels_last attribute is <see cref="Layout"/>;
/// <see cref="RequantizeMode.FloatRoundHalfEven"/>) and TFLite MEAN over H and W with keep_dims
/// (<see cref="ChannelLayout.ChannelsLast"/>, <see cref="RequantizeMode.TfLiteFixedPoint"/>), whose own
/// requantization applies whether or not the input and output quantization differ.
/// </summary>
public sealed class QLinearGlobalAveragePoolOp : Op, IChannelLayoutOp
{
    /// <summary>Layout of X and Y.</summary>
    public ChannelLayout Layout { get; init; }

    /// <summary>The output's per-tensor quantization (required).</summary>
    public QuantParams? OutputQuant { get; init; }

    /// <summary>The output storage type (UInt8 or Int8; Undefined means the input's type).</summary>
    public DataType OutputType { get; init; }

    /// <summary>Whose arithmetic the op reproduces.</summary>
    public RequantizeMode Requantize { get; init; } = RequantizeMode.TfLiteFixedPoint;

    /// <inheritdoc />
    public override string OpType => "QLinearGlobalAveragePool";

    /// <inheritdoc />
    public bool IsLayoutInput(int index) => index == 0;

    /// <inheritdoc />
    public Op WithLayout(ChannelLayout layout) => new QLinearGlobalAveragePoolOp
    {
        Layout = layout, OutputQuant = OutputQuant, OutputType = OutputType, Requantize = Requantize,
    };

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        var (type, yq, _) = Check(ctx);
        var x = ctx.InputShape(0);
        var planes = PlaneLayout.Of(x, Layout);
        var ones = new int[x.Rank - 2];
        Array.Fill(ones, 1);
        ctx.SetOutput(0, type, PlaneLayout.Compose(planes.Batch, planes.Channels, ones, Layout));
        ctx.SetOutputQuant(0, yq);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var (type, yq, xq) = Check(ctx);
        var planes = PlaneLayout.Of(ctx.InputShape(0), Layout);
        if (planes.PlaneSize == 0) throw ctx.Error($"X has shape {ctx.InputShape(0)}: an empty image has no mean");
        Q8GlobalAveragePool pool;
        try
        {
            pool = new Q8GlobalAveragePool(planes.PlaneSize, xq, yq, type, Requantize, Q8Isas.Best);
        }
        catch (ArgumentException e)
        {
            throw ctx.Error(e.Message);
        }
        return new PoolKernel(pool, planes);
    }

    private (DataType Type, QuantParams Y, QuantParams X) Check(OpContext ctx)
    {
        var xq = QuantResolver.PerTensorInput(ctx, 0, "X");
        PlaneLayout.Expect(ctx, 0, Layout, minRank: 3);
        var type = QuantResolver.OutputType(ctx, OutputType);
        if (type != ctx.InputType(0)) throw ctx.Error($"the output type {DataTypes.Name(type)} differs from the input's {DataTypes.Name(ctx.InputType(0))}");
        var yq = QuantResolver.OutputQuant(ctx, OutputQuant, type);
        return (type, yq, xq);
    }

    /// <summary>Channels-first: one contiguous image per channel. Channels-last: per batch item, channels across pixels.</summary>
    private sealed class PoolKernel(Q8GlobalAveragePool pool, PlaneLayout planes) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.InputBytes(0);
            var y = ctx.OutputBytes(0);
            int c = planes.Channels, image = c * planes.PlaneSize;
            if (planes.Layout == ChannelLayout.ChannelsFirst)
            {
                pool.RunChannelsFirst(x, y[..planes.PlaneCount]);
                return;
            }
            for (int n = 0; n < planes.Batch; n++) pool.RunChannelsLast(x.Slice(n * image, image), c, y.Slice(n * c, c));
        }
    }
}
