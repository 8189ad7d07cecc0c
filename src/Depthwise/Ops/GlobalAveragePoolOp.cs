using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>
/// GlobalAveragePool: the mean of each channel's spatial plane; [N, C, spatial...] → [N, C, 1, ...]
/// (or [N, H, W, C] → [N, 1, 1, C] when <see cref="Layout"/> is channels-last).
/// </summary>
public sealed class GlobalAveragePoolOp : Op, IChannelLayoutOp
{
    /// <inheritdoc />
    public override string OpType => "GlobalAveragePool";

    /// <summary>Layout of X and Y (channels-first, ONNX's, by default).</summary>
    public ChannelLayout Layout { get; init; }

    /// <inheritdoc />
    public bool IsLayoutInput(int index) => index == 0;

    /// <inheritdoc />
    public Op WithLayout(ChannelLayout layout) => new GlobalAveragePoolOp { Layout = layout };

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx) => ctx.SetOutput(0, DataType.Float32, GlobalPoolShape(ctx, Layout));

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var layout = PlaneLayout.Of(ctx.InputShape(0), Layout);
        return Layout == ChannelLayout.ChannelsLast && layout.PlaneSize > 0
            ? new ChannelsLastKernel(layout)
            : new ReferenceKernel(layout);
    }

    /// <summary>
    /// Checks a global pool's input ([N, C, spatial...] or [N, H, W, C]; float32 unless the caller checked the type)
    /// and returns its output shape (spatial dims 1).
    /// </summary>
    internal static Shape GlobalPoolShape(OpContext ctx, ChannelLayout layout, bool typeChecked = false)
    {
        if (!typeChecked) ctx.ExpectType(0, DataType.Float32);
        PlaneLayout.Expect(ctx, 0, layout, minRank: 2);
        var x = ctx.InputShape(0);
        var dims = x.ToArray();
        int channelAxis = PlaneLayout.ChannelAxis(x.Rank, layout);
        for (int i = 1; i < dims.Length; i++) if (i != channelAxis) dims[i] = 1;
        return new Shape(dims);
    }

    /// <summary>Sums each plane in double precision (large planes lose no accuracy), then divides.</summary>
    private sealed class ReferenceKernel(PlaneLayout layout) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<float>(0);
            var y = ctx.Output<float>(0);
            int plane = layout.PlaneSize, stride = layout.ElementStride;
            var outLayout = layout with { PlaneSize = 1 };
            for (int n = 0; n < layout.Batch; n++)
            for (int c = 0; c < layout.Channels; c++)
            {
                int at = layout.PlaneOffset(n, c);
                double sum = 0;
                for (int i = 0; i < plane; i++, at += stride) sum += x[at];
                y[outLayout.PlaneOffset(n, c)] = (float)(sum / plane);
            }
        }
    }

    /// <summary>
    /// NHWC: each image's H·W input rows of C channels are widened to double and added into a row of C double
    /// accumulators (scratch) with vector adds, in pixel order, then divided by H·W — the reference's arithmetic exactly,
    /// so both layouts give the same bits. Reads the input once, sequentially.
    /// </summary>
    internal sealed class ChannelsLastKernel(PlaneLayout layout) : Kernel
    {
        public override int ScratchBytes => layout.Channels * sizeof(double);

        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<float>(0);
            var y = ctx.Output<float>(0);
            var acc = MemoryMarshal.Cast<byte, double>(ctx.Scratch)[..layout.Channels];
            int c = layout.Channels, plane = layout.PlaneSize;
            for (int n = 0; n < layout.Batch; n++)
            {
                acc.Clear();
                var img = x.Slice(n * c * plane, c * plane);
                for (int p = 0; p < plane; p++) Accumulate(img.Slice(p * c, c), acc);
                var yy = y.Slice(n * c, c);
                for (int i = 0; i < c; i++) yy[i] = (float)(acc[i] / plane);
            }
        }

        /// <summary>acc[i] += row[i] in double.</summary>
        // Hot loop of the first runs too: compiled fully optimized at first call, not at tier 0 (start-up).
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        internal static void Accumulate(ReadOnlySpan<float> row, Span<double> acc)
        {
            int i = 0, n = row.Length;
            ref float r = ref MemoryMarshal.GetReference(row);
            ref double a = ref MemoryMarshal.GetReference(acc);
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= n - 16; i += 16)
                {
                    var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref r, (nuint)i));
                    (Vector512.LoadUnsafe(ref a, (nuint)i) + lo).StoreUnsafe(ref a, (nuint)i);
                    (Vector512.LoadUnsafe(ref a, (nuint)(i + 8)) + hi).StoreUnsafe(ref a, (nuint)(i + 8));
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; i <= n - 8; i += 8)
                {
                    var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)i));
                    (Vector256.LoadUnsafe(ref a, (nuint)i) + lo).StoreUnsafe(ref a, (nuint)i);
                    (Vector256.LoadUnsafe(ref a, (nuint)(i + 4)) + hi).StoreUnsafe(ref a, (nuint)(i + 4));
                }
            }
            if (Vector128.IsHardwareAccelerated)
            {
                for (; i <= n - 4; i += 4)
                {
                    var (lo, hi) = Vector128.Widen(Vector128.LoadUnsafe(ref r, (nuint)i));
                    (Vector128.LoadUnsafe(ref a, (nuint)i) + lo).StoreUnsafe(ref a, (nuint)i);
                    (Vector128.LoadUnsafe(ref a, (nuint)(i + 2)) + hi).StoreUnsafe(ref a, (nuint)(i + 2));
                }
            }
            for (; i < n; i++) Unsafe.Add(ref a, i) += Unsafe.Add(ref r, i);
        }
    }
}
