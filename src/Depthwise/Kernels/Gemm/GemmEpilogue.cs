namespace Depthwise.Kernels.Gemm;

/// <summary>
/// What a GEMM micro-kernel does to each accumulator after the last K step, while the tile is still in registers.
/// The order is fixed: <b>bias</b> (the first row of every packed panel, always applied), then the optional
/// <b>residual</b> (<c>C += R</c>, passed to the run call because it is per-run data), then the <b>activation</b>.
/// That is the order MobileNetV2's inverted residual block needs: its projection is linear, so "bias, residual,
/// activation" with <see cref="GemmActivation.None"/> is exactly <c>conv1x1(x) + b + skip</c>; a block that adds the
/// skip after an activated conv cannot fuse the add and runs it as a separate op.
/// </summary>
public readonly struct GemmEpilogue : IEquatable<GemmEpilogue>
{
    /// <summary>Creates an epilogue; prefer the named factories.</summary>
    public GemmEpilogue(GemmActivation activation, float min, float max)
    {
        if (activation == GemmActivation.Clamp && !(min <= max))
            throw new ArgumentException($"clamp needs min <= max, got [{min}, {max}]", nameof(min));
        Activation = activation;
        Min = min;
        Max = max;
    }

    /// <summary>The activation applied last.</summary>
    public GemmActivation Activation { get; }

    /// <summary>Lower clamp bound (used by <see cref="GemmActivation.Clamp"/>).</summary>
    public float Min { get; }

    /// <summary>Upper clamp bound (used by <see cref="GemmActivation.Clamp"/>).</summary>
    public float Max { get; }

    /// <summary>Bias only (plus residual if given): the linear output.</summary>
    public static GemmEpilogue Linear => new(GemmActivation.None, float.NegativeInfinity, float.PositiveInfinity);

    /// <summary>ReLU: clamp to [0, +∞).</summary>
    public static GemmEpilogue Relu => new(GemmActivation.Clamp, 0f, float.PositiveInfinity);

    /// <summary>ReLU6: clamp to [0, 6].</summary>
    public static GemmEpilogue Relu6 => new(GemmActivation.Clamp, 0f, 6f);

    /// <summary>HardSwish (<c>x · clamp(x/6 + 1/2, 0, 1)</c>).</summary>
    public static GemmEpilogue HardSwish => new(GemmActivation.HardSwish, float.NegativeInfinity, float.PositiveInfinity);

    /// <summary>Clamp to [<paramref name="min"/>, <paramref name="max"/>] (ONNX Clip).</summary>
    public static GemmEpilogue Clamp(float min, float max) => new(GemmActivation.Clamp, min, max);

    /// <summary>Applies the activation to one value: the scalar definition every micro-kernel must match.</summary>
    public float Activate(float x) => Activation switch
    {
        GemmActivation.Clamp => MathF.Min(MathF.Max(x, Min), Max),
        GemmActivation.HardSwish => x * MathF.Min(MathF.Max(x * (1f / 6f) + 0.5f, 0f), 1f),
        _ => x,
    };

    /// <inheritdoc/>
    public bool Equals(GemmEpilogue other) =>
        Activation == other.Activation && Min.Equals(other.Min) && Max.Equals(other.Max);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is GemmEpilogue e && Equals(e);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Activation, Min, Max);

    /// <summary>Equality.</summary>
    public static bool operator ==(GemmEpilogue left, GemmEpilogue right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(GemmEpilogue left, GemmEpilogue right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => Activation switch
    {
        GemmActivation.Clamp => $"Clamp[{Min}, {Max}]",
        _ => Activation.ToString(),
    };
}
