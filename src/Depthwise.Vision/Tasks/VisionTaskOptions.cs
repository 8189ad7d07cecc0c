using Depthwise.Runtime;
using Depthwise.Vision.Preprocessing;

namespace Depthwise.Vision.Tasks;

/// <summary>
/// Options every vision task shares: how the model runs and overrides of the pre-processing each task otherwise
/// chooses from the model (its input type, metadata and family; see docs/vision-tasks.md). Null means "the task's
/// default".
/// </summary>
public record VisionTaskOptions
{
    /// <summary>How the model runs (threads, optimization level); null: <see cref="SessionOptions"/> defaults.</summary>
    public SessionOptions? Session { get; init; }

    /// <summary>
    /// The pixel value mapping, replacing the one chosen from the model (metadata mean/std, raw bytes for uint8
    /// inputs, the task's float default).
    /// </summary>
    public TensorNormalization? Normalization { get; init; }

    /// <summary>The resampling filter, replacing the task's (bilinear everywhere by default).</summary>
    public InterpolationMode? Interpolation { get; init; }

    /// <summary>
    /// Where tensor pixels sample the image, replacing the task's choice: the Task Library-style tasks use pixel centres
    /// (<see cref="PixelSampling.HalfPixelCenters"/>, libyuv); <see cref="PixelSampling.Corners"/> is MediaPipe's
    /// (with it, the quantized MobileNetV1 scores burger.jpg exactly as MediaPipe's classifier test expects).
    /// </summary>
    public PixelSampling? Sampling { get; init; }

    /// <summary>What samples outside the image read (letterbox bands, regions past the edge), replacing the task's choice.</summary>
    public BorderMode? BorderMode { get; init; }

    /// <summary>Letterbox (true) or stretch (false) the image to the model's aspect ratio, replacing the task's choice.</summary>
    public bool? KeepAspectRatio { get; init; }

    /// <summary>The channel order the model wants, replacing RGB.</summary>
    public ChannelOrder? ChannelOrder { get; init; }
}
