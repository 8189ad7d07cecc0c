namespace Depthwise.Vision.Preprocessing;

/// <summary>
/// How a sampled 8-bit channel value x ∈ [0, 255] becomes a tensor element: <c>x · Scale[c] + Offset[c]</c> for output
/// channel c (after <see cref="ChannelOrder"/>). One value applies to every channel; three apply per channel. Integer
/// tensors round the result half to even and saturate, as OpenCV's <c>convertTo</c> does.
/// </summary>
public sealed class TensorNormalization
{
    /// <summary>Caffe's ImageNet means in B, G, R order, subtracted by <see cref="MeanSubtraction"/> for VGG/ResNet-Caffe models.</summary>
    public static IReadOnlyList<float> CaffeBgrMeans { get; } = [103.939f, 116.779f, 123.68f];

    private readonly float[] _scale;
    private readonly float[] _offset;

    private TensorNormalization(float[] scale, float[] offset, string description)
    {
        _scale = scale;
        _offset = offset;
        Description = description;
    }

    /// <summary>Raw values 0..255 (the uint8 passthrough of quantized models).</summary>
    public static TensorNormalization Identity { get; } = new([1f], [0f], "identity [0,255]");

    /// <summary>
    /// The linear map of [0, 255] onto [<paramref name="min"/>, <paramref name="max"/>]: scale = (max − min) / 255,
    /// offset = min. MediaPipe's <c>output_tensor_float_range</c> (also its int/uint ranges): [0, 1], [−1, 1], [−0.5, 0.5]...
    /// </summary>
    /// <exception cref="ArgumentException">min is not below max, or a bound is not finite.</exception>
    public static TensorNormalization Range(float min, float max)
    {
        if (!float.IsFinite(min) || !float.IsFinite(max) || !(min < max))
            throw new ArgumentException($"invalid output range [{min}, {max}]: min must be below max");
        // GetValueRangeTransformation(0, 255, min, max) in MediaPipe's image_to_tensor_utils.
        float scale = (max - min) / 255f;
        return new([scale], [min], $"range [{min}, {max}]");
    }

    /// <summary>
    /// (x − mean) / std with one mean and std for every channel, x in [0, 255]: TFLite metadata's
    /// <c>NormalizationOptions</c> with a single value (e.g. mean 127.5, std 127.5 → [−1, 1]).
    /// </summary>
    public static TensorNormalization MeanStd(float mean, float std) => MeanStd([mean], [std]);

    /// <summary>
    /// (x − mean[c]) / std[c], x in [0, 255], one or three values each (TFLite metadata's <c>NormalizationOptions</c>;
    /// torchvision models use mean = 255 · (0.485, 0.456, 0.406), std = 255 · (0.229, 0.224, 0.225)). The values follow
    /// the output channel order.
    /// </summary>
    /// <exception cref="ArgumentException">Counts are not 1 or 3, differ, or a std is not positive and finite.</exception>
    public static TensorNormalization MeanStd(ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        if (mean.Length is not (1 or 3) || std.Length is not (1 or 3))
            throw new ArgumentException($"mean and std need 1 or 3 values, got {mean.Length} and {std.Length}");
        int n = Math.Max(mean.Length, std.Length);
        var scale = new float[n];
        var offset = new float[n];
        for (int c = 0; c < n; c++)
        {
            float m = mean[mean.Length == 1 ? 0 : c], s = std[std.Length == 1 ? 0 : c];
            if (!float.IsFinite(m) || !float.IsFinite(s) || !(s > 0))
                throw new ArgumentException($"invalid normalization mean {m} std {s} for channel {c}");
            scale[c] = 1f / s;
            offset[c] = -m / s;
        }
        return new(scale, offset, $"mean/std ({string.Join(", ", mean.ToArray())}) / ({string.Join(", ", std.ToArray())})");
    }

    /// <summary>
    /// x − mean[c] without scaling: Caffe-style mean subtraction. With <see cref="CaffeBgrMeans"/> pair it with
    /// <see cref="ChannelOrder.Bgr"/> (the means follow the output channel order).
    /// </summary>
    public static TensorNormalization MeanSubtraction(ReadOnlySpan<float> means)
    {
        if (means.Length is not (1 or 3)) throw new ArgumentException($"means need 1 or 3 values, got {means.Length}");
        var scale = new float[means.Length];
        var offset = new float[means.Length];
        for (int c = 0; c < means.Length; c++)
        {
            if (!float.IsFinite(means[c])) throw new ArgumentException($"invalid mean {means[c]}");
            scale[c] = 1f;
            offset[c] = -means[c];
        }
        return new(scale, offset, $"mean subtraction ({string.Join(", ", means.ToArray())})");
    }

    /// <summary>Per-channel multipliers (1 or 3 values).</summary>
    public ReadOnlySpan<float> Scale => _scale;

    /// <summary>Per-channel offsets added after scaling (1 or 3 values).</summary>
    public ReadOnlySpan<float> Offset => _offset;

    /// <summary>A short description, e.g. "range [-1, 1]".</summary>
    public string Description { get; }

    /// <summary>The multiplier of output channel <paramref name="channel"/>.</summary>
    public float ScaleOf(int channel) => _scale[_scale.Length == 1 ? 0 : channel];

    /// <summary>The offset of output channel <paramref name="channel"/>.</summary>
    public float OffsetOf(int channel) => _offset[_offset.Length == 1 ? 0 : channel];

    /// <summary>True when every channel maps x to x.</summary>
    public bool IsIdentity
    {
        get
        {
            foreach (var s in _scale) if (s != 1f) return false;
            foreach (var o in _offset) if (o != 0f) return false;
            return true;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Description;
}
