namespace Depthwise.Kernels.Quantized;

/// <summary>
/// How a quantized operator turns a wide (int32) result into its 8-bit output. TFLite and ONNX define this
/// arithmetic differently; an importer picks the one its format defines so that results equal that runtime's.
/// </summary>
public enum RequantizeMode
{
    /// <summary>
    /// TensorFlow Lite: the real multiplier becomes a Q31 multiplier and a shift (<see cref="FixedPoint.QuantizeMultiplier"/>)
    /// and the accumulator is scaled with <see cref="FixedPoint.MultiplyByQuantizedMultiplier"/>; then the zero point is
    /// added and the result clamped.
    /// </summary>
    TfLiteFixedPoint,

    /// <summary>
    /// ONNX (QLinearConv, QuantizeLinear; what ONNX Runtime's MLAS computes): the accumulator is converted to float,
    /// multiplied by the float multiplier, rounded to nearest with ties to even, offset by the zero point and saturated.
    /// </summary>
    FloatRoundHalfEven,
}
