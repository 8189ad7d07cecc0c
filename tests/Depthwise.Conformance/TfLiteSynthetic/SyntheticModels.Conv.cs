namespace Depthwise.Conformance.TfLiteSynthetic;

internal static partial class SyntheticModels
{
    private static IEnumerable<SyntheticModel> ConvModels()
    {
        yield return Model("i8_conv", "int8 CONV_2D, per-channel weights: 3×3 stride 2 SAME fused RELU6 (3→4 channels); 2×3 dilation 2×1 VALID (3→5) on [2,7,5,3]",
            (w, d) =>
            {
                var qx = d.Activation(-1, 1, TflType.Int8);
                int x = w.Input("x", TflType.Int8, [2, 7, 5, 3], qx);
                Conv(w, d, TflType.Int8, "conv_s2_same_relu6", x, qx, [4, 3, 3, 3], depthwise: false,
                    TflOptions.Conv2D(TflPadding.Same, 2, 2, TflActivation.Relu6), [2, 4, 3, 4], d.Activation(0, 4, TflType.Int8));
                Conv(w, d, TflType.Int8, "conv_valid_dilated", x, qx, [5, 2, 3, 3], depthwise: false,
                    TflOptions.Conv2D(TflPadding.Valid, 1, 1, dilationW: 1, dilationH: 2), [2, 5, 3, 5], d.Activation(-2.5, 2.5, TflType.Int8));
            });
        yield return Model("i8_depthwise", "int8 DEPTHWISE_CONV_2D, per-channel weights: 3×3 depth_multiplier 2 SAME (3→6 channels); 3×3 stride 2 VALID fused RELU, on [2,7,5,3]",
            (w, d) =>
            {
                var qx = d.Activation(-1, 1, TflType.Int8);
                int x = w.Input("x", TflType.Int8, [2, 7, 5, 3], qx);
                Conv(w, d, TflType.Int8, "dw_m2_same", x, qx, [1, 3, 3, 6], depthwise: true,
                    TflOptions.DepthwiseConv2D(TflPadding.Same, 1, 1, 2), [2, 7, 5, 6], d.Activation(-1.5, 1.5, TflType.Int8));
                Conv(w, d, TflType.Int8, "dw_s2_valid_relu", x, qx, [1, 3, 3, 3], depthwise: true,
                    TflOptions.DepthwiseConv2D(TflPadding.Valid, 2, 2, 1, TflActivation.Relu), [2, 3, 2, 3], d.Activation(0, 1.5, TflType.Int8));
            });
        yield return Model("u8_conv", "uint8 CONV_2D 3×3 stride 2 SAME (3→4 channels) and DEPTHWISE_CONV_2D 3×3 depth_multiplier 2 stride 2 SAME fused RELU6, per-tensor weights, on [2,7,5,3]",
            (w, d) =>
            {
                var qx = d.Activation(-1, 1, TflType.UInt8);
                int x = w.Input("x", TflType.UInt8, [2, 7, 5, 3], qx);
                Conv(w, d, TflType.UInt8, "conv_s2_same", x, qx, [4, 3, 3, 3], depthwise: false,
                    TflOptions.Conv2D(TflPadding.Same, 2, 2), [2, 4, 3, 4], d.Activation(-2.5, 2.5, TflType.UInt8));
                Conv(w, d, TflType.UInt8, "dw_m2_s2_same_relu6", x, qx, [1, 3, 3, 6], depthwise: true,
                    TflOptions.DepthwiseConv2D(TflPadding.Same, 2, 2, 2, TflActivation.Relu6), [2, 4, 3, 6], d.Activation(0, 1.5, TflType.UInt8));
            });
        yield return Model("q_fully_connected", "int8 FULLY_CONNECTED on [1,4,6] with keep_num_dims (→[1,4,5]) and without (→[4,5]); uint8 FULLY_CONNECTED [3,6]→[3,5] fused RELU",
            (w, d) =>
            {
                var qx = d.Activation(-1, 1, TflType.Int8);
                int x = w.Input("x_i8", TflType.Int8, [1, 4, 6], qx);
                var (wv, wq) = SyntheticData.SymmetricInt8(d.Floats(30, -0.5, 0.5), [5, 6], axis: null);
                int weights = w.Constant("weights_i8", [5, 6], wv, wq);
                var (bv, bq) = SyntheticData.Bias(d.Floats(5, -0.3, 0.3), qx.Scales[0], wq);
                int bias = w.Constant("bias_i8", [5], bv, bq);
                w.Operator(TflOp.FULLY_CONNECTED, [x, weights, bias], [w.Output("fc_keep_num_dims_i8", TflType.Int8, [1, 4, 5], d.Activation(-2, 2, TflType.Int8))], TflOptions.FullyConnected(keepNumDims: true), 5);
                w.Operator(TflOp.FULLY_CONNECTED, [x, weights, bias], [w.Output("fc_i8", TflType.Int8, [4, 5], d.Activation(-1.5, 2, TflType.Int8))], TflOptions.FullyConnected(), 4);
                var qu = d.Activation(-1, 2, TflType.UInt8);
                int xu = w.Input("x_u8", TflType.UInt8, [3, 6], qu);
                var (uv, uq) = SyntheticData.AsymmetricUInt8(d.Floats(30, -0.5, 0.4));
                int weightsU = w.Constant("weights_u8", [5, 6], uv, uq);
                var (ubv, ubq) = SyntheticData.Bias(d.Floats(5, -0.3, 0.3), qu.Scales[0], uq);
                int biasU = w.Constant("bias_u8", [5], ubv, ubq);
                w.Operator(TflOp.FULLY_CONNECTED, [xu, weightsU, biasU], [w.Output("fc_relu_u8", TflType.UInt8, [3, 5], d.Activation(0, 2, TflType.UInt8))], TflOptions.FullyConnected(TflActivation.Relu));
            });
        yield return Model("hybrid_fully_connected", "dynamic-range FULLY_CONNECTED: float [3,10] input, int8 weights [6,10], float bias, asymmetric_quantize_inputs false and true",
            (w, d) =>
            {
                int x = w.Input("x", TflType.Float32, [3, 10]);
                var (wv, wq) = SyntheticData.SymmetricInt8(d.Floats(60, -0.6, 0.6), [6, 10], axis: null);
                int weights = w.Constant("weights", [6, 10], wv, wq);
                int bias = w.Constant("bias", [6], d.Floats(6, -0.3, 0.3));
                w.Operator(TflOp.FULLY_CONNECTED, [x, weights, bias], [w.Output("hybrid_symmetric", TflType.Float32, [3, 6])], TflOptions.FullyConnected(), 3);
                w.Operator(TflOp.FULLY_CONNECTED, [x, weights, bias], [w.Output("hybrid_asymmetric", TflType.Float32, [3, 6])], TflOptions.FullyConnected(asymmetricQuantizeInputs: true), 9);
            }, "--range -2,1.5");
        yield return Model("f32_transpose_conv", "float TRANSPOSE_CONV 3×3 stride 2: SAME with bias [2,4,3,5]→[2,8,6,2], VALID →[2,9,7,2]",
            (w, d) =>
            {
                int x = w.Input("x", TflType.Float32, [2, 4, 3, 5]);
                int weights = w.Constant("weights", [2, 3, 3, 5], d.Floats(90, -0.5, 0.5));
                int bias = w.Constant("bias", [2], d.Floats(2, -0.3, 0.3));
                int sameShape = w.Constant("same_shape", [4], new[] { 2, 8, 6, 2 });
                int validShape = w.Constant("valid_shape", [4], new[] { 2, 9, 7, 2 });
                w.Operator(TflOp.TRANSPOSE_CONV, [sameShape, weights, x, bias], [w.Output("tconv_same_bias", TflType.Float32, [2, 8, 6, 2])], TflOptions.TransposeConv(TflPadding.Same, 2, 2), 3);
                w.Operator(TflOp.TRANSPOSE_CONV, [validShape, weights, x], [w.Output("tconv_valid", TflType.Float32, [2, 9, 7, 2])], TflOptions.TransposeConv(TflPadding.Valid, 2, 2));
            }, "--range -1,1");
        yield return Model("i8_transpose_conv", "int8 TRANSPOSE_CONV, per-channel weights: 3×3 stride 2 SAME with int32 bias [2,4,3,5]→[2,8,6,2]; 2×3 stride 2×1 VALID without bias →[2,8,5,3]",
            (w, d) =>
            {
                var qx = d.Activation(-1, 1, TflType.Int8);
                int x = w.Input("x", TflType.Int8, [2, 4, 3, 5], qx);
                var (wv, wq) = SyntheticData.SymmetricInt8(d.Floats(90, -0.5, 0.5), [2, 3, 3, 5], axis: 0);
                int weights = w.Constant("weights", [2, 3, 3, 5], wv, wq);
                var (bv, bq) = SyntheticData.Bias(d.Floats(2, -0.3, 0.3), qx.Scales[0], wq);
                int bias = w.Constant("bias", [2], bv, bq);
                int shape = w.Constant("output_shape", [4], new[] { 2, 8, 6, 2 });
                w.Operator(TflOp.TRANSPOSE_CONV, [shape, weights, x, bias], [w.Output("tconv_same_i8", TflType.Int8, [2, 8, 6, 2], d.Activation(-2, 2, TflType.Int8))], TflOptions.TransposeConv(TflPadding.Same, 2, 2), 3);
                var (vv, vq) = SyntheticData.SymmetricInt8(d.Floats(90, -0.5, 0.5), [3, 2, 3, 5], axis: 0);
                int validWeights = w.Constant("valid_weights", [3, 2, 3, 5], vv, vq);
                int validShape = w.Constant("valid_output_shape", [4], new[] { 2, 8, 5, 3 });
                w.Operator(TflOp.TRANSPOSE_CONV, [validShape, validWeights, x], [w.Output("tconv_valid_i8", TflType.Int8, [2, 8, 5, 3], d.Activation(-2.5, 2.5, TflType.Int8))], TflOptions.TransposeConv(TflPadding.Valid, 1, 2), 3);
            });
        yield return Model("u8_transpose_conv", "uint8 TRANSPOSE_CONV 3×3 stride 2 SAME, per-tensor weights, int32 bias: [1,5,4,3]→[1,10,8,4] and →[1,9,7,4] (odd output size)",
            (w, d) =>
            {
                var qx = d.Activation(-1, 2, TflType.UInt8);
                int x = w.Input("x", TflType.UInt8, [1, 5, 4, 3], qx);
                var (wv, wq) = SyntheticData.AsymmetricUInt8(d.Floats(108, -0.5, 0.4));
                int weights = w.Constant("weights", [4, 3, 3, 3], wv, wq);
                var (bv, bq) = SyntheticData.Bias(d.Floats(4, -0.3, 0.3), qx.Scales[0], wq);
                int bias = w.Constant("bias", [4], bv, bq);
                int even = w.Constant("even_output_shape", [4], new[] { 1, 10, 8, 4 });
                int odd = w.Constant("odd_output_shape", [4], new[] { 1, 9, 7, 4 });
                w.Operator(TflOp.TRANSPOSE_CONV, [even, weights, x, bias], [w.Output("tconv_same_u8", TflType.UInt8, [1, 10, 8, 4], d.Activation(-3, 3, TflType.UInt8))], TflOptions.TransposeConv(TflPadding.Same, 2, 2), 3);
                w.Operator(TflOp.TRANSPOSE_CONV, [odd, weights, x, bias], [w.Output("tconv_same_odd_u8", TflType.UInt8, [1, 9, 7, 4], d.Activation(-3, 3, TflType.UInt8))], TflOptions.TransposeConv(TflPadding.Same, 2, 2), 3);
            });
    }

    /// <summary>
    /// A quantized CONV_2D (filter [O,H,W,I]) or DEPTHWISE_CONV_2D (filter [1,H,W,C·M]) with seeded weights and bias:
    /// int8 symmetric per output channel (quantized_dimension 0 or 3), uint8 asymmetric per tensor.
    /// </summary>
    private static void Conv(TfLiteModelWriter w, SyntheticData d, TflType type, string name, int x, TflQuant qx, int[] filterShape,
        bool depthwise, TflOptions options, int[] outShape, TflQuant outQ)
    {
        var real = d.Floats(Count(filterShape), -0.5, 0.5);
        int outChannels = depthwise ? filterShape[3] : filterShape[0];
        int filter;
        TflQuant wq;
        if (type == TflType.Int8)
        {
            (var v, wq) = SyntheticData.SymmetricInt8(real, filterShape, axis: depthwise ? 3 : 0);
            filter = w.Constant(name + "_filter", filterShape, v, wq);
        }
        else
        {
            (var v, wq) = SyntheticData.AsymmetricUInt8(real);
            filter = w.Constant(name + "_filter", filterShape, v, wq);
        }
        var (bv, bq) = SyntheticData.Bias(d.Floats(outChannels, -0.3, 0.3), qx.Scales[0], wq);
        int bias = w.Constant(name + "_bias", [outChannels], bv, bq);
        int version = type == TflType.Int8 ? 3 : depthwise ? 2 : 1;
        w.Operator(depthwise ? TflOp.DEPTHWISE_CONV_2D : TflOp.CONV_2D, [x, filter, bias], [w.Output(name, type, outShape, outQ)], options, version);
    }
}
