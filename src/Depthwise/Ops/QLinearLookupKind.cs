namespace Depthwise.Ops;

/// <summary>The function a <see cref="QLinearLookupOp"/> tabulates over the 256 input values.</summary>
public enum QLinearLookupKind
{
    /// <summary>
    /// y = x requantized from the input's quantization to the output's (TFLite QUANTIZE from 8 bits to 8 bits:
    /// <see cref="Kernels.Quantized.FixedPoint.MultiplyByQuantizedMultiplier"/> with s_in/s_out).
    /// </summary>
    Identity,

    /// <summary>
    /// y = x requantized the way TFLite's CONCATENATION rescales an input whose quantization differs from the output's:
    /// round_half_away(q·(s_in/s_out) − z_in·(s_in/s_out)) + z_out in float. The importer inserts it before a Concat.
    /// </summary>
    Rescale,

    /// <summary>1 / (1 + e^−x) (TFLite LOGISTIC, whose 8-bit output quantization is fixed at 1/256 with zero point 0 or −128).</summary>
    Sigmoid,

    /// <summary>tanh x.</summary>
    Tanh,

    /// <summary>x · relu6(x + 3) / 6 (TFLite's 8-bit HARD_SWISH is 16-bit fixed point, reproduced exactly).</summary>
    HardSwish,

    /// <summary>max(x, 0), with requantization.</summary>
    Relu,

    /// <summary>min(max(x, 0), 6), with requantization.</summary>
    Relu6,

    /// <summary>min(max(x, −1), 1) (TFLite RELU_N1_TO_1), with requantization.</summary>
    ReluN1To1,

    /// <summary>x ≥ 0 ? x : α·x with α = <see cref="QLinearLookupOp.Alpha"/>.</summary>
    LeakyRelu,

    /// <summary>x ≥ 0 ? x : e^x − 1.</summary>
    Elu,
}
