using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// BatchNormalization in inference mode: Y = (X − mean) / sqrt(var + epsilon) · scale + B with the estimated
/// statistics given as inputs. X is [N, C, spatial...] (or [N, H, W, C] when <see cref="Layout"/> is channels-last);
/// scale, B, mean and var are [C], or, for opset-7 models with spatial = 0, per activation [C, spatial...]
/// (channels-first only). Training mode is rejected at import.
/// </summary>
public sealed class BatchNormalizationOp : Op, IChannelLayoutOp
{
    /// <summary>Added to the variance before the square root.</summary>
    public float Epsilon { get; init; } = 1e-5f;

    /// <summary>True (the default) when the statistics are per channel; false for opset-7 spatial = 0 (per activation).</summary>
    public bool Spatial { get; init; } = true;

    /// <summary>Layout of X and Y (channels-first, ONNX's, by default).</summary>
    public ChannelLayout Layout { get; init; }

    /// <inheritdoc />
    public override string OpType => "BatchNormalization";

    /// <inheritdoc />
    public bool IsLayoutInput(int index) => index == 0;

    /// <inheritdoc />
    public Op WithLayout(ChannelLayout layout) => new BatchNormalizationOp { Epsilon = Epsilon, Spatial = Spatial, Layout = layout };

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        Check(ctx);
        ctx.SetOutput(0, DataType.Float32, ctx.InputShape(0));
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var layout = Check(ctx);
        return new ReferenceKernel(layout, Spatial, Epsilon);
    }

    private PlaneLayout Check(OpContext ctx)
    {
        PlaneLayout.Expect(ctx, 0, Layout, minRank: 2);
        if (!Spatial && Layout == ChannelLayout.ChannelsLast) throw ctx.Error("per-activation statistics (spatial = 0) are defined for channels-first data only");
        var x = ctx.InputShape(0);
        var layout = PlaneLayout.Of(x, Layout);
        string[] names = ["X", "scale", "B", "mean", "var"];
        for (int i = 0; i < 5; i++)
        {
            ctx.ExpectType(i, DataType.Float32);
            if (i == 0) continue;
            var s = ctx.InputShape(i);
            bool ok = Spatial
                ? s.Rank == 1 && s[0] == layout.Channels
                : s.ElementCount == layout.Channels * layout.PlaneSize && (s.Rank == x.Rank - 1 ? s.Dims.SequenceEqual(x.Dims[1..]) : s.Rank == x.Rank && s[0] == 1 && s.Dims[1..].SequenceEqual(x.Dims[1..]));
            if (!ok)
                throw ctx.Error($"{names[i]} has shape {s}; expected {(Spatial ? $"[{layout.Channels}]" : Shape.Format(x.Dims[1..]))} for X {x}");
        }
        return layout;
    }

    /// <summary>
    /// Per channel (or per activation), a = scale / sqrt(var + ε), then y = (x − mean) · a + B over the plane.
    /// The statistics are inputs, read at run time, so the kernel needs no folded copy of them. Planes are addressed
    /// through <see cref="PlaneLayout"/>, so channels-last data runs the same loops.
    /// </summary>
    private sealed class ReferenceKernel(PlaneLayout layout, bool spatial, float epsilon) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<float>(0);
            var scale = ctx.Input<float>(1);
            var bias = ctx.Input<float>(2);
            var mean = ctx.Input<float>(3);
            var variance = ctx.Input<float>(4);
            var y = ctx.Output<float>(0);
            int plane = layout.PlaneSize, stride = layout.ElementStride;
            for (int n = 0; n < layout.Batch; n++)
            {
                for (int c = 0; c < layout.Channels; c++)
                {
                    int at = layout.PlaneOffset(n, c);
                    if (spatial)
                    {
                        float a = scale[c] / MathF.Sqrt(variance[c] + epsilon), m = mean[c], b = bias[c];
                        for (int i = 0; i < plane; i++, at += stride) y[at] = (x[at] - m) * a + b;
                    }
                    else
                    {
                        int p = c * plane;
                        for (int i = 0; i < plane; i++, p++, at += stride)
                            y[at] = (x[at] - mean[p]) * (scale[p] / MathF.Sqrt(variance[p] + epsilon)) + bias[p];
                    }
                }
            }
        }
    }
}
