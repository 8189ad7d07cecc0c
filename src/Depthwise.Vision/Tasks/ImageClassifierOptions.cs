namespace Depthwise.Vision.Tasks;

/// <summary>Options of <see cref="ImageClassifier"/>, named after the TFLite Task Library's <c>ImageClassifierOptions</c>.</summary>
public sealed record ImageClassifierOptions : VisionTaskOptions
{
    /// <summary>Report at most this many classes, best first (−1: all).</summary>
    public int MaxResults { get; init; } = -1;

    /// <summary>Drop classes scoring below this; null: the metadata's score threshold, if any.</summary>
    public float? ScoreThreshold { get; init; }

    /// <summary>Class names by score index, replacing the model's metadata labels.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>When not empty, only these class names are reported (exclusive with <see cref="DenyLabels"/>).</summary>
    public IReadOnlyList<string> AllowLabels { get; init; } = [];

    /// <summary>Class names never reported.</summary>
    public IReadOnlyList<string> DenyLabels { get; init; } = [];

    /// <summary>Apply the metadata's score calibration, when the model has one (default true, as the Task Library).</summary>
    public bool ApplyScoreCalibration { get; init; } = true;

    /// <summary>A function applied to the scores before ranking (default none, as the Task Library).</summary>
    public ScoreActivation Activation { get; init; } = ScoreActivation.None;
}
