namespace Depthwise.Vision.Tasks;

/// <summary>A function applied to a classifier's raw output before ranking.</summary>
public enum ScoreActivation
{
    /// <summary>The values as the model outputs them (after dequantization and calibration): the TFLite Task Library's behaviour.</summary>
    None,

    /// <summary>Softmax over the whole score vector, for models that end in logits.</summary>
    Softmax,

    /// <summary>An independent sigmoid per score, for multi-label logits.</summary>
    Sigmoid,
}
