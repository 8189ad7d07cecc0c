namespace Depthwise.Conformance.TfLiteSynthetic;

internal static partial class SyntheticModels
{
    private static IEnumerable<SyntheticModel> TensorModels()
    {
        // tfjs-tflite's XNNPACK delegate takes a uint8 CONCATENATION whose inputs are quantized otherwise than its output
        // and copies the bytes without rescaling (its profile shows "Copy (NC, X8)"); LiteRT.js leaves it to TFLite's
        // builtin kernel, which rescales. That is the reference (LiteRT.js reads uint8 but not int8 tensors).
        yield return Model("u8_concat_rescale", "uint8 CONCATENATION on axis 3 of inputs quantized differently from the output and each other (reference: LiteRT.js)",
            (w, d) =>
            {
                int a = w.Input("a", TflType.UInt8, [2, 4, 5, 3], d.Activation(-1, 3, TflType.UInt8));
                int b = w.Input("b", TflType.UInt8, [2, 4, 5, 2], d.Activation(-2.5, 2, TflType.UInt8));
                w.Operator(TflOp.CONCATENATION, [a, b], [w.Output("concat_axis3", TflType.UInt8, [2, 4, 5, 5], d.Activation(-2.5, 3, TflType.UInt8))], TflOptions.Concatenation(3));
            }, "--runtime litert");
        foreach (var type in new[] { TflType.UInt8, TflType.Int8, TflType.Float32 })
        {
            string t = Short(type);
            yield return Model($"{t}_resize", $"{Long(type)} RESIZE_BILINEAR (default 5×7→3×4, align_corners →9×13, half_pixel_centers →10×14) and RESIZE_NEAREST_NEIGHBOR (default →8×11, align_corners →9×13, half_pixel_centers →10×14) on [1,5,7,3]",
                (w, d) =>
                {
                    var q = type == TflType.Float32 ? null : d.Activation(-1, 2, type);
                    int x = w.Input("x", type, [1, 5, 7, 3], q);
                    int version = type == TflType.Int8 ? 2 : 1;
                    void Resize(TflOp op, string name, int h, int wd, bool align, bool half)
                    {
                        int size = w.Constant(name + "_size", [2], new[] { h, wd });
                        var options = op == TflOp.RESIZE_BILINEAR ? TflOptions.ResizeBilinear(align, half) : TflOptions.ResizeNearestNeighbor(align, half);
                        w.Operator(op, [x, size], [w.Output(name, type, [1, h, wd, 3], q)], options, half ? 3 : version);
                    }
                    Resize(TflOp.RESIZE_BILINEAR, "bilinear_down", 3, 4, false, false);
                    Resize(TflOp.RESIZE_BILINEAR, "bilinear_align_corners", 9, 13, true, false);
                    Resize(TflOp.RESIZE_BILINEAR, "bilinear_half_pixel", 10, 14, false, true);
                    Resize(TflOp.RESIZE_NEAREST_NEIGHBOR, "nearest", 8, 11, false, false);
                    Resize(TflOp.RESIZE_NEAREST_NEIGHBOR, "nearest_align_corners", 9, 13, true, false);
                    Resize(TflOp.RESIZE_NEAREST_NEIGHBOR, "nearest_half_pixel", 10, 14, false, true);
                });
        }
        yield return Model("pad", "PAD (uint8, int8: the zero point fills) and PADV2 (uint8, int8, float: a constant value) with uneven paddings on [1,4,5,3]",
            (w, d) =>
            {
                int[] shape = [1, 4, 5, 3];
                int paddings = w.Constant("paddings", [4, 2], new[] { 0, 0, 1, 2, 2, 1, 0, 0 });
                int channelPaddings = w.Constant("channel_paddings", [4, 2], new[] { 0, 1, 0, 0, 1, 1, 2, 1 });
                foreach (var type in new[] { TflType.UInt8, TflType.Int8 })
                {
                    string t = Short(type);
                    var q = d.Activation(-1.5, 2, type);
                    int x = w.Input("x_" + t, type, shape, q);
                    int version = type == TflType.Int8 ? 2 : 1;
                    w.Operator(TflOp.PAD, [x, paddings], [w.Output("pad_" + t, type, [1, 7, 8, 3], q)], TflOptions.Pad(), version);
                    int value = type == TflType.UInt8 ? w.Constant("value_u8", [], new byte[] { 200 }, q) : w.Constant("value_i8", [], new sbyte[] { -100 }, q);
                    w.Operator(TflOp.PADV2, [x, channelPaddings, value], [w.Output("padv2_" + t, type, [2, 4, 7, 6], q)], TflOptions.PadV2(), version);
                }
                int xf = w.Input("x_f32", TflType.Float32, shape);
                int vf = w.Constant("value_f32", [], new[] { 0.5f });
                w.Operator(TflOp.PADV2, [xf, channelPaddings, vf], [w.Output("padv2_f32", TflType.Float32, [2, 4, 7, 6])], TflOptions.PadV2());
            });
        yield return Model("u8_strided_slice", "uint8 STRIDED_SLICE on [2,7,5,3]: stride 2, negative strides, shrink_axis_mask, begin/end masks",
            (w, d) =>
            {
                var q = d.Activation(-1, 1, TflType.UInt8);
                int x = w.Input("x", TflType.UInt8, [2, 7, 5, 3], q);
                void Slice(string name, int[] begin, int[] end, int[] strides, int[] outShape, TflOptions options)
                {
                    int b = w.Constant(name + "_begin", [begin.Length], begin);
                    int e = w.Constant(name + "_end", [end.Length], end);
                    int s = w.Constant(name + "_strides", [strides.Length], strides);
                    w.Operator(TflOp.STRIDED_SLICE, [x, b, e, s], [w.Output(name, TflType.UInt8, outShape, q)], options);
                }
                Slice("stride2", [0, 1, 0, 0], [2, 7, 5, 3], [1, 2, 2, 1], [2, 3, 3, 3], TflOptions.StridedSlice());
                Slice("negative_strides", [1, 6, -1, 2], [0, 0, 0, 0], [-1, -2, -2, -1], [2, 3, 2, 2], TflOptions.StridedSlice(endMask: 0b0001));
                Slice("shrink", [1, 0, 0, 1], [2, 7, 5, 2], [1, 1, 1, 1], [7, 5], TflOptions.StridedSlice(shrinkAxisMask: 0b1001));
                Slice("masks", [1, 2, 1, 1], [0, 5, 0, 3], [1, 1, 1, 1], [2, 3, 4, 2], TflOptions.StridedSlice(beginMask: 0b0001, endMask: 0b0101));
            });
        yield return Model("u8_strided_slice_ellipsis", "uint8 STRIDED_SLICE with ellipsis_mask and new_axis_mask on [2,7,5,3]",
            (w, d) =>
            {
                var q = d.Activation(-1, 1, TflType.UInt8);
                int x = w.Input("x", TflType.UInt8, [2, 7, 5, 3], q);
                int b = w.Constant("ellipsis_begin", [2], new[] { 0, 1 });
                int e = w.Constant("ellipsis_end", [2], new[] { 0, 3 });
                int s = w.Constant("ellipsis_strides", [2], new[] { 1, 1 });
                w.Operator(TflOp.STRIDED_SLICE, [x, b, e, s], [w.Output("ellipsis", TflType.UInt8, [2, 7, 5, 2], q)], TflOptions.StridedSlice(ellipsisMask: 0b01), 1);
                int b2 = w.Constant("new_axis_begin", [5], new[] { 0, 0, 1, 0, 0 });
                int e2 = w.Constant("new_axis_end", [5], new[] { 2, 0, 6, 5, 3 });
                int s2 = w.Constant("new_axis_strides", [5], new[] { 1, 1, 2, 1, 1 });
                w.Operator(TflOp.STRIDED_SLICE, [x, b2, e2, s2], [w.Output("new_axis", TflType.UInt8, [2, 1, 3, 5, 3], q)], TflOptions.StridedSlice(newAxisMask: 0b00010), 1);
            });
        yield return Model("i8_split_concat", "int8 SPLIT of [2,7,6,3] into 3 along axis 2; int8 CONCATENATION on axis 1 (TFLite requires its inputs quantized as the output for int8)",
            (w, d) =>
            {
                var q = d.Activation(-1, 1, TflType.Int8);
                int axis = w.Constant("axis", [], new[] { 2 });
                int x = w.Input("x", TflType.Int8, [2, 7, 6, 3], q);
                int[] outs = [.. Enumerable.Range(0, 3).Select(i => w.Output($"split_{i}", TflType.Int8, [2, 7, 2, 3], q))];
                w.Operator(TflOp.SPLIT, [axis, x], outs, TflOptions.Split(3), 2);
                var qc = d.Activation(-2, 2, TflType.Int8);
                int c = w.Input("c", TflType.Int8, [2, 2, 5, 3], qc);
                int e = w.Input("d", TflType.Int8, [2, 3, 5, 3], qc);
                w.Operator(TflOp.CONCATENATION, [c, e], [w.Output("concat_axis1", TflType.Int8, [2, 5, 5, 3], qc)], TflOptions.Concatenation(1), 2);
            });
        yield return Model("u8_transpose", "uint8 TRANSPOSE of [2,7,5,3] by [0,3,1,2] and [2,0,3,1]",
            (w, d) =>
            {
                var q = d.Activation(-1, 1, TflType.UInt8);
                int x = w.Input("x", TflType.UInt8, [2, 7, 5, 3], q);
                int p1 = w.Constant("perm_0312", [4], new[] { 0, 3, 1, 2 });
                int p2 = w.Constant("perm_2031", [4], new[] { 2, 0, 3, 1 });
                w.Operator(TflOp.TRANSPOSE, [x, p1], [w.Output("transpose_0312", TflType.UInt8, [2, 3, 7, 5], q)], TflOptions.Transpose());
                w.Operator(TflOp.TRANSPOSE, [x, p2], [w.Output("transpose_2031", TflType.UInt8, [5, 2, 3, 7], q)], TflOptions.Transpose());
            });
        yield return Model("u8_arg_max", "uint8 ARG_MAX (int32 indices) over axis 3 and axis 1 of [2,7,5,3], inputs 0..3 so that ties are common",
            (w, d) =>
            {
                int x = w.Input("x", TflType.UInt8, [2, 7, 5, 3], d.Activation(-1, 1, TflType.UInt8));
                int a3 = w.Constant("axis_3", [1], new[] { 3 });
                int a1 = w.Constant("axis_1", [1], new[] { 1 });
                w.Operator(TflOp.ARG_MAX, [x, a3], [w.Output("arg_max_axis3", TflType.Int32, [2, 7, 5])], TflOptions.ArgMax(TflType.Int32), 2);
                w.Operator(TflOp.ARG_MAX, [x, a1], [w.Output("arg_max_axis1", TflType.Int32, [2, 5, 3])], TflOptions.ArgMax(TflType.Int32), 2);
            }, "--range 0,4");
        yield return Model("q_pool", "int8 AVERAGE_POOL_2D 3×3 stride 2 SAME, MAX_POOL_2D 2×2 stride 2 SAME (fused RELU), MEAN over H,W (keep_dims, rescaled); uint8 AVERAGE_POOL_2D 2×3 VALID (fused RELU6)",
            (w, d) =>
            {
                int[] shape = [2, 7, 5, 3];
                var qi = d.Activation(-2, 2, TflType.Int8);
                int x = w.Input("x_i8", TflType.Int8, shape, qi);
                w.Operator(TflOp.AVERAGE_POOL_2D, [x], [w.Output("avg_pool_same_s2", TflType.Int8, [2, 4, 3, 3], qi)], TflOptions.Pool2D(TflPadding.Same, 2, 2, 3, 3), 2);
                w.Operator(TflOp.MAX_POOL_2D, [x], [w.Output("max_pool_same_s2_relu", TflType.Int8, [2, 4, 3, 3], qi)], TflOptions.Pool2D(TflPadding.Same, 2, 2, 2, 2, TflActivation.Relu), 2);
                int axes = w.Constant("axes_hw", [2], new[] { 1, 2 });
                w.Operator(TflOp.MEAN, [x, axes], [w.Output("mean_hw_keep", TflType.Int8, [2, 1, 1, 3], d.Activation(-0.5, 0.5, TflType.Int8))], TflOptions.Reducer(true), 2);
                var qu = d.Activation(-3, 5, TflType.UInt8);
                int xu = w.Input("x_u8", TflType.UInt8, shape, qu);
                w.Operator(TflOp.AVERAGE_POOL_2D, [xu], [w.Output("avg_pool_valid_relu6", TflType.UInt8, [2, 6, 3, 3], qu)], TflOptions.Pool2D(TflPadding.Valid, 1, 1, 3, 2, TflActivation.Relu6));
            });
        yield return Model("q_mean_axes", "uint8 MEAN over the channels (keep_dims) and int8 MEAN over W, of [2,7,5,3]",
            (w, d) =>
            {
                int[] shape = [2, 7, 5, 3];
                int xu = w.Input("x_u8", TflType.UInt8, shape, d.Activation(-2, 2, TflType.UInt8));
                int a3 = w.Constant("axis_3", [1], new[] { 3 });
                w.Operator(TflOp.MEAN, [xu, a3], [w.Output("mean_c_keep_u8", TflType.UInt8, [2, 7, 5, 1], d.Activation(-1, 1.5, TflType.UInt8))], TflOptions.Reducer(true));
                int xi = w.Input("x_i8", TflType.Int8, shape, d.Activation(-2, 2, TflType.Int8));
                int a2 = w.Constant("axis_2", [1], new[] { 2 });
                w.Operator(TflOp.MEAN, [xi, a2], [w.Output("mean_w_i8", TflType.Int8, [2, 7, 3], d.Activation(-1.5, 1, TflType.Int8))], TflOptions.Reducer(false), 2);
            });
        yield return Model("f32_mean", "float MEAN over the channels, over H (keep_dims) and over H,W of [2,7,5,3]",
            (w, d) =>
            {
                int x = w.Input("x", TflType.Float32, [2, 7, 5, 3]);
                int a3 = w.Constant("axis_3", [1], new[] { 3 });
                int a1 = w.Constant("axis_1", [1], new[] { 1 });
                int a12 = w.Constant("axes_12", [2], new[] { 1, 2 });
                w.Operator(TflOp.MEAN, [x, a3], [w.Output("mean_c", TflType.Float32, [2, 7, 5])], TflOptions.Reducer(false));
                w.Operator(TflOp.MEAN, [x, a1], [w.Output("mean_h_keep", TflType.Float32, [2, 1, 5, 3])], TflOptions.Reducer(true));
                w.Operator(TflOp.MEAN, [x, a12], [w.Output("mean_hw", TflType.Float32, [2, 3])], TflOptions.Reducer(false));
            }, "--range -1,1");
    }

    private static string Short(TflType type) => type switch { TflType.UInt8 => "u8", TflType.Int8 => "i8", _ => "f32" };

    private static string Long(TflType type) => type switch { TflType.UInt8 => "uint8", TflType.Int8 => "int8", _ => "float" };
}
