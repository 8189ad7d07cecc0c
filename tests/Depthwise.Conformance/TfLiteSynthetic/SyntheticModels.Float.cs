namespace Depthwise.Conformance.TfLiteSynthetic;

internal static partial class SyntheticModels
{
    /// <summary>Float convolutions and fully connected layers (also with float16 weights), float layout and pooling ops, and the standalone RELUs in float and 8 bits.</summary>
    private static IEnumerable<SyntheticModel> FloatAndReluModels()
    {
        yield return Model("f32_conv", "float CONV_2D 3×3 stride 2 SAME fused RELU6, 2×3 dilation 2×1 VALID fused RELU_N1_TO_1, 1×1 fused RELU; DEPTHWISE_CONV_2D 3×3 depth_multiplier 2 SAME fused RELU, 3×3 dilation 2 SAME fused RELU6, on [2,7,5,3]",
            (w, d) =>
            {
                int x = w.Input("x", TflType.Float32, [2, 7, 5, 3]);
                FloatConv(w, d, "conv_s2_same_relu6", x, [4, 3, 3, 3], false, TflOptions.Conv2D(TflPadding.Same, 2, 2, TflActivation.Relu6), [2, 4, 3, 4]);
                FloatConv(w, d, "conv_valid_dilated_relu_n1_to_1", x, [5, 2, 3, 3], false,
                    TflOptions.Conv2D(TflPadding.Valid, 1, 1, TflActivation.ReluN1To1, dilationW: 1, dilationH: 2), [2, 5, 3, 5]);
                FloatConv(w, d, "conv_1x1_relu", x, [6, 1, 1, 3], false, TflOptions.Conv2D(TflPadding.Same, 1, 1, TflActivation.Relu), [2, 7, 5, 6]);
                FloatConv(w, d, "dw_m2_same_relu", x, [1, 3, 3, 6], true, TflOptions.DepthwiseConv2D(TflPadding.Same, 1, 1, 2, TflActivation.Relu), [2, 7, 5, 6]);
                FloatConv(w, d, "dw_dilated_same_relu6", x, [1, 3, 3, 3], true,
                    TflOptions.DepthwiseConv2D(TflPadding.Same, 1, 1, 1, TflActivation.Relu6, dilationW: 2, dilationH: 2), [2, 7, 5, 3]);
            }, "--range -2,2");
        yield return Model("f32_fully_connected", "float FULLY_CONNECTED [3,8]→[3,5] with bias and fused RELU; [2,7,5,3]→[2,7,5,4] keep_num_dims without bias",
            (w, d) =>
            {
                int x = w.Input("x", TflType.Float32, [3, 8]);
                int weights = w.Constant("weights", [5, 8], d.Floats(40, -0.5, 0.5));
                int bias = w.Constant("bias", [5], d.Floats(5, -0.3, 0.3));
                w.Operator(TflOp.FULLY_CONNECTED, [x, weights, bias], [w.Output("fc_relu", TflType.Float32, [3, 5])], TflOptions.FullyConnected(TflActivation.Relu));
                int x4 = w.Input("x4", TflType.Float32, [2, 7, 5, 3]);
                int weights4 = w.Constant("weights_keep", [4, 3], d.Floats(12, -0.8, 0.8));
                w.Operator(TflOp.FULLY_CONNECTED, [x4, weights4, -1], [w.Output("fc_keep_num_dims", TflType.Float32, [2, 7, 5, 4])], TflOptions.FullyConnected(keepNumDims: true), 5);
            }, "--range -2,2");
        yield return Model("f16_weights", "float16 weights behind DEQUANTIZE: CONV_2D 3×3 stride 2 SAME (3→4) with a float16 bias, DEPTHWISE_CONV_2D 3×3 SAME fused RELU6, on [2,7,5,3]",
            (w, d) =>
            {
                int x = w.Input("x", TflType.Float32, [2, 7, 5, 3]);
                int Dequantized(string name, int[] shape, float[] values)
                {
                    int half = w.Constant(name + "_f16", shape, values.Select(v => (Half)v).ToArray());
                    int full = w.Tensor(name, TflType.Float32, shape);
                    w.Operator(TflOp.DEQUANTIZE, [half], [full], TflOptions.Dequantize(), 3);
                    return full;
                }
                int cw = Dequantized("conv_filter", [4, 3, 3, 3], d.Floats(108, -0.5, 0.5));
                int cb = Dequantized("conv_bias", [4], d.Floats(4, -0.3, 0.3));
                w.Operator(TflOp.CONV_2D, [x, cw, cb], [w.Output("conv_f16", TflType.Float32, [2, 4, 3, 4])], TflOptions.Conv2D(TflPadding.Same, 2, 2));
                int dw = Dequantized("dw_filter", [1, 3, 3, 3], d.Floats(27, -0.5, 0.5));
                int db = w.Constant("dw_bias", [3], d.Floats(3, -0.3, 0.3));
                w.Operator(TflOp.DEPTHWISE_CONV_2D, [x, dw, db], [w.Output("dw_f16_relu6", TflType.Float32, [2, 7, 5, 3])],
                    TflOptions.DepthwiseConv2D(TflPadding.Same, 1, 1, 1, TflActivation.Relu6), 2);
            }, "--range -2,2");
        yield return Model("f32_tensor", "float RELU, RELU6, RELU_N1_TO_1, AVERAGE_POOL_2D 3×3 stride 2 SAME, MAX_POOL_2D 2×2 stride 2 VALID fused RELU6, ADD of a constant [3] fused RELU, RESHAPE →[2,7,1,15] then SQUEEZE axis 2, CONCATENATION on axis 3, on [2,7,5,3]",
            (w, d) =>
            {
                int[] shape = [2, 7, 5, 3];
                int x = w.Input("x", TflType.Float32, shape);
                w.Operator(TflOp.RELU, [x], [w.Output("relu", TflType.Float32, shape)]);
                w.Operator(TflOp.RELU6, [x], [w.Output("relu6", TflType.Float32, shape)]);
                w.Operator(TflOp.RELU_N1_TO_1, [x], [w.Output("relu_n1_to_1", TflType.Float32, shape)]);
                w.Operator(TflOp.AVERAGE_POOL_2D, [x], [w.Output("avg_pool_same_s2", TflType.Float32, [2, 4, 3, 3])], TflOptions.Pool2D(TflPadding.Same, 2, 2, 3, 3));
                w.Operator(TflOp.MAX_POOL_2D, [x], [w.Output("max_pool_valid_s2_relu6", TflType.Float32, [2, 3, 2, 3])], TflOptions.Pool2D(TflPadding.Valid, 2, 2, 2, 2, TflActivation.Relu6));
                int c = w.Constant("c", [3], d.Floats(3, -1, 1));
                w.Operator(TflOp.ADD, [x, c], [w.Output("add_const_relu", TflType.Float32, shape)], TflOptions.Add(TflActivation.Relu));
                int newShape = w.Constant("new_shape", [4], new[] { 2, 7, 1, 15 });
                int reshaped = w.Tensor("reshaped", TflType.Float32, [2, 7, 1, 15]);
                w.Operator(TflOp.RESHAPE, [x, newShape], [reshaped], TflOptions.Reshape([2, 7, 1, 15]));
                w.Operator(TflOp.SQUEEZE, [reshaped], [w.Output("reshape_squeeze", TflType.Float32, [2, 7, 15])], TflOptions.Squeeze([2]));
                int y = w.Input("y", TflType.Float32, [2, 7, 5, 2]);
                w.Operator(TflOp.CONCATENATION, [x, y], [w.Output("concat_axis3", TflType.Float32, [2, 7, 5, 5])], TflOptions.Concatenation(3));
            }, "--range -3,8");
        foreach (var type in new[] { TflType.UInt8, TflType.Int8 })
        {
            string t = Short(type);
            yield return Model($"{t}_relu", $"{Long(type)} RELU, RELU6, RELU_N1_TO_1 (requantized to other scales), MAX_POOL_2D 3×3 stride 2 SAME, RESHAPE then SQUEEZE, CONCATENATION of equally quantized inputs on axis 1, on [2,7,5,3]",
                (w, d) =>
                {
                    int[] shape = [2, 7, 5, 3];
                    var q = d.Activation(-3, 8, type);
                    int x = w.Input("x", type, shape, q);
                    int version = 2;
                    w.Operator(TflOp.RELU, [x], [w.Output("relu", type, shape, d.Activation(0, 7.5, type))], version: version);
                    w.Operator(TflOp.RELU6, [x], [w.Output("relu6", type, shape, d.Activation(0, 6, type))], version: version);
                    w.Operator(TflOp.RELU_N1_TO_1, [x], [w.Output("relu_n1_to_1", type, shape, d.Activation(-1, 1, type))]);   // this TFLite build registers version 1 only
                    w.Operator(TflOp.MAX_POOL_2D, [x], [w.Output("max_pool_same_s2", type, [2, 4, 3, 3], q)], TflOptions.Pool2D(TflPadding.Same, 2, 2, 3, 3), version);
                    int newShape = w.Constant("new_shape", [3], new[] { 14, 1, 15 });
                    int reshaped = w.Tensor("reshaped", type, [14, 1, 15], q);
                    w.Operator(TflOp.RESHAPE, [x, newShape], [reshaped], TflOptions.Reshape([14, 1, 15]));
                    w.Operator(TflOp.SQUEEZE, [reshaped], [w.Output("reshape_squeeze", type, [14, 15], q)], TflOptions.Squeeze([1]));
                    int y = w.Input("y", type, [2, 3, 5, 3], q);
                    w.Operator(TflOp.CONCATENATION, [x, y], [w.Output("concat_axis1", type, [2, 10, 5, 3], q)], TflOptions.Concatenation(1), version);
                });
        }
    }

    /// <summary>A float CONV_2D or DEPTHWISE_CONV_2D with seeded weights and bias, its output a model output.</summary>
    private static void FloatConv(TfLiteModelWriter w, SyntheticData d, string name, int x, int[] filterShape, bool depthwise, TflOptions options, int[] outShape)
    {
        int outChannels = depthwise ? filterShape[3] : filterShape[0];
        int filter = w.Constant(name + "_filter", filterShape, d.Floats(Count(filterShape), -0.5, 0.5));
        int bias = w.Constant(name + "_bias", [outChannels], d.Floats(outChannels, -0.3, 0.3));
        w.Operator(depthwise ? TflOp.DEPTHWISE_CONV_2D : TflOp.CONV_2D, [x, filter, bias], [w.Output(name, TflType.Float32, outShape)], options, depthwise ? 2 : 1);
    }
}
