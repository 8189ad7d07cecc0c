namespace Depthwise.Ops;

/// <summary>The function a <see cref="QLinearLookupOp"/> applies to the real value of each quantized element.</summary>
public enum QLinearLookupKind
{
    /// <summary>f(x) = x: a requantization to the output's scale and zero point (TFLite QUANTIZE between 8-bit types).</summary>
    Identity,
    /// <summary>1 / (1 + e^−x) (TFLite LOGISTIC, com.microsoft QLinearSigmoid).</summary>
    Sigmoid,
    /// <summary>tanh(x).</summary>
    Tanh,
    /// <summary>x · relu6(x + 3) / 6.</summary>
    HardSwish,
    /// <summary>max(x, 0).</summary>
    Relu,
    /// <summary>min(max(x, 0), 6).</summary>
    Relu6,
    /// <summary>min(max(x, −1), 1).</summary>
    ReluN1To1,
    /// <summary>x for x ≥ 0, alpha·x otherwise.</summary>
    LeakyRelu,
    /// <summary>x for x ≥ 0, e^x − 1 otherwise.</summary>
    Elu,
}
