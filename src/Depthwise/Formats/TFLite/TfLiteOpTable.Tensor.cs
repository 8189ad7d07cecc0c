using Depthwise.Graph;
using Depthwise.Kernels.Quantized;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Formats.TFLite;

internal static partial class TfLiteOpTable
{
    private const int ReshapeNewShape = 0, SqueezeDims = 0, ConcatAxis = 0, ConcatActivation = 1, ReducerKeepDims = 0,
        SplitNum = 0, GatherAxis = 0, GatherBatchDims = 1;
    private const int BilinearAlignCorners = 2, BilinearHalfPixel = 3, NearestAlignCorners = 0, NearestHalfPixel = 1;
    private const int SliceBeginMask = 0, SliceEndMask = 1, SliceEllipsisMask = 2, SliceNewAxisMask = 3, SliceShrinkMask = 4, SliceOffset = 5;

    static partial void AddTensorRows()
    {
        Row(TfLiteBuiltinOperator.RESHAPE, ImportReshape);
        Row(TfLiteBuiltinOperator.SQUEEZE, ImportSqueeze);
        Row(TfLiteBuiltinOperator.EXPAND_DIMS, n =>
        {
            n.ExpectArity(2, 2, 1);
            var axis = n.ConstantInts(1, "axis");
            if (axis.Length != 1) throw n.Invalid($"axis has {axis.Length} values; expected one");
            n.Add(new UnsqueezeOp(), [n.Input(0), n.Int64s("axes", axis)], n.Output(0));
        });
        Row(TfLiteBuiltinOperator.CONCATENATION, ImportConcatenation);
        Row(TfLiteBuiltinOperator.PAD, n => ImportPad(n, v2: false));
        Row(TfLiteBuiltinOperator.PADV2, n => ImportPad(n, v2: true));
        Row(TfLiteBuiltinOperator.TRANSPOSE, n =>
        {
            n.ExpectArity(2, 2, 1);
            var perm = n.ConstantInts(1, "perm");
            int rank = n.InputTensor(0).Shape.Length;
            if (perm.Length != rank) throw n.Invalid($"perm has {perm.Length} entries; the input has rank {rank}");
            n.Add(new TransposeOp { Perm = Array.ConvertAll(perm, p => checked((int)p)) }, [n.Input(0)], n.Output(0));
        });
        Row(TfLiteBuiltinOperator.RESIZE_BILINEAR, n => ImportResize(n, bilinear: true));
        Row(TfLiteBuiltinOperator.RESIZE_NEAREST_NEIGHBOR, n => ImportResize(n, bilinear: false));
        Row(TfLiteBuiltinOperator.STRIDED_SLICE, ImportStridedSlice);
        Row(TfLiteBuiltinOperator.SLICE, ImportSlice);
        Row(TfLiteBuiltinOperator.SPLIT, ImportSplit);
        Row(TfLiteBuiltinOperator.SPLIT_V, ImportSplitV);
        Row(TfLiteBuiltinOperator.MEAN, n => ImportReduce(n, new ReduceMeanOp { NoopWithEmptyAxes = true }, mean: true));
        Row(TfLiteBuiltinOperator.SUM, n => ImportReduce(n, new ReduceSumOp { NoopWithEmptyAxes = true }, mean: false));
        Row(TfLiteBuiltinOperator.REDUCE_MAX, n => ImportReduce(n, new ReduceMaxOp { NoopWithEmptyAxes = true }, mean: false));
        Row(TfLiteBuiltinOperator.GATHER, n =>
        {
            n.ExpectArity(2, 2, 1);
            var o = n.Options(TfLiteOptions.Gather);
            int batchDims = o?.I32(GatherBatchDims, "batch_dims") ?? 0;
            if (batchDims != 0) throw n.Unsupported($"batch_dims {batchDims} (only 0 is supported)");
            n.Add(new GatherOp { Axis = o?.I32(GatherAxis, "axis") ?? 0 }, [n.Input(0), n.Input(1)], n.Output(0));
        });
        Row(TfLiteBuiltinOperator.ARG_MAX, n => ImportArgMax(n, min: false));
        Row(TfLiteBuiltinOperator.ARG_MIN, n => ImportArgMax(n, min: true));
        Row(TfLiteBuiltinOperator.CAST, n =>
        {
            n.ExpectArity(1, 1, 1);
            n.Add(new CastOp { To = n.OutputType(0) }, [n.Input(0)], n.Output(0));
        });
    }

    /// <summary>ARG_MAX / ARG_MIN: the axis (constant) is removed; the index type is the output tensor's (int32 or int64).</summary>
    private static void ImportArgMax(TfLiteNode n, bool min)
    {
        n.ExpectArity(2, 2, 1);
        var axis = n.ConstantInts(1, "axis");
        if (axis.Length != 1) throw n.Invalid($"axis has {axis.Length} values; expected one");
        var type = n.OutputType(0);
        if (type is not (DataType.Int32 or DataType.Int64)) throw n.Invalid($"writes {DataTypes.Name(type)}; the index output must be int32 or int64");
        n.Add(new ArgMaxOp { Min = min, Axis = checked((int)axis[0]), KeepDims = false, OutputType = type }, [n.Input(0)], n.Output(0));
    }

    /// <summary>
    /// RESHAPE: the target shape from input 1 (constant, or cast to int64 when computed) or else the new_shape option.
    /// TFLite has no "0 copies the dim" rule, so the IR op takes 0 literally (allowzero).
    /// </summary>
    private static void ImportReshape(TfLiteNode n)
    {
        n.ExpectArity(1, 2, 1);
        Value shape;
        if (n.HasInput(1) && n.InputTensor(1).Shape is not [0])
        {
            shape = n.Constant(1) is { } c
                ? n.Int64s("shape", c.DataType is DataType.Int32 or DataType.Int64 ? c.ToInt64Array() : throw n.Invalid($"the shape input has type {DataTypes.Name(c.DataType)}; expected int32"))
                : n.AddTemp("shape_int64", new CastOp { To = DataType.Int64 }, n.Input(1));
        }
        else
        {
            var o = n.Options(TfLiteOptions.Reshape);
            var newShape = o?.Ints(ReshapeNewShape, "new_shape", Shape.MaxRank) ?? n.OutputTensor(0).Shape;
            shape = n.Int64s("shape", Longs(newShape));
        }
        n.Add(new ReshapeOp { AllowZero = true }, [n.Input(0), shape], n.Output(0));
    }

    private static void ImportSqueeze(TfLiteNode n)
    {
        n.ExpectArity(1, 1, 1);
        var dims = n.Options(TfLiteOptions.Squeeze)?.Ints(SqueezeDims, "squeeze_dims", Shape.MaxRank);
        var inputs = new List<Value?> { n.Input(0) };
        if (dims is { Length: > 0 }) inputs.Add(n.Int64s("axes", Longs(dims)));
        n.Add(new SqueezeOp(), inputs, n.Output(0));
    }

    private static void ImportConcatenation(TfLiteNode n)
    {
        if (n.InputCount < 1) throw n.Invalid("has no inputs");
        n.ExpectArity(1, n.InputCount, 1);
        var o = n.Options(TfLiteOptions.Concatenation);
        int axis = o?.I32(ConcatAxis, "axis") ?? 0;
        var activation = n.Activation(o, ConcatActivation);
        var inputs = new Value?[n.InputCount];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = n.Input(i);
        if (n.OutputType(0) is DataType.UInt8 or DataType.Int8)
        {
            // The IR's Concat copies bytes: inputs quantized otherwise than the output are requantized first (as TFLite does).
            var q = RequireOutputQuant(n);
            for (int i = 0; i < inputs.Length; i++) inputs[i] = Requantized(n, i, q, n.OutputType(0));
            if (activation != TfLiteActivation.None)
            {
                var joined = n.AddTemp("concat", new ConcatOp { Axis = axis }, inputs);
                AddQuantizedClamp(n, joined, activation, n.Output(0));
                return;
            }
        }
        n.AddWithActivation(new ConcatOp { Axis = axis }, inputs, activation);
    }

    private static bool SameQuant(QuantParams? a, QuantParams? b) =>
        a is not null && b is not null && a.Axis == b.Axis && a.Scales.SequenceEqual(b.Scales) && a.ZeroPoints.SequenceEqual(b.ZeroPoints);

    /// <summary>
    /// PAD / PADV2: paddings [rank, 2] (constant) become ONNX pads (all begins, then all ends). PAD fills with 0, which
    /// for a quantized tensor is its zero point; PADV2 fills with its constant_values input.
    /// </summary>
    private static void ImportPad(TfLiteNode n, bool v2)
    {
        n.ExpectArity(2, v2 ? 3 : 2, 1);
        var x = n.InputTensor(0);
        var paddings = n.ConstantInts(1, "paddings");
        int rank = x.Shape.Length;
        if (paddings.Length != 2 * rank) throw n.Invalid($"paddings has {paddings.Length} values; expected {2 * rank} ([{rank}, 2] for the rank-{rank} input)");
        var pads = new long[2 * rank];
        for (int d = 0; d < rank; d++)
        {
            pads[d] = paddings[2 * d];
            pads[d + rank] = paddings[2 * d + 1];
            if (pads[d] < 0 || pads[d + rank] < 0) throw n.Invalid($"paddings of axis {d} are {pads[d]}, {pads[d + rank]}; TFLite pads are non-negative");
        }
        var inputs = new List<Value?> { n.Input(0), n.Int64s("pads", pads) };
        if (v2 && n.HasInput(2)) inputs.Add(n.Input(2));
        else if (n.InputQuant(0) is { } q)
        {
            var type = n.InputType(0);
            var zero = type == DataType.UInt8
                ? Tensor.FromArray(Shape.Scalar, new[] { (byte)q.ZeroPoints[0] })
                : Tensor.FromArray(Shape.Scalar, new[] { (sbyte)q.ZeroPoints[0] });
            inputs.Add(n.AddConstant("zero_point", zero));
        }
        n.Add(new PadOp(), inputs, n.Output(0));
    }

    /// <summary>
    /// RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR over the H and W axes of NHWC data (Resize with axes [1, 2], sizes and
    /// <see cref="ResizeOp.TfLiteArithmetic"/>). TFLite's rules are ONNX's modes computed in float: bilinear asymmetric
    /// (default), align_corners or half_pixel; nearest floor(x·in/out) (asymmetric, floor), align_corners with rounding
    /// half away from zero (align_corners, round_prefer_ceil), or floor((x + ½)·in/out) (tf_half_pixel_for_nn, floor).
    /// uint8/int8 bilinear follows XNNPACK's arithmetic unless <see cref="TfLiteImportOptions.XnnpackResizeBilinear"/> is off.
    /// </summary>
    private static void ImportResize(TfLiteNode n, bool bilinear)
    {
        n.ExpectArity(2, 2, 1);
        ExpectRank(n, n.InputTensor(0), 4, "the input");
        var o = n.Options(bilinear ? TfLiteOptions.ResizeBilinear : TfLiteOptions.ResizeNearestNeighbor);
        bool align = o?.Bool(bilinear ? BilinearAlignCorners : NearestAlignCorners, "align_corners") ?? false;
        bool half = o?.Bool(bilinear ? BilinearHalfPixel : NearestHalfPixel, "half_pixel_centers") ?? false;
        if (align && half)
        {
            if (bilinear) throw n.Invalid("sets both align_corners and half_pixel_centers; TFLite's bilinear resize allows at most one");
            throw n.Unsupported("nearest-neighbour resizing with both align_corners and half_pixel_centers");
        }
        Value sizes;
        if (n.Constant(1) is not null)
        {
            var s = n.ConstantInts(1, "size");
            if (s.Length != 2) throw n.Invalid($"size has {s.Length} values; expected 2 (height, width)");
            if (s[0] < 1 || s[1] < 1) throw n.Invalid($"size [{s[0]}, {s[1]}] must be positive");
            sizes = n.Int64s("sizes", s);
        }
        else sizes = n.AddTemp("sizes_int64", new CastOp { To = DataType.Int64 }, n.Input(1));
        // TfLiteArithmetic: TFLite's float scales and coordinates, its nearest rounding and its uint8/int8 bilinear
        // rounding; the coordinate mode carries TFLite's flag. The ONNX nearest mode given is the equivalent rule.
        var op = new ResizeOp
        {
            Mode = bilinear ? ResizeMode.Linear : ResizeMode.Nearest,
            CoordinateMode = align ? ResizeCoordinateMode.AlignCorners : half ? ResizeCoordinateMode.HalfPixel : ResizeCoordinateMode.Asymmetric,
            NearestMode = align ? ResizeNearestMode.RoundPreferCeil : ResizeNearestMode.Floor,
            Axes = [1, 2],
            TfLiteArithmetic = true,
            TfLiteXnnpack = bilinear && n.ImportOptions.XnnpackResizeBilinear,
        };
        n.Add(op, [n.Input(0), null, null, sizes], n.Output(0));
    }

    /// <summary>
    /// STRIDED_SLICE with constant begin/end/strides: TensorFlow's mask rules (begin/end masks, ellipsis, new axes,
    /// shrink axes, offset) resolved here into one Slice over the input's dims, then a Reshape that drops the shrunk
    /// dims and inserts the new ones.
    /// </summary>
    private static void ImportStridedSlice(TfLiteNode n)
    {
        n.ExpectArity(4, 4, 1);
        var o = n.Options(TfLiteOptions.StridedSlice);
        int beginMask = o?.I32(SliceBeginMask, "begin_mask") ?? 0, endMask = o?.I32(SliceEndMask, "end_mask") ?? 0;
        int ellipsisMask = o?.I32(SliceEllipsisMask, "ellipsis_mask") ?? 0, newAxisMask = o?.I32(SliceNewAxisMask, "new_axis_mask") ?? 0;
        int shrinkMask = o?.I32(SliceShrinkMask, "shrink_axis_mask") ?? 0;
        bool offset = o?.Bool(SliceOffset, "offset") ?? false;
        var begin = n.ConstantInts(1, "begin");
        var end = n.ConstantInts(2, "end");
        var strides = n.ConstantInts(3, "strides");
        int sparse = begin.Length;
        if (end.Length != sparse || strides.Length != sparse)
            throw n.Invalid($"begin, end and strides have {begin.Length}, {end.Length} and {strides.Length} values; they must match");
        if (sparse > 32) throw n.Invalid($"has {sparse} slice entries; masks cover at most 32");
        if ((ellipsisMask & (ellipsisMask - 1)) != 0) throw n.Invalid($"ellipsis_mask {ellipsisMask} marks more than one ellipsis");
        int[] inDims = n.InputTensor(0).Shape;
        int rank = inDims.Length;

        // Dense spec: one entry per input dim (plus the new axes, which consume none).
        int newAxesAfterEllipsis = 0, realEntries = 0;
        bool seenEllipsis = false;
        for (int i = 0; i < sparse; i++)
        {
            if ((ellipsisMask >> i & 1) != 0) { seenEllipsis = true; continue; }
            if ((newAxisMask >> i & 1) != 0) { if (seenEllipsis) newAxesAfterEllipsis++; continue; }
            realEntries++;
        }
        if (realEntries > rank) throw n.Invalid($"slices {realEntries} dims of a rank-{rank} input");
        var starts = new long[rank];
        var ends = new long[rank];
        var steps = new long[rank];
        var outDims = new List<long>();
        int dim = 0;
        for (int i = 0; i <= sparse && dim <= rank; i++)
        {
            bool isEllipsis = i < sparse && (ellipsisMask >> i & 1) != 0;
            if (i == sparse || isEllipsis)
            {
                // The ellipsis (or the implicit one at the end) covers the dims no entry names.
                int remaining = i == sparse ? rank - dim : rank - dim - CountReal(i + 1);
                for (int k = 0; k < remaining; k++, dim++)
                {
                    starts[dim] = 0; ends[dim] = inDims[dim]; steps[dim] = 1;
                    outDims.Add(inDims[dim]);
                }
                if (i == sparse) break;
                continue;
            }
            if ((newAxisMask >> i & 1) != 0) { outDims.Add(1); continue; }
            if (dim >= rank) throw n.Invalid($"slice entry {i} is beyond the input's rank {rank}");
            long size = inDims[dim], s = strides[i];
            if (s == 0) throw n.Invalid($"stride {i} is 0");
            long b = begin[i], e = offset ? begin[i] + end[i] : end[i];
            if ((shrinkMask >> i & 1) != 0)
            {
                long idx = b < 0 ? b + size : b;
                if (idx < 0 || idx >= size) throw n.Invalid($"shrinks dim {dim} of size {size} at index {b}, which is out of range");
                starts[dim] = idx; ends[dim] = idx + 1; steps[dim] = 1;
                dim++;
                continue;
            }
            // TensorFlow's canonical bounds: masked ends take the whole range in the stride's direction; given ones
            // wrap once and clamp to [0, size] (positive stride) or [−1, size − 1] (negative stride).
            long lo = s > 0 ? 0 : -1, hi = s > 0 ? size : size - 1;
            b = (beginMask >> i & 1) != 0 ? (s > 0 ? lo : hi) : Math.Clamp(b < 0 ? b + size : b, lo, hi);
            e = (endMask >> i & 1) != 0 ? (s > 0 ? hi : lo) : Math.Clamp(e < 0 ? e + size : e, lo, hi);
            long count = s > 0 ? Math.Max(0, (e - b + s - 1) / s) : Math.Max(0, (b - e + (-s) - 1) / -s);
            if (count == 0) { b = 0; e = 0; s = 1; }
            starts[dim] = b;
            // ONNX reads a negative end as counting from the back; "before index 0" is spelled INT64_MIN.
            ends[dim] = e < 0 ? long.MinValue : e;
            steps[dim] = s;
            outDims.Add(count);
            dim++;
        }
        if (dim != rank) throw n.Invalid($"covers {dim} of the input's {rank} dims");

        int CountReal(int from)
        {
            int c = 0;
            for (int k = from; k < sparse; k++)
                if ((ellipsisMask >> k & 1) == 0 && (newAxisMask >> k & 1) == 0) c++;
            return c;
        }

        var axes = new long[rank];
        for (int d = 0; d < rank; d++) axes[d] = d;
        var sliced = n.AddTemp("slice", new SliceOp(), n.Input(0), n.Int64s("starts", starts), n.Int64s("ends", ends), n.Int64s("axes", axes), n.Int64s("steps", steps));
        n.Add(new ReshapeOp { AllowZero = true }, [sliced, n.Int64s("shape", outDims.ToArray())], n.Output(0));
    }

    /// <summary>SLICE: constant begin and size (−1: to the end).</summary>
    private static void ImportSlice(TfLiteNode n)
    {
        n.ExpectArity(3, 3, 1);
        var begin = n.ConstantInts(1, "begin");
        var size = n.ConstantInts(2, "size");
        int[] dims = n.InputTensor(0).Shape;
        if (begin.Length != dims.Length || size.Length != dims.Length)
            throw n.Invalid($"begin and size have {begin.Length} and {size.Length} values; the input has rank {dims.Length}");
        var ends = new long[dims.Length];
        for (int d = 0; d < dims.Length; d++)
        {
            if (begin[d] < 0 || begin[d] > dims[d]) throw n.Invalid($"begin {begin[d]} is outside dim {d} of size {dims[d]}");
            ends[d] = size[d] == -1 ? dims[d] : begin[d] + size[d];
            if (size[d] < -1 || ends[d] > dims[d]) throw n.Invalid($"size {size[d]} from {begin[d]} does not fit dim {d} of size {dims[d]}");
        }
        n.Add(new SliceOp(), [n.Input(0), n.Int64s("starts", begin), n.Int64s("ends", ends)], n.Output(0));
    }

    /// <summary>SPLIT: inputs axis (constant), data; num_splits equal pieces.</summary>
    private static void ImportSplit(TfLiteNode n)
    {
        n.ExpectArity(2, 2, n.OutputCount);
        var axis = n.ConstantInts(0, "axis");
        if (axis.Length != 1) throw n.Invalid($"axis has {axis.Length} values; expected one");
        int num = n.Options(TfLiteOptions.Split)?.I32(SplitNum, "num_splits") ?? 0;
        if (num != n.OutputCount) throw n.Invalid($"num_splits is {num} but the operator has {n.OutputCount} outputs");
        var outputs = new string[n.OutputCount];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = n.Output(i);
        n.Add(new SplitOp { Axis = checked((int)axis[0]), RequireEvenSplit = true }, [n.Input(1)], outputs);
    }

    /// <summary>SPLIT_V: inputs data, size_splits (constant; one −1 takes the rest), axis (constant).</summary>
    private static void ImportSplitV(TfLiteNode n)
    {
        n.ExpectArity(3, 3, n.OutputCount);
        var sizes = n.ConstantInts(1, "size_splits");
        var axis = n.ConstantInts(2, "axis");
        if (axis.Length != 1) throw n.Invalid($"axis has {axis.Length} values; expected one");
        if (sizes.Length != n.OutputCount) throw n.Invalid($"size_splits has {sizes.Length} values but the operator has {n.OutputCount} outputs");
        int[] dims = n.InputTensor(0).Shape;
        int a = checked((int)axis[0]);
        if (a < -dims.Length || a >= dims.Length) throw n.Invalid($"axis {a} is out of range for rank {dims.Length}");
        long total = dims[a < 0 ? a + dims.Length : a], known = 0;
        int unknown = -1;
        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] == -1 && unknown < 0) unknown = i;
            else if (sizes[i] < 0) throw n.Invalid($"size_splits [{string.Join(",", sizes)}] has a negative size other than one −1");
            else known += sizes[i];
        }
        if (unknown >= 0) sizes[unknown] = total - known;
        var outputs = new string[n.OutputCount];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = n.Output(i);
        n.Add(new SplitOp { Axis = a }, [n.Input(0), n.Int64s("split", sizes)], outputs);
    }

    /// <summary>
    /// MEAN, SUM, REDUCE_MAX: constant axes (duplicates allowed in TFLite, removed here), keep_dims. A float MEAN over
    /// H and W of NHWC data is the channels-last GlobalAveragePool.
    /// </summary>
    private static void ImportReduce(TfLiteNode n, ReduceOp op, bool mean)
    {
        n.ExpectArity(2, 2, 1);
        bool keepDims = n.Options(TfLiteOptions.Reducer)?.Bool(ReducerKeepDims, "keep_dims") ?? false;
        int rank = n.InputTensor(0).Shape.Length;
        var axes = new SortedSet<long>();
        foreach (long a in n.ConstantInts(1, "axis"))
        {
            if (a < -rank || a >= rank) throw n.Invalid($"axis {a} is out of range for rank {rank}");
            axes.Add(a < 0 ? a + rank : a);
        }
        if (IsQuantized(n, 0))
        {
            AddQuantizedReduce(n, op, axes, keepDims, mean);
            return;
        }
        if (mean && rank == 4 && axes.SetEquals([1, 2]))
        {
            if (keepDims)
            {
                n.Add(new GlobalAveragePoolOp { Layout = ChannelLayout.ChannelsLast }, [n.Input(0)], n.Output(0));
                return;
            }
            var pooled = n.AddTemp("pooled", new GlobalAveragePoolOp { Layout = ChannelLayout.ChannelsLast }, n.Input(0));
            n.Add(new SqueezeOp(), [pooled, n.Int64s("axes", 1, 2)], n.Output(0));
            return;
        }
        var reduce = op switch
        {
            ReduceMeanOp => (ReduceOp)new ReduceMeanOp { KeepDims = keepDims, NoopWithEmptyAxes = true },
            ReduceSumOp => new ReduceSumOp { KeepDims = keepDims, NoopWithEmptyAxes = true },
            _ => new ReduceMaxOp { KeepDims = keepDims, NoopWithEmptyAxes = true },
        };
        n.Add(reduce, [n.Input(0), n.Int64s("axes", axes.ToArray())], n.Output(0));
    }

    /// <summary>
    /// Quantized MEAN as TFLite's EvalMean chooses its arithmetic: over H and W of 4-D data with keep_dims, the Mean4D
    /// requantization of QLinearGlobalAveragePool (channels-last); over any other axes (or without keep_dims),
    /// QLinearMean. Quantized SUM and REDUCE_MAX are not supported.
    /// </summary>
    private static void AddQuantizedReduce(TfLiteNode n, ReduceOp op, SortedSet<long> axes, bool keepDims, bool mean)
    {
        if (!mean) throw n.Unsupported($"quantized {n.Code.Name} (only MEAN has a quantized form)");
        RequireInputQuant(n, 0);
        // The axes as written: TFLite picks its kernel from them (see QLinearMeanOp.IsMean4D).
        var mean4D = new QLinearMeanOp { Axes = n.ConstantInts(1, "axis").Select(a => (int)a).ToArray(), KeepDims = keepDims };
        if (mean4D.IsMean4D(n.InputTensor(0).Shape.Length))
        {
            n.Add(new QLinearGlobalAveragePoolOp
            {
                Layout = ChannelLayout.ChannelsLast,
                OutputQuant = RequireOutputQuant(n),
                OutputType = n.OutputType(0),
                Requantize = RequantizeMode.TfLiteFixedPoint,
            }, [n.Input(0)], n.Output(0));
            return;
        }
        n.Add(new QLinearMeanOp
        {
            Axes = mean4D.Axes,
            KeepDims = keepDims,
            OutputQuant = RequireOutputQuant(n),
            OutputType = n.OutputType(0),
        }, [n.Input(0)], n.Output(0));
    }
}
