namespace Depthwise.Conformance.TfLiteSynthetic;

internal static partial class SyntheticModels
{
    private static IEnumerable<SyntheticModel> ActivationModels()
    {
        yield return Model("u8_activations", "uint8 HARD_SWISH, LOGISTIC, TANH, LEAKY_RELU (α 0.2) on [2,7,5,3]",
            (w, d) => QuantizedActivations(w, d, TflType.UInt8));
        yield return Model("i8_activations", "int8 HARD_SWISH, LOGISTIC, TANH, LEAKY_RELU (α 0.2) on [2,7,5,3]",
            (w, d) => QuantizedActivations(w, d, TflType.Int8));
        yield return Model("f32_activations", "float HARD_SWISH, LOGISTIC, TANH, LEAKY_RELU, PRELU (α per channel), SOFTMAX (β 0.5) on [2,7,5,3]",
            (w, d) =>
            {
                int[] shape = [2, 7, 5, 3];
                int x = w.Input("x", TflType.Float32, shape);
                w.Operator(TflOp.HARD_SWISH, [x], [w.Output("hard_swish", TflType.Float32, shape)]);
                w.Operator(TflOp.LOGISTIC, [x], [w.Output("logistic", TflType.Float32, shape)]);
                w.Operator(TflOp.TANH, [x], [w.Output("tanh", TflType.Float32, shape)]);
                w.Operator(TflOp.LEAKY_RELU, [x], [w.Output("leaky_relu", TflType.Float32, shape)], TflOptions.LeakyRelu(0.2f));
                int alpha = w.Constant("alpha", [1, 1, 3], d.Floats(3, 0.05, 0.4));
                w.Operator(TflOp.PRELU, [x, alpha], [w.Output("prelu", TflType.Float32, shape)]);
                w.Operator(TflOp.SOFTMAX, [x], [w.Output("softmax_beta_0.5", TflType.Float32, shape)], TflOptions.Softmax(0.5f));
            }, "--range -6,6");
        yield return Model("q_prelu", "uint8 and int8 PRELU with a quantized per-channel α [1,1,3]",
            (w, d) =>
            {
                int[] shape = [2, 7, 5, 3];
                foreach (var type in new[] { TflType.UInt8, TflType.Int8 })
                {
                    string t = type == TflType.UInt8 ? "u8" : "i8";
                    int x = w.Input($"x_{t}", type, shape, d.Activation(-4, 4, type));
                    // α quantized per tensor as an activation-like constant (what the converter does for PRELU).
                    var a = d.Floats(3, -0.1, 0.4);
                    var aq = SyntheticData.ExactActivation(Math.Min(0, a.Min()), Math.Max(0, a.Max()), type);
                    var av = a.Select(v => (int)Math.Clamp(Math.Round(v / aq.Scales[0], MidpointRounding.AwayFromZero) + aq.ZeroPoints[0], SyntheticData.Range(type).Min, SyntheticData.Range(type).Max)).ToArray();
                    int alpha = type == TflType.UInt8
                        ? w.Constant($"alpha_{t}", [1, 1, 3], av.Select(v => (byte)v).ToArray(), aq)
                        : w.Constant($"alpha_{t}", [1, 1, 3], av.Select(v => (sbyte)v).ToArray(), aq);
                    w.Operator(TflOp.PRELU, [x, alpha], [w.Output($"prelu_{t}", type, shape, d.Activation(-1.6, 4, type))]);   // this TFLite build registers PRELU version 1 only
                }
            });
        foreach (var type in new[] { TflType.UInt8, TflType.Int8 })
        {
            string t = type == TflType.UInt8 ? "u8" : "i8";
            yield return Model($"{t}_softmax", $"{(type == TflType.UInt8 ? "uint8" : "int8")} SOFTMAX over the last axis of [2,3,10], β 1 and 0.7",
                (w, d) =>
                {
                    int[] shape = [2, 3, 10];
                    int x = w.Input("x", type, shape, d.Activation(-9, 7, type));
                    // TFLite requires the softmax output at scale 1/256 with the type's lowest value as zero point.
                    var outQ = TflQuant.Of(1f / 256, SyntheticData.Range(type).Min);
                    int version = type == TflType.UInt8 ? 1 : 2;
                    w.Operator(TflOp.SOFTMAX, [x], [w.Output("softmax_beta_1", type, shape, outQ)], TflOptions.Softmax(1f), version);
                    w.Operator(TflOp.SOFTMAX, [x], [w.Output("softmax_beta_0.7", type, shape, outQ)], TflOptions.Softmax(0.7f), version);
                });
        }
    }

    /// <summary>The quantized activations TFLite implements with lookup tables or fixed-point kernels, on one input.</summary>
    private static void QuantizedActivations(TfLiteModelWriter w, SyntheticData d, TflType type)
    {
        int[] shape = [2, 7, 5, 3];
        int x = w.Input("x", type, shape, d.Activation(-6, 6, type));
        int lowest = SyntheticData.Range(type).Min;
        int version = type == TflType.UInt8 ? 1 : 2;
        w.Operator(TflOp.HARD_SWISH, [x], [w.Output("hard_swish", type, shape, d.Activation(-0.375, 6, type))], version: 1);
        // LOGISTIC and TANH outputs have fixed quantization in TFLite: 1/256 from the lowest value, 1/128 around the middle.
        w.Operator(TflOp.LOGISTIC, [x], [w.Output("logistic", type, shape, TflQuant.Of(1f / 256, lowest))], version: version);
        w.Operator(TflOp.TANH, [x], [w.Output("tanh", type, shape, TflQuant.Of(1f / 128, lowest + 128))], version: version);
        w.Operator(TflOp.LEAKY_RELU, [x], [w.Output("leaky_relu", type, shape, d.Activation(-1.2, 6, type))], TflOptions.LeakyRelu(0.2f), version);
    }
}
