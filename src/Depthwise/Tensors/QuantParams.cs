namespace Depthwise.Tensors;

/// <summary>
/// Affine quantization of a tensor: <c>real = scale * (q - zeroPoint)</c>. Per-tensor when there is one
/// scale; per-axis (per-channel) otherwise, with <see cref="Axis"/> naming the channel dimension.
/// </summary>
public sealed record QuantParams
{
    /// <summary>Creates quantization parameters; scales and zero points must have equal, non-zero lengths.</summary>
    public QuantParams(float[] scales, long[] zeroPoints, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(scales);
        ArgumentNullException.ThrowIfNull(zeroPoints);
        if (scales.Length == 0) throw new ArgumentException("at least one scale is required", nameof(scales));
        if (zeroPoints.Length != scales.Length) throw new ArgumentException($"{scales.Length} scales but {zeroPoints.Length} zero points", nameof(zeroPoints));
        Scales = scales;
        ZeroPoints = zeroPoints;
        Axis = axis;
    }

    /// <summary>Per-tensor parameters.</summary>
    public static QuantParams PerTensor(float scale, long zeroPoint) => new([scale], [zeroPoint]);

    /// <summary>One scale per channel (or a single one).</summary>
    public IReadOnlyList<float> Scales { get; }

    /// <summary>One zero point per channel (or a single one).</summary>
    public IReadOnlyList<long> ZeroPoints { get; }

    /// <summary>The quantized dimension when per-axis; ignored when per-tensor.</summary>
    public int Axis { get; }

    /// <summary>True when a single scale covers the whole tensor.</summary>
    public bool IsPerTensor => Scales.Count == 1;

    /// <summary>Value equality: the same scales, zero points and (for per-axis parameters) axis.</summary>
    public bool Equals(QuantParams? other) =>
        other is not null && (ReferenceEquals(this, other)
            || (Scales.SequenceEqual(other.Scales) && ZeroPoints.SequenceEqual(other.ZeroPoints) && (IsPerTensor || Axis == other.Axis)));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Scales.Count, Scales[0], ZeroPoints[0], IsPerTensor ? 0 : Axis);
}
