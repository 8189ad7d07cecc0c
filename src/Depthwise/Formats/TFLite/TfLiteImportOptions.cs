using Depthwise.Kernels.Quantized;

namespace Depthwise.Formats.TFLite;

/// <summary>Choices the TFLite importer makes where TensorFlow Lite itself computes differently on different paths.</summary>
public sealed record TfLiteImportOptions
{
    /// <summary>The defaults.</summary>
    public static TfLiteImportOptions Default { get; } = new();

    /// <summary>
    /// The requantization of quantized CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED. TFLite runs these on its default
    /// CPU delegate, XNNPACK, whose "fp32" requantization multiplies the int32 accumulator by the float scale
    /// s_x·s_w/s_y and rounds half to even: <see cref="RequantizeMode.FloatRoundHalfEven"/> (the default) reproduces it
    /// bit for bit (checked against the TFLite oracle on the shared uint8 models).
    /// <see cref="RequantizeMode.TfLiteFixedPoint"/> gives TFLite's built-in reference kernels instead (gemmlowp's
    /// fixed-point multiplier), which differ from XNNPACK by one step on a few outputs per layer.
    /// </summary>
    public RequantizeMode ConvolutionRequantize { get; init; } = RequantizeMode.FloatRoundHalfEven;

    /// <summary>
    /// Dynamic-range quantized models (int8 weights, float activations). True (the default): CONV_2D,
    /// DEPTHWISE_CONV_2D and FULLY_CONNECTED run TFLite's hybrid arithmetic (<see cref="Ops.HybridConvOp"/>: the input
    /// quantized to int8 at run time, integer products, float rescale), which is what TFLite computes for these models,
    /// so the outputs equal TFLite's. False: the weights are dequantized once and the layers run in float, closer to
    /// the float model the weights came from but a few percent of the output range away from TFLite.
    /// </summary>
    public bool HybridKernels { get; init; } = true;

    /// <summary>
    /// uint8 and int8 RESIZE_BILINEAR. True (the default): as TFLite's default CPU delegate, XNNPACK, computes it (11-bit
    /// interpolation weights, rounding half up; equal to the TFLite oracle on the synthetic resize models). False:
    /// TFLite's builtin kernels (float weights for uint8, 10-bit fixed point for int8), one step away on a few to
    /// 15 % of the outputs.
    /// </summary>
    public bool XnnpackResizeBilinear { get; init; } = true;
}
