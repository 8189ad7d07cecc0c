namespace Depthwise.Vision.Tasks;

/// <summary>Options of <see cref="ImageSegmenter"/>.</summary>
public sealed record ImageSegmenterOptions : VisionTaskOptions
{
    /// <summary>Class names by class index, replacing the model's metadata labels.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>
    /// Resize the masks to the image (default true, as MediaPipe's segmenters); false keeps the model's output
    /// resolution, as the TFLite Task Library does.
    /// </summary>
    public bool ResizeToImage { get; init; } = true;

    /// <summary>One-channel models: a pixel is foreground (class 1) when its confidence is above this (default 0.5).</summary>
    public float ForegroundThreshold { get; init; } = 0.5f;
}
