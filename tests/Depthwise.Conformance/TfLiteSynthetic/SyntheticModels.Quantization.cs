namespace Depthwise.Conformance.TfLiteSynthetic;

internal static partial class SyntheticModels
{
    private static IEnumerable<SyntheticModel> QuantizationModels()
    {
        yield return Model("quantize", "QUANTIZE float→uint8, float→int8, uint8→int8 and int8→uint8 (requantize to other scales); DEQUANTIZE uint8 and int8 → float, on [2,7,5,3]",
            (w, d) =>
            {
                int[] shape = [2, 7, 5, 3];
                int xf = w.Input("x_f32", TflType.Float32, shape);
                w.Operator(TflOp.QUANTIZE, [xf], [w.Output("quantize_f32_u8", TflType.UInt8, shape, d.Activation(-0.2, 1.1, TflType.UInt8))], TflOptions.Quantize());
                w.Operator(TflOp.QUANTIZE, [xf], [w.Output("quantize_f32_i8", TflType.Int8, shape, d.Activation(-0.3, 0.9, TflType.Int8))], TflOptions.Quantize(), 2);
                var qu = d.Activation(-2, 3, TflType.UInt8);
                int xu = w.Input("x_u8", TflType.UInt8, shape, qu);
                w.Operator(TflOp.QUANTIZE, [xu], [w.Output("requantize_u8_i8", TflType.Int8, shape, d.Activation(-2.5, 2, TflType.Int8))], TflOptions.Quantize(), 2);
                w.Operator(TflOp.DEQUANTIZE, [xu], [w.Output("dequantize_u8", TflType.Float32, shape)], TflOptions.Dequantize());
                var qi = d.Activation(-1.7, 1.3, TflType.Int8);
                int xi = w.Input("x_i8", TflType.Int8, shape, qi);
                w.Operator(TflOp.QUANTIZE, [xi], [w.Output("requantize_i8_u8", TflType.UInt8, shape, d.Activation(-1, 1.5, TflType.UInt8))], TflOptions.Quantize(), 2);
                w.Operator(TflOp.DEQUANTIZE, [xi], [w.Output("dequantize_i8", TflType.Float32, shape)], TflOptions.Dequantize(), 2);
            });
    }
}
