namespace Depthwise.Vision.Postprocessing;

/// <summary>What happens to the detections a kept detection suppresses.</summary>
public enum NmsAlgorithm
{
    /// <summary>Hard NMS: they are dropped (MediaPipe's <c>DEFAULT</c>).</summary>
    Default,

    /// <summary>
    /// Weighted NMS (MediaPipe's <c>WEIGHTED</c>, used by BlazeFace): the kept detection's box and keypoints become the
    /// score-weighted mean of the whole overlapping cluster, itself included; its score and class stay.
    /// </summary>
    Weighted,
}
