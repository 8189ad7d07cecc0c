using Depthwise.Graph;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Depthwise.Vision.Preprocessing;

namespace Depthwise.Vision.Tasks;

/// <summary>
/// What a model's image input looks like: its size, channels, axis order and element type (with the quantization of a
/// uint8/int8 input). Found by <see cref="Find"/> from the declared input shape.
/// </summary>
/// <param name="Name">The input's name.</param>
/// <param name="Width">Tensor width in pixels.</param>
/// <param name="Height">Tensor height in pixels.</param>
/// <param name="Channels">1 (gray) or 3 (RGB).</param>
/// <param name="Layout">[1, H, W, C] or [1, C, H, W].</param>
/// <param name="DataType">float32, uint8 or int8.</param>
/// <param name="Quant">The input's quantization, when the model declares one.</param>
public sealed record ImageInputSpec(string Name, int Width, int Height, int Channels, TensorLayout Layout, DataType DataType, QuantParams? Quant)
{
    /// <summary>True for uint8 and int8 inputs.</summary>
    public bool IsInteger => DataType is DataType.UInt8 or DataType.Int8;

    /// <summary>The input's shape for one image.</summary>
    public Shape Shape => Layout == TensorLayout.Nhwc ? new Shape(1, Height, Width, Channels) : new Shape(1, Channels, Height, Width);

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {DataTypes.Name(DataType)}{Shape} ({Layout.ToString().ToUpperInvariant()})";

    /// <summary>
    /// Reads the image input of a model with exactly one input: rank 4, batch 1 (or dynamic), 1 or 3 channels last
    /// (NHWC) or, failing that, second (NCHW), known height and width (or, when they are dynamic, the defaults in the
    /// input's metadata), float32, uint8 or int8.
    /// </summary>
    /// <param name="inputs">The model's inputs.</param>
    /// <param name="quant">The quantization of input 0, when it has one.</param>
    /// <param name="metadata">The metadata of input 0, when the model has any.</param>
    /// <param name="model">The model's name for error messages.</param>
    /// <exception cref="UnsupportedModelException">The model does not have exactly one input, or it is not an image.</exception>
    public static ImageInputSpec Find(IReadOnlyList<TensorInfo> inputs, QuantParams? quant, TensorMetadata? metadata, string? model)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != 1)
            throw new UnsupportedModelException(
                $"vision tasks need a model with one image input; this one has {inputs.Count}: {string.Join(", ", inputs)}", model);
        var info = inputs[0];
        string expected = "vision tasks need a 4-D image tensor [1,H,W,C] or [1,C,H,W] with 1 or 3 channels, of float32, uint8 or int8";
        string problem = $"input {info} is not an image: {expected}";
        if (info.DataType is not (DataType.Float32 or DataType.UInt8 or DataType.Int8))
            throw new UnsupportedModelException($"input {info} is not an image: its element type is {DataTypes.Name(info.DataType)}; {expected}", model);
        if (info.Shape is not { Count: 4 } shape)
            throw new UnsupportedModelException(info.Shape is null ? $"input {info} declares no shape; {expected}" : problem, model);
        if (shape[0].IsKnown && shape[0].Size != 1)
            throw new UnsupportedModelException($"input {info} has batch {shape[0].Size}; vision tasks run one image at a time (batch 1)", model);

        TensorLayout layout;
        int channels;
        Dim h, w;
        if (shape[3].IsKnown && shape[3].Size is 1 or 3)
        {
            layout = TensorLayout.Nhwc;
            channels = shape[3].Size;
            (h, w) = (shape[1], shape[2]);
        }
        else if (shape[1].IsKnown && shape[1].Size is 1 or 3)
        {
            layout = TensorLayout.Nchw;
            channels = shape[1].Size;
            (h, w) = (shape[2], shape[3]);
        }
        else
        {
            throw new UnsupportedModelException(problem, model);
        }
        int height = h.IsKnown ? h.Size : metadata?.DefaultHeight ?? 0;
        int width = w.IsKnown ? w.Size : metadata?.DefaultWidth ?? 0;
        if (height <= 0 || width <= 0)
            throw new UnsupportedModelException($"input {info} has no fixed image size (and no default size in its metadata); vision tasks need one", model);
        return new ImageInputSpec(info.Name, width, height, channels, layout, info.DataType, quant);
    }
}
