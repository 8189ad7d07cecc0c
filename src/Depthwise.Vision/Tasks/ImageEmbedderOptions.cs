namespace Depthwise.Vision.Tasks;

/// <summary>Options of <see cref="ImageEmbedder"/>.</summary>
public sealed record ImageEmbedderOptions : VisionTaskOptions
{
    /// <summary>Scale each embedding to unit Euclidean length (default true; the TFLite Task Library's <c>l2_normalize</c>).</summary>
    public bool L2Normalize { get; init; } = true;
}
