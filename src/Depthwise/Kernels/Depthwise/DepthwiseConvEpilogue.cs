namespace Depthwise.Kernels.Depthwise;

/// <summary>
/// What a depthwise-convolution kernel does to each accumulator before storing it: the bias is always added first
/// (it is the first row of the packed weights), then the activation. Fusing the activation saves one full pass over
/// the output, which for depthwise layers (few MACs per byte) is a large part of their time.
/// </summary>
public readonly struct DepthwiseConvEpilogue : IEquatable<DepthwiseConvEpilogue>
{
    /// <summary>Creates an epilogue; prefer the named factories.</summary>
    public DepthwiseConvEpilogue(DepthwiseConvActivation activation, float min, float max)
    {
        if (!Enum.IsDefined(activation)) throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation");
        if (activation == DepthwiseConvActivation.Clamp && !(min <= max))
            throw new ArgumentException($"clamp needs min <= max, got [{min}, {max}]", nameof(min));
        Activation = activation;
        Min = min;
        Max = max;
    }

    /// <summary>The activation applied after the bias.</summary>
    public DepthwiseConvActivation Activation { get; }

    /// <summary>Lower clamp bound (used by <see cref="DepthwiseConvActivation.Clamp"/>).</summary>
    public float Min { get; }

    /// <summary>Upper clamp bound (used by <see cref="DepthwiseConvActivation.Clamp"/>).</summary>
    public float Max { get; }

    /// <summary>Bias only: the linear output.</summary>
    public static DepthwiseConvEpilogue Linear => new(DepthwiseConvActivation.None, float.NegativeInfinity, float.PositiveInfinity);

    /// <summary>ReLU: clamp to [0, +∞).</summary>
    public static DepthwiseConvEpilogue Relu => new(DepthwiseConvActivation.Clamp, 0f, float.PositiveInfinity);

    /// <summary>ReLU6: clamp to [0, 6].</summary>
    public static DepthwiseConvEpilogue Relu6 => new(DepthwiseConvActivation.Clamp, 0f, 6f);

    /// <summary>HardSwish (<c>x · clamp(x/6 + 1/2, 0, 1)</c>).</summary>
    public static DepthwiseConvEpilogue HardSwish =>
        new(DepthwiseConvActivation.HardSwish, float.NegativeInfinity, float.PositiveInfinity);

    /// <summary>Clamp to [<paramref name="min"/>, <paramref name="max"/>] (ONNX Clip).</summary>
    public static DepthwiseConvEpilogue Clamp(float min, float max) => new(DepthwiseConvActivation.Clamp, min, max);

    /// <summary>
    /// Applies the activation to one value: the scalar definition every variant must match (the scalar variants
    /// bit for bit; the vector ones up to fused multiply-add rounding, and NaN inputs are not specified for them).
    /// </summary>
    public float Activate(float x) => Activation switch
    {
        DepthwiseConvActivation.Clamp => MathF.Min(MathF.Max(x, Min), Max),
        DepthwiseConvActivation.HardSwish => x * MathF.Min(MathF.Max(x * (1f / 6f) + 0.5f, 0f), 1f),
        _ => x,
    };

    /// <inheritdoc/>
    public bool Equals(DepthwiseConvEpilogue other) =>
        Activation == other.Activation && Min.Equals(other.Min) && Max.Equals(other.Max);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DepthwiseConvEpilogue e && Equals(e);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Activation, Min, Max);

    /// <summary>Equality.</summary>
    public static bool operator ==(DepthwiseConvEpilogue left, DepthwiseConvEpilogue right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(DepthwiseConvEpilogue left, DepthwiseConvEpilogue right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => Activation switch
    {
        DepthwiseConvActivation.Clamp => $"Clamp[{Min}, {Max}]",
        _ => Activation.ToString(),
    };
}
