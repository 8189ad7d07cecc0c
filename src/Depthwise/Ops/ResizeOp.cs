using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Depthwise.Kernels.Elementwise;
using Depthwise.Runtime;
using Depthwise.Kernels.Gather;
using Depthwise.Tensors;

namespace Depthwise.Ops;

/// <summary>How <see cref="ResizeOp"/> computes an output element from the input around its source position.</summary>
public enum ResizeMode
{
    /// <summary>The nearest input element (rounded as <see cref="ResizeOp.NearestMode"/> says).</summary>
    Nearest,
    /// <summary>Linear interpolation along every resized axis (bilinear, trilinear...).</summary>
    Linear,
    /// <summary>Cubic convolution (Keys) with coefficient <see cref="ResizeOp.CubicCoeffA"/> along every resized axis.</summary>
    Cubic,
}

/// <summary>How an output coordinate maps to an input coordinate (ONNX <c>coordinate_transformation_mode</c>).</summary>
public enum ResizeCoordinateMode
{
    /// <summary>x_in = (x_out + 0.5) / scale - 0.5.</summary>
    HalfPixel,
    /// <summary>Like <see cref="HalfPixel"/>, shifted so that the centres of input and output line up when the output length was rounded.</summary>
    HalfPixelSymmetric,
    /// <summary>Like <see cref="HalfPixel"/>, but 0 when the output length is 1.</summary>
    PytorchHalfPixel,
    /// <summary>x_in = x_out · (in - 1) / (out - 1), with out the unrounded output length in·scale.</summary>
    AlignCorners,
    /// <summary>x_in = x_out / scale.</summary>
    Asymmetric,
    /// <summary>Samples the region of interest given by input 1; positions outside the input give <see cref="ResizeOp.ExtrapolationValue"/>.</summary>
    TfCropAndResize,
    /// <summary>x_in = (x_out + 0.5) / scale (opset 11 only; kept for old models).</summary>
    TfHalfPixelForNearest,
}

/// <summary>How a nearest-neighbour source coordinate is rounded to an index (ONNX <c>nearest_mode</c>).</summary>
public enum ResizeNearestMode
{
    /// <summary>Round half down.</summary>
    RoundPreferFloor,
    /// <summary>Round half up.</summary>
    RoundPreferCeil,
    /// <summary>Floor.</summary>
    Floor,
    /// <summary>Ceiling.</summary>
    Ceil,
    /// <summary>
    /// Upsample and Resize before opset 11 (no nearest_mode attribute): floor along axes that grow or keep their size,
    /// ceiling along axes that shrink, as ONNX Runtime does.
    /// </summary>
    FloorUpCeilDown,
}

/// <summary>How <c>sizes</c> are honoured (ONNX <c>keep_aspect_ratio_policy</c>, opset 18).</summary>
public enum ResizeAspectRatioPolicy
{
    /// <summary>Each axis gets exactly its size.</summary>
    Stretch,
    /// <summary>One scale for all resized axes, the largest that fits inside the sizes.</summary>
    NotLarger,
    /// <summary>One scale for all resized axes, the smallest that covers the sizes.</summary>
    NotSmaller,
}

/// <summary>
/// Resize (ONNX opset-18 form; Upsample and older Resize versions import to it): inputs X, optional roi (used by
/// <see cref="ResizeCoordinateMode.TfCropAndResize"/>), optional scales (float) and optional sizes (int64), exactly one of
/// scales and sizes given and non-empty; all three must be known when the plan is compiled. With scales the output
/// length is floor(in · scale). Per-axis source indices and weights are computed once, when the kernel is created.
/// </summary>
public sealed class ResizeOp : Op
{
    /// <summary>Interpolation mode (default nearest).</summary>
    public ResizeMode Mode { get; init; } = ResizeMode.Nearest;

    /// <summary>Coordinate transformation (default half_pixel).</summary>
    public ResizeCoordinateMode CoordinateMode { get; init; } = ResizeCoordinateMode.HalfPixel;

    /// <summary>Rounding of nearest-neighbour coordinates (default round_prefer_floor).</summary>
    public ResizeNearestMode NearestMode { get; init; } = ResizeNearestMode.RoundPreferFloor;

    /// <summary>The "a" of the cubic convolution kernel (default -0.75).</summary>
    public float CubicCoeffA { get; init; } = -0.75f;

    /// <summary>Cubic mode: taps outside the input get weight 0 and the rest are renormalized.</summary>
    public bool ExcludeOutside { get; init; }

    /// <summary>Value of output elements whose source lies outside the input in tf_crop_and_resize mode.</summary>
    public float ExtrapolationValue { get; init; }

    /// <summary>The axes that roi, scales and sizes refer to (negative counts from the end); null means every axis.</summary>
    public IReadOnlyList<long>? Axes { get; init; }

    /// <summary>How sizes are honoured (default stretch).</summary>
    public ResizeAspectRatioPolicy KeepAspectRatioPolicy { get; init; } = ResizeAspectRatioPolicy.Stretch;

    /// <summary>
    /// Compute as TensorFlow Lite's RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR kernels do (the TFLite importer sets
    /// it). <see cref="CoordinateMode"/> carries TFLite's flags: <see cref="ResizeCoordinateMode.HalfPixel"/> =
    /// half_pixel_centers, <see cref="ResizeCoordinateMode.AlignCorners"/> = align_corners,
    /// <see cref="ResizeCoordinateMode.Asymmetric"/> = neither. Scales are in/out (or (in−1)/(out−1) with align_corners)
    /// in float, whatever scales or sizes gave the output size. Nearest: floor((o + 0.5·half)·scale), rounded half away
    /// from zero with align_corners, on every axis (<see cref="NearestMode"/> is not used). Linear: rank-4 NHWC with
    /// only H and W resized; float source coordinates with TFLite's clamping; float32 blends as the general kernel does,
    /// uint8 and int8 round exactly as TFLite's kernels (see <see cref="Kernels.Resize.TfLiteResizeBilinearKernel"/>).
    /// </summary>
    public bool TfLiteArithmetic { get; init; }

    /// <summary>
    /// With <see cref="TfLiteArithmetic"/>: uint8 and int8 bilinear resizing as TFLite's XNNPACK delegate computes it
    /// (11-bit weights from XNNPACK's float coordinates, rounded half up; see
    /// <see cref="Kernels.Resize.TfLiteResizeBilinearKernel"/>) instead of TFLite's builtin kernels. Other cases are
    /// unaffected (XNNPACK's nearest and float bilinear resizing agree with the builtin kernels).
    /// </summary>
    public bool TfLiteXnnpack { get; init; }

    /// <summary>Tests only: always use the general interpolation kernel (the reference the fast paths are checked against).</summary>
    internal bool ForceGeneralKernel { get; init; }

    /// <inheritdoc />
    public override string OpType => "Resize";

    /// <inheritdoc />
    public override bool RequiresConstantInput(int index) =>
        index is 2 or 3 || (index == 1 && CoordinateMode == ResizeCoordinateMode.TfCropAndResize);

    /// <inheritdoc />
    public override void InferOutputs(OpContext ctx)
    {
        if (Mode == ResizeMode.Nearest)
            ctx.ExpectType(0, DataType.Float32, DataType.Float16, DataType.Int8, DataType.UInt8, DataType.Int32, DataType.Int64, DataType.Bool);
        else
            ctx.ExpectType(0, DataType.Float32, DataType.Float16, DataType.Int8, DataType.UInt8, DataType.Int32, DataType.Int64);
        var g = ComputeGeometry(ctx);
        var input = ctx.InputShape(0);
        if (TfLiteArithmetic) CheckTfLite(ctx, input, g);
        ctx.SetOutput(0, ctx.InputType(0), new Shape(g.OutDims));
        QuantPassThrough.Keep(ctx, 0, a => g.OutDims[a] != input[a] || g.Scales[a] != 1 || g.RoiStart[a] != 0 || g.RoiEnd[a] != 1);
    }

    /// <inheritdoc />
    public override Kernel CreateKernel(OpContext ctx)
    {
        var g = ComputeGeometry(ctx);
        var input = ctx.InputShape(0);
        var type = ctx.InputType(0);
        var strides = input.Strides();
        int rank = input.Rank;
        if (TfLiteArithmetic) return CreateTfLiteKernel(input, type, g.OutDims);
        if (Mode == ResizeMode.Nearest)
        {
            var tables = new int[rank][];
            for (int d = 0; d < rank; d++)
            {
                var t = new int[g.OutDims[d]];
                for (int o = 0; o < t.Length; o++)
                {
                    double x = SourceCoordinate(o, d, g, input[d]);
                    t[o] = IsOutside(x, input[d]) ? -1 : NearestIndex(x, g.Scales[d], input[d]) * strides[d];
                }
                tables[d] = t;
            }
            return AxisTableGatherKernel<byte>.For(type, g.OutDims, tables, AxisTableGatherKernel<byte>.FillBits(type, ExtrapolationValue));
        }

        int taps = Mode == ResizeMode.Linear ? 2 : 4;
        var tapCounts = new int[rank];
        var offsets = new int[rank][];
        var weights = new float[rank][];
        bool[][]? outside = CoordinateMode == ResizeCoordinateMode.TfCropAndResize ? new bool[rank][] : null;
        Span<int> idx = stackalloc int[4];
        Span<double> w = stackalloc double[4];
        for (int d = 0; d < rank; d++)
        {
            int n = input[d], outLen = g.OutDims[d];
            var off = new int[outLen * taps];
            var wt = new float[outLen * taps];
            var outs = new bool[outLen];
            bool identity = outLen == n;
            for (int o = 0; o < outLen; o++)
            {
                double x = SourceCoordinate(o, d, g, n);
                outs[o] = IsOutside(x, n);
                Taps(x, n, idx[..taps], w[..taps]);
                double onSelf = 0;
                for (int k = 0; k < taps; k++)
                {
                    off[o * taps + k] = idx[k] * strides[d];
                    wt[o * taps + k] = (float)w[k];
                    if (w[k] == 0) continue;
                    if (idx[k] == o) onSelf += w[k];
                    else identity = false;
                }
                if (outs[o] || onSelf != 1) identity = false;
            }
            if (identity)
            {
                // Axes the resize leaves alone read one element with weight 1.
                off = new int[outLen];
                wt = new float[outLen];
                for (int o = 0; o < outLen; o++) { off[o] = o * strides[d]; wt[o] = 1; }
            }
            tapCounts[d] = identity ? 1 : taps;
            offsets[d] = off;
            weights[d] = wt;
            if (outside is not null) outside[d] = outs;
        }
        if (type == DataType.Float32 && !ForceGeneralKernel && Mode == ResizeMode.Linear && outside is null
            && Bilinear2DKernel.TryCreate(input, g.OutDims, tapCounts, offsets, weights) is { } fast)
            return fast;
        float fill = ExtrapolationValue;
        return type switch
        {
            DataType.Float32 => new InterpolateKernel<float>(g.OutDims, tapCounts, offsets, weights, outside, fill),
            DataType.Float16 => new InterpolateKernel<Half>(g.OutDims, tapCounts, offsets, weights, outside, (Half)fill),
            DataType.Int8 => new InterpolateKernel<sbyte>(g.OutDims, tapCounts, offsets, weights, outside, sbyte.CreateSaturating(fill)),
            DataType.UInt8 => new InterpolateKernel<byte>(g.OutDims, tapCounts, offsets, weights, outside, byte.CreateSaturating(fill)),
            DataType.Int32 => new InterpolateKernel<int>(g.OutDims, tapCounts, offsets, weights, outside, int.CreateSaturating(fill)),
            _ => new InterpolateKernel<long>(g.OutDims, tapCounts, offsets, weights, outside, long.CreateSaturating(fill)),
        };
    }

    private void CheckTfLite(OpContext ctx, Shape input, Geometry g)
    {
        if (Mode == ResizeMode.Cubic) throw ctx.Error("TFLite arithmetic covers nearest and linear resizing only");
        if (CoordinateMode is not (ResizeCoordinateMode.Asymmetric or ResizeCoordinateMode.AlignCorners or ResizeCoordinateMode.HalfPixel))
            throw ctx.Error($"TFLite arithmetic takes the coordinate modes asymmetric, align_corners or half_pixel, not {CoordinateMode}");
        if (Mode == ResizeMode.Linear && (input.Rank != 4 || g.OutDims[0] != input[0] || g.OutDims[3] != input[3]))
            throw ctx.Error($"TFLite bilinear resizing takes NHWC input and resizes H and W only; input {input}, output {Shape.Format(g.OutDims)}");
        foreach (int d in g.OutDims)
            if (d == 0) throw ctx.Error($"TFLite resizing needs positive output sizes, not {Shape.Format(g.OutDims)}");
    }

    /// <summary>Kernels for <see cref="TfLiteArithmetic"/>: index tables for nearest, TFLite's taps for linear.</summary>
    private Kernel CreateTfLiteKernel(Shape input, DataType type, int[] outDims)
    {
        bool align = CoordinateMode == ResizeCoordinateMode.AlignCorners, half = CoordinateMode == ResizeCoordinateMode.HalfPixel;
        int rank = input.Rank;
        var strides = input.Strides();
        if (Mode == ResizeMode.Nearest)
        {
            var tables = new int[rank][];
            for (int d = 0; d < rank; d++)
            {
                tables[d] = new int[outDims[d]];
                for (int o = 0; o < outDims[d]; o++)
                    tables[d][o] = Kernels.Resize.TfLiteResize.NearestIndex(o, input[d], outDims[d], align, half) * strides[d];
            }
            return AxisTableGatherKernel<byte>.For(type, outDims, tables, 0);
        }
        if (type is DataType.UInt8 or DataType.Int8)
            return new Kernels.Resize.TfLiteResizeBilinearKernel(type == DataType.Int8, input[0], input[1], input[2], input[3],
                outDims[1], outDims[2], align, half, TfLiteXnnpack);
        var tapCounts = new int[rank];
        var offsets = new int[rank][];
        var weights = new float[rank][];
        for (int d = 0; d < rank; d++)
        {
            int n = input[d], outLen = outDims[d];
            if (d is 0 or 3 || n == outLen)
            {
                // TFLite's coordinates on an axis kept at its size are the identity (scale 1).
                tapCounts[d] = 1;
                offsets[d] = new int[outLen];
                weights[d] = new float[outLen];
                for (int o = 0; o < outLen; o++) { offsets[d][o] = o * strides[d]; weights[d][o] = 1; }
                continue;
            }
            float scale = Kernels.Resize.TfLiteResize.Scale(n, outLen, align);
            tapCounts[d] = 2;
            offsets[d] = new int[2 * outLen];
            weights[d] = new float[2 * outLen];
            for (int o = 0; o < outLen; o++)
            {
                var (lo, hi, wLo, wHi) = Kernels.Resize.TfLiteResize.LinearTaps(o, n, scale, half);
                offsets[d][2 * o] = lo * strides[d];
                offsets[d][2 * o + 1] = hi * strides[d];
                weights[d][2 * o] = wLo;
                weights[d][2 * o + 1] = wHi;
            }
        }
        if (type == DataType.Float32 && !ForceGeneralKernel && Bilinear2DKernel.TryCreate(input, outDims, tapCounts, offsets, weights) is { } fast)
            return fast;
        return type switch
        {
            DataType.Float32 => new InterpolateKernel<float>(outDims, tapCounts, offsets, weights, null, 0f),
            DataType.Float16 => new InterpolateKernel<Half>(outDims, tapCounts, offsets, weights, null, (Half)0),
            DataType.Int32 => new InterpolateKernel<int>(outDims, tapCounts, offsets, weights, null, 0),
            _ => new InterpolateKernel<long>(outDims, tapCounts, offsets, weights, null, 0L),
        };
    }

    /// <summary>Output lengths, scales, unrounded output lengths and region of interest of every axis.</summary>
    private sealed record Geometry(int[] OutDims, double[] Scales, double[] ResizedLengths, double[] RoiStart, double[] RoiEnd);

    private Geometry ComputeGeometry(OpContext ctx)
    {
        var input = ctx.InputShape(0);
        int rank = input.Rank;
        var axes = NormalizeAxes(ctx, rank);
        var scalesT = NonEmptyConstant(ctx, 2);
        var sizesT = NonEmptyConstant(ctx, 3);
        if (scalesT is not null && sizesT is not null) throw ctx.Error("only one of 'scales' and 'sizes' may be given");
        if (scalesT is null && sizesT is null) throw ctx.Error("one of 'scales' and 'sizes' must be given and non-empty");

        var outDims = input.ToArray();
        var scales = new double[rank];
        var lengths = new double[rank];
        for (int d = 0; d < rank; d++) { scales[d] = 1; lengths[d] = input[d]; }
        if (scalesT is not null)
        {
            if (!DataTypes.IsFloat(scalesT.DataType)) throw ctx.Error($"scales must be float, not {DataTypes.Name(scalesT.DataType)}");
            var s = scalesT.ToFloatArray();
            if (s.Length != axes.Length) throw ctx.Error($"scales has {s.Length} values; expected {axes.Length} (one per resized axis)");
            for (int i = 0; i < s.Length; i++)
            {
                int a = axes[i];
                if (!(s[i] > 0) || float.IsInfinity(s[i])) throw ctx.Error($"scale {s[i]} for axis {a} must be positive and finite");
                scales[a] = s[i];
                lengths[a] = s[i] * (double)input[a];
                outDims[a] = CheckedLength(ctx, Math.Floor(lengths[a]), a);
            }
        }
        else
        {
            if (!DataTypes.IsInteger(sizesT!.DataType)) throw ctx.Error($"sizes must be int64, not {DataTypes.Name(sizesT.DataType)}");
            var z = sizesT.ToInt64Array();
            if (z.Length != axes.Length) throw ctx.Error($"sizes has {z.Length} values; expected {axes.Length} (one per resized axis)");
            for (int i = 0; i < z.Length; i++)
            {
                if (z[i] < 0) throw ctx.Error($"size {z[i]} for axis {axes[i]} is negative");
                if (input[axes[i]] == 0 && z[i] != 0) throw ctx.Error($"axis {axes[i]} is empty and cannot be resized to {z[i]}");
            }
            if (KeepAspectRatioPolicy == ResizeAspectRatioPolicy.Stretch)
            {
                for (int i = 0; i < z.Length; i++)
                {
                    int a = axes[i];
                    outDims[a] = CheckedLength(ctx, z[i], a);
                    scales[a] = input[a] == 0 ? 1 : (double)z[i] / input[a];
                    lengths[a] = z[i];
                }
            }
            else
            {
                double scale = KeepAspectRatioPolicy == ResizeAspectRatioPolicy.NotLarger ? double.PositiveInfinity : 0;
                for (int i = 0; i < z.Length; i++)
                {
                    if (input[axes[i]] == 0) continue;
                    double r = (double)z[i] / input[axes[i]];
                    scale = KeepAspectRatioPolicy == ResizeAspectRatioPolicy.NotLarger ? Math.Min(scale, r) : Math.Max(scale, r);
                }
                if (double.IsInfinity(scale)) scale = 1;
                foreach (int a in axes)
                {
                    scales[a] = scale;
                    lengths[a] = scale * input[a];
                    outDims[a] = CheckedLength(ctx, Math.Floor(lengths[a] + 0.5), a);
                }
            }
        }

        var roiStart = new double[rank];
        var roiEnd = new double[rank];
        Array.Fill(roiEnd, 1.0);
        if (CoordinateMode == ResizeCoordinateMode.TfCropAndResize && NonEmptyConstant(ctx, 1) is { } roiT)
        {
            if (!DataTypes.IsFloat(roiT.DataType)) throw ctx.Error($"roi must be float, not {DataTypes.Name(roiT.DataType)}");
            var roi = roiT.ToFloatArray();
            if (roi.Length != 2 * axes.Length) throw ctx.Error($"roi has {roi.Length} values; expected {2 * axes.Length} (start and end of each resized axis)");
            for (int i = 0; i < axes.Length; i++)
            {
                roiStart[axes[i]] = roi[i];
                roiEnd[axes[i]] = roi[i + axes.Length];
            }
        }
        long total = 1;
        foreach (int d in outDims)
        {
            total *= d;
            if (total > Shape.MaxElements) throw ctx.Error($"the output {Shape.Format(outDims)} is too large");
        }
        return new Geometry(outDims, scales, lengths, roiStart, roiEnd);
    }

    private static int CheckedLength(OpContext ctx, double length, int axis)
    {
        if (!(length >= 0) || length > Shape.MaxElements) throw ctx.Error($"output length {length} of axis {axis} is out of range");
        return (int)length;
    }

    private int[] NormalizeAxes(OpContext ctx, int rank)
    {
        if (Axes is null)
        {
            var all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        var axes = new int[Axes.Count];
        for (int i = 0; i < axes.Length; i++)
        {
            long a = Axes[i];
            if (a < -rank || a >= rank) throw ctx.Error($"axis {a} is out of range for rank {rank}");
            axes[i] = (int)(a < 0 ? a + rank : a);
            for (int k = 0; k < i; k++)
                if (axes[k] == axes[i]) throw ctx.Error($"axis {a} is given twice");
        }
        return axes;
    }

    /// <summary>Input <paramref name="i"/>'s constant value, or null when it is omitted or empty (ONNX's way of leaving it out).</summary>
    private static Tensor? NonEmptyConstant(OpContext ctx, int i)
    {
        if (!ctx.HasInput(i)) return null;
        var t = ctx.RequireConstant(i);
        return t.ElementCount == 0 ? null : t;
    }

    /// <summary>The input coordinate output index <paramref name="o"/> of axis <paramref name="axis"/> samples.</summary>
    private double SourceCoordinate(int o, int axis, Geometry g, int inLength)
    {
        double scale = g.Scales[axis], length = g.ResizedLengths[axis];
        switch (CoordinateMode)
        {
            case ResizeCoordinateMode.HalfPixelSymmetric:
                {
                    double adjustment = g.OutDims[axis] / length;
                    double offset = inLength / 2.0 * (1 - adjustment);
                    return offset + (o + 0.5) / scale - 0.5;
                }
            case ResizeCoordinateMode.PytorchHalfPixel:
                return g.OutDims[axis] > 1 ? (o + 0.5) / scale - 0.5 : 0;
            case ResizeCoordinateMode.AlignCorners:
                return length == 1 ? 0 : o * (inLength - 1.0) / (length - 1);
            case ResizeCoordinateMode.Asymmetric:
                return o / scale;
            case ResizeCoordinateMode.TfHalfPixelForNearest:
                return (o + 0.5) / scale;
            case ResizeCoordinateMode.TfCropAndResize:
                {
                    double start = g.RoiStart[axis], end = g.RoiEnd[axis];
                    double x = length == 1
                        ? (end - start) * (inLength - 1) / 2
                        : o * (end - start) * (inLength - 1) / (length - 1);
                    return x + start * (inLength - 1);
                }
            default:
                return (o + 0.5) / scale - 0.5;
        }
    }

    private bool IsOutside(double x, int inLength) =>
        CoordinateMode == ResizeCoordinateMode.TfCropAndResize && (x < 0 || x > inLength - 1);

    private int NearestIndex(double x, double scale, int inLength)
    {
        double f = Math.Floor(x);
        double r = x - f;
        double i = NearestMode switch
        {
            ResizeNearestMode.RoundPreferFloor => r <= 0.5 ? f : f + 1,
            ResizeNearestMode.RoundPreferCeil => r < 0.5 ? f : f + 1,
            ResizeNearestMode.Floor => f,
            ResizeNearestMode.Ceil => Math.Ceiling(x),
            _ => scale < 1 ? Math.Ceiling(x) : f,
        };
        return (int)Math.Clamp(i, 0, Math.Max(inLength - 1, 0));
    }

    /// <summary>Linear (2) or cubic (4) taps around <paramref name="x"/>: indices clamped into the input and their weights.</summary>
    private void Taps(double x, int inLength, Span<int> idx, Span<double> w)
    {
        double f = Math.Floor(x);
        double t = x - f;
        int i0 = (int)Math.Clamp(f, int.MinValue / 2, int.MaxValue / 2);
        int last = Math.Max(inLength - 1, 0);
        if (idx.Length == 2)
        {
            idx[0] = Math.Clamp(i0, 0, last);
            idx[1] = Math.Clamp(i0 + 1, 0, last);
            w[0] = 1 - t;
            w[1] = t;
            return;
        }
        double a = CubicCoeffA;
        double sum = 0;
        for (int k = 0; k < 4; k++)
        {
            int i = i0 - 1 + k;
            double weight = Cubic(x - i, a);
            if (ExcludeOutside && (i < 0 || i > inLength - 1)) weight = 0;
            w[k] = weight;
            sum += weight;
            idx[k] = Math.Clamp(i, 0, last);
        }
        if (ExcludeOutside && sum != 0)
            for (int k = 0; k < 4; k++) w[k] /= sum;
    }

    /// <summary>Keys' cubic convolution kernel at distance <paramref name="d"/>.</summary>
    private static double Cubic(double d, double a)
    {
        d = Math.Abs(d);
        if (d <= 1) return ((a + 2) * d - (a + 3)) * d * d + 1;
        if (d < 2) return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
        return 0;
    }

    /// <summary>
    /// Linear and cubic resize: every output element is the sum over the tensor product of its per-axis taps of
    /// weight products times input elements. Axes the resize leaves alone have one tap of weight 1.
    /// </summary>
    private sealed class InterpolateKernel<T>(int[] outDims, int[] tapCounts, int[][] offsets, float[][] weights, bool[][]? outside, T fill) : Kernel
        where T : unmanaged, INumberBase<T>
    {
        private readonly int _count = ElementCount(outDims);

        public override void Run(in KernelContext ctx)
        {
            var x = ctx.Input<T>(0);
            var y = ctx.Output<T>(0);
            int rank = outDims.Length;
            Span<int> idx = stackalloc int[rank];
            idx.Clear();
            for (int e = 0; e < _count; e++)
            {
                bool isOutside = false;
                if (outside is not null)
                    for (int d = 0; d < rank; d++)
                        if (outside[d][idx[d]]) { isOutside = true; break; }
                y[e] = isOutside ? fill : T.CreateSaturating(Sample(x, 0, 0, idx));
                for (int d = rank - 1; d >= 0; d--)
                {
                    if (++idx[d] < outDims[d]) break;
                    idx[d] = 0;
                }
            }
        }

        private float Sample(ReadOnlySpan<T> x, int axis, int baseOffset, ReadOnlySpan<int> idx)
        {
            if (axis == outDims.Length) return float.CreateTruncating(x[baseOffset]);
            int taps = tapCounts[axis];
            int at = idx[axis] * taps;
            var off = offsets[axis];
            if (taps == 1) return Sample(x, axis + 1, baseOffset + off[at], idx);
            var w = weights[axis];
            float sum = 0;
            for (int k = 0; k < taps; k++)
                sum += w[at + k] * Sample(x, axis + 1, baseOffset + off[at + k], idx);
            return sum;
        }

        private static int ElementCount(int[] dims)
        {
            long n = 1;
            foreach (int d in dims) n *= d;
            return (int)n;
        }
    }

    /// <summary>
    /// Float32 bilinear resize of two adjacent axes (H, W) with every other axis unchanged: for NHWC the channels after
    /// W are contiguous and blended with vectors; NCHW (nothing after W) blends one element per pixel. Uses the general
    /// path's per-axis tap tables and its summation order (W taps first, then H), so results are identical to it.
    /// Work is split over output rows into a number of chunks that depends only on the size.
    /// </summary>
    internal sealed class Bilinear2DKernel : Kernel
    {
        private readonly int _outer, _hIn, _wIn, _inner, _hOut, _wOut, _chunks;
        private readonly int[] _offH, _offW;
        private readonly float[] _wH, _wW;

        private Bilinear2DKernel(int outer, int hIn, int wIn, int inner, int hOut, int wOut, int[] offH, float[] wH, int[] offW, float[] wW)
        {
            (_outer, _hIn, _wIn, _inner, _hOut, _wOut) = (outer, hIn, wIn, inner, hOut, wOut);
            (_offH, _wH, _offW, _wW) = (offH, wH, offW, wW);
            int rows = outer * hOut;
            long total = (long)rows * wOut * inner;
            _chunks = rows == 0 ? 0 : Math.Min(rows, ElementwiseChunking.Chunks((int)Math.Min(total, int.MaxValue)));
        }

        /// <summary>The fast kernel when exactly two adjacent axes have two taps and all others are untouched; else null.</summary>
        public static Bilinear2DKernel? TryCreate(Shape input, int[] outDims, int[] tapCounts, int[][] offsets, float[][] weights)
        {
            int rank = outDims.Length, first = -1;
            for (int d = 0; d < rank; d++)
            {
                if (tapCounts[d] == 1) continue;
                if (tapCounts[d] != 2) return null;
                if (first < 0) first = d;
                else if (d != first + 1) return null;
            }
            if (first < 0 || first + 1 >= rank || tapCounts[first + 1] != 2) return null;
            long outer = 1, inner = 1;
            for (int d = 0; d < first; d++) outer *= input[d];
            for (int d = first + 2; d < rank; d++) inner *= input[d];
            if (outer * input[first] * input[first + 1] * inner > int.MaxValue) return null;
            return new Bilinear2DKernel((int)outer, input[first], input[first + 1], (int)inner, outDims[first], outDims[first + 1],
                offsets[first], weights[first], offsets[first + 1], weights[first + 1]);
        }

        /// <inheritdoc />
        public override void Run(in KernelContext ctx)
        {
            if (_chunks == 0 || _wOut == 0 || _inner == 0) return;
            var work = new Work { Kernel = this, X = ctx.InputMemory(0), Y = ctx.OutputMemory(0) };
            ctx.Parallel(ref work, _chunks);
        }

        // Hot loop of the first runs too: compiled fully optimized at first call, not at tier 0 (start-up).
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private void Execute(int index, ReadOnlySpan<float> x, Span<float> y)
        {
            int rows = _outer * _hOut;
            int start = (int)((long)rows * index / _chunks), end = (int)((long)rows * (index + 1) / _chunks);
            int inPlane = _hIn * _wIn * _inner, rowLength = _wOut * _inner;
            ref float x0 = ref MemoryMarshal.GetReference(x);
            ref float y0 = ref MemoryMarshal.GetReference(y);
            for (int r = start; r < end; r++)
            {
                int n = r / _hOut, oh = r - n * _hOut;
                int top = n * inPlane + _offH[2 * oh], bottom = n * inPlane + _offH[2 * oh + 1];
                float wt = _wH[2 * oh], wb = _wH[2 * oh + 1];
                ref float yRow = ref Unsafe.Add(ref y0, (nint)r * rowLength);
                if (_inner == 1)
                {
                    for (int ow = 0; ow < _wOut; ow++)
                    {
                        int a = _offW[2 * ow], b = _offW[2 * ow + 1];
                        float wl = _wW[2 * ow], wr = _wW[2 * ow + 1];
                        float t = wl * Unsafe.Add(ref x0, top + a) + wr * Unsafe.Add(ref x0, top + b);
                        float u = wl * Unsafe.Add(ref x0, bottom + a) + wr * Unsafe.Add(ref x0, bottom + b);
                        Unsafe.Add(ref yRow, ow) = wt * t + wb * u;
                    }
                    continue;
                }
                for (int ow = 0; ow < _wOut; ow++)
                {
                    int a = _offW[2 * ow], b = _offW[2 * ow + 1];
                    Blend(ref Unsafe.Add(ref x0, top + a), ref Unsafe.Add(ref x0, top + b),
                        ref Unsafe.Add(ref x0, bottom + a), ref Unsafe.Add(ref x0, bottom + b),
                        _wW[2 * ow], _wW[2 * ow + 1], wt, wb, ref Unsafe.Add(ref yRow, ow * _inner), _inner);
                }
            }
        }

        /// <summary>y = wt·(wl·tl + wr·tr) + wb·(wl·bl + wr·br) over <paramref name="count"/> contiguous channels.</summary>
        private static void Blend(ref float tl, ref float tr, ref float bl, ref float br, float wl, float wr, float wt, float wb,
            ref float y, int count)
        {
            int i = 0;
            if (Vector512.IsHardwareAccelerated && count >= Vector512<float>.Count)
            {
                Vector512<float> vl = Vector512.Create(wl), vr = Vector512.Create(wr), vt = Vector512.Create(wt), vb = Vector512.Create(wb);
                for (; i <= count - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    nuint k = (nuint)i;
                    var t = vl * Vector512.LoadUnsafe(ref tl, k) + vr * Vector512.LoadUnsafe(ref tr, k);
                    var u = vl * Vector512.LoadUnsafe(ref bl, k) + vr * Vector512.LoadUnsafe(ref br, k);
                    (vt * t + vb * u).StoreUnsafe(ref y, k);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<float> vl = Vector256.Create(wl), vr = Vector256.Create(wr), vt = Vector256.Create(wt), vb = Vector256.Create(wb);
                for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    nuint k = (nuint)i;
                    var t = vl * Vector256.LoadUnsafe(ref tl, k) + vr * Vector256.LoadUnsafe(ref tr, k);
                    var u = vl * Vector256.LoadUnsafe(ref bl, k) + vr * Vector256.LoadUnsafe(ref br, k);
                    (vt * t + vb * u).StoreUnsafe(ref y, k);
                }
            }
            if (Vector128.IsHardwareAccelerated)
            {
                Vector128<float> vl = Vector128.Create(wl), vr = Vector128.Create(wr), vt = Vector128.Create(wt), vb = Vector128.Create(wb);
                for (; i <= count - Vector128<float>.Count; i += Vector128<float>.Count)
                {
                    nuint k = (nuint)i;
                    var t = vl * Vector128.LoadUnsafe(ref tl, k) + vr * Vector128.LoadUnsafe(ref tr, k);
                    var u = vl * Vector128.LoadUnsafe(ref bl, k) + vr * Vector128.LoadUnsafe(ref br, k);
                    (vt * t + vb * u).StoreUnsafe(ref y, k);
                }
            }
            for (; i < count; i++)
            {
                float t = wl * Unsafe.Add(ref tl, i) + wr * Unsafe.Add(ref tr, i);
                float u = wl * Unsafe.Add(ref bl, i) + wr * Unsafe.Add(ref br, i);
                Unsafe.Add(ref y, i) = wt * t + wb * u;
            }
        }

        private struct Work : IParallelWork
        {
            public Bilinear2DKernel Kernel;
            public ReadOnlyMemory<byte> X;
            public Memory<byte> Y;

            public readonly void Execute(int index, int worker) =>
                Kernel.Execute(index, MemoryMarshal.Cast<byte, float>(X.Span), MemoryMarshal.Cast<byte, float>(Y.Span));
        }
    }
}
