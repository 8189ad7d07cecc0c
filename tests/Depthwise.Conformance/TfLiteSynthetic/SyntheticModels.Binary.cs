namespace Depthwise.Conformance.TfLiteSynthetic;

internal static partial class SyntheticModels
{
    private static IEnumerable<SyntheticModel> BinaryModels()
    {
        foreach (var type in new[] { TflType.UInt8, TflType.Int8 })
        {
            string t = type == TflType.UInt8 ? "u8" : "i8";
            yield return Model($"{t}_binary", $"{(type == TflType.UInt8 ? "uint8" : "int8")} SUB (fused RELU), MUL and ADD (fused RELU6) with broadcasting: [2,7,5,3] with [2,1,5,1] and a constant [3]",
                (w, d) =>
                {
                    int[] shape = [2, 7, 5, 3];
                    int version = type == TflType.UInt8 ? 1 : 2;
                    int a = w.Input("a", type, shape, d.Activation(-2, 2.5, type));
                    int b = w.Input("b", type, [2, 1, 5, 1], d.Activation(-1, 3, type));
                    var cq = d.Activation(-0.5, 1.5, type);
                    var cv = d.Floats(3, -0.5, 1.5).Select(v => (int)Math.Clamp(Math.Round(v / cq.Scales[0]) + cq.ZeroPoints[0], SyntheticData.Range(type).Min, SyntheticData.Range(type).Max)).ToArray();
                    int c = type == TflType.UInt8 ? w.Constant("c", [3], cv.Select(v => (byte)v).ToArray(), cq) : w.Constant("c", [3], cv.Select(v => (sbyte)v).ToArray(), cq);
                    w.Operator(TflOp.SUB, [a, b], [w.Output("sub_relu", type, shape, d.Activation(0, 4, type))], TflOptions.Sub(TflActivation.Relu), version);
                    w.Operator(TflOp.MUL, [a, b], [w.Output("mul", type, shape, d.Activation(-5, 6, type))], TflOptions.Mul(), version);
                    w.Operator(TflOp.ADD, [a, c], [w.Output("add_const_relu6", type, shape, d.Activation(0, 6, type))], TflOptions.Add(TflActivation.Relu6), version);
                });
        }
        yield return Model("u8_div", "uint8 DIV of two [2,7,5,3] tensors (divisor ≥ 0.25); DIV by a broadcast [2,1,5,1] divisor with fused RELU6",
            (w, d) =>
            {
                int[] shape = [2, 7, 5, 3];
                int a = w.Input("a", TflType.UInt8, shape, d.Activation(-4, 4, TflType.UInt8));
                // Inputs are drawn from 16..255, so the divisor (zero point 0) is at least 16 steps: 0.25.
                int b = w.Input("b", TflType.UInt8, shape, TflQuant.Of(4f / 255, 0));
                w.Operator(TflOp.DIV, [a, b], [w.Output("div", TflType.UInt8, shape, d.Activation(-16, 16, TflType.UInt8))], TflOptions.Div(), 2);
                int c = w.Input("c", TflType.UInt8, [2, 1, 5, 1], TflQuant.Of(1.5f / 255, 0));
                w.Operator(TflOp.DIV, [a, c], [w.Output("div_broadcast_relu6", TflType.UInt8, shape, d.Activation(-6, 6, TflType.UInt8))], TflOptions.Div(TflActivation.Relu6), 2);
            }, "--range 16,256");
        yield return Model("f32_binary", "float SUB (broadcast [2,1,5,1]), MUL (fused RELU6), DIV (broadcast constant [3]) on [2,7,5,3]",
            (w, d) =>
            {
                int[] shape = [2, 7, 5, 3];
                int a = w.Input("a", TflType.Float32, shape);
                int b = w.Input("b", TflType.Float32, [2, 1, 5, 1]);
                int c = w.Constant("c", [3], d.Floats(3, 0.5, 2));
                w.Operator(TflOp.SUB, [a, b], [w.Output("sub", TflType.Float32, shape)], TflOptions.Sub());
                w.Operator(TflOp.MUL, [a, b], [w.Output("mul_relu6", TflType.Float32, shape)], TflOptions.Mul(TflActivation.Relu6));
                w.Operator(TflOp.DIV, [a, c], [w.Output("div", TflType.Float32, shape)], TflOptions.Div());
            }, "--range 0.5,4");
    }
}
