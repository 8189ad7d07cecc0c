namespace Depthwise.Kernels;

/// <summary>
/// What a fast kernel (GEMM micro-kernel, depthwise row kernel) does to each accumulator before storing it, while
/// the tile is still in registers; one description shared by every kernel family. The order is fixed: <b>bias</b>
/// (the first row of the packed weights, always applied), then the optional <b>residual</b> (<c>C += R</c>, passed to
/// the run call because it is per-run data; GEMM only), then the <b>activation</b>.
/// That is the order MobileNetV2's inverted residual block needs: its projection is linear, so "bias, residual,
/// activation" with <see cref="FusedActivation.None"/> is exactly <c>conv1x1(x) + b + skip</c>; a block that adds the
/// skip after an activated conv cannot fuse the add and runs it as a separate op.
/// </summary>
public readonly struct FusedEpilogue : IEquatable<FusedEpilogue>
{
    /// <summary>Creates an epilogue; prefer the named factories.</summary>
    public FusedEpilogue(FusedActivation activation, float min, float max)
    {
        if (activation == FusedActivation.Clamp && !(min <= max))
            throw new ArgumentException($"clamp needs min <= max, got [{min}, {max}]", nameof(min));
        Activation = activation;
        Min = min;
        Max = max;
    }

    /// <summary>The activation applied last.</summary>
    public FusedActivation Activation { get; }

    /// <summary>Lower clamp bound (used by <see cref="FusedActivation.Clamp"/>).</summary>
    public float Min { get; }

    /// <summary>Upper clamp bound (used by <see cref="FusedActivation.Clamp"/>).</summary>
    public float Max { get; }

    /// <summary>Bias only (plus residual if given): the linear output.</summary>
    public static FusedEpilogue Linear => new(FusedActivation.None, float.NegativeInfinity, float.PositiveInfinity);

    /// <summary>ReLU: clamp to [0, +∞).</summary>
    public static FusedEpilogue Relu => new(FusedActivation.Clamp, 0f, float.PositiveInfinity);

    /// <summary>ReLU6: clamp to [0, 6].</summary>
    public static FusedEpilogue Relu6 => new(FusedActivation.Clamp, 0f, 6f);

    /// <summary>HardSwish (<c>x · clamp(x/6 + 1/2, 0, 1)</c>).</summary>
    public static FusedEpilogue HardSwish => new(FusedActivation.HardSwish, float.NegativeInfinity, float.PositiveInfinity);

    /// <summary>Clamp to [<paramref name="min"/>, <paramref name="max"/>] (ONNX Clip).</summary>
    public static FusedEpilogue Clamp(float min, float max) => new(FusedActivation.Clamp, min, max);

    /// <summary>
    /// Applies the activation to one value: the scalar definition every kernel must match (the scalar variants bit
    /// for bit; the vector ones up to fused multiply-add rounding, and NaN inputs are not specified for them).
    /// </summary>
    public float Activate(float x) => Activation switch
    {
        FusedActivation.Clamp => MathF.Min(MathF.Max(x, Min), Max),
        FusedActivation.HardSwish => x * MathF.Min(MathF.Max(x * (1f / 6f) + 0.5f, 0f), 1f),
        _ => x,
    };

    /// <inheritdoc/>
    public bool Equals(FusedEpilogue other) =>
        Activation == other.Activation && Min.Equals(other.Min) && Max.Equals(other.Max);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is FusedEpilogue e && Equals(e);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Activation, Min, Max);

    /// <summary>Equality.</summary>
    public static bool operator ==(FusedEpilogue left, FusedEpilogue right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(FusedEpilogue left, FusedEpilogue right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => Activation switch
    {
        FusedActivation.Clamp => $"Clamp[{Min}, {Max}]",
        _ => Activation.ToString(),
    };
}
