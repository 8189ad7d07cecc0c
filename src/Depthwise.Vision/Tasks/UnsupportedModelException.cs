namespace Depthwise.Vision.Tasks;

/// <summary>
/// A model cannot serve the vision task it was given to: its input is not an image (a 4-D NHWC or NCHW tensor of
/// 1 or 3 channels, float32, uint8 or int8), or its outputs are not what the task reads (e.g. a classifier without a
/// score vector, a face detector that is not BlazeFace).
/// </summary>
public sealed class UnsupportedModelException : DepthwiseException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the model has and what the task needs.</param>
    /// <param name="model">The model file or source name, when known.</param>
    public UnsupportedModelException(string message, string? model = null)
        : base(model is null ? message : $"{model}: {message}")
    {
        Model = model;
    }

    /// <summary>The model file or source name, when known.</summary>
    public string? Model { get; }
}
