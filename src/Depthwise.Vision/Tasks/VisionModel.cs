using Depthwise.Formats;
using Depthwise.Graph;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Depthwise.Vision.Preprocessing;

namespace Depthwise.Vision.Tasks;

/// <summary>
/// A model loaded for a vision task: the session that runs it, its image input (<see cref="ImageInputSpec"/>), its
/// metadata (labels, normalization, score calibration) and the helpers every task shares: choosing the pre-processing
/// from the model and reading (dequantizing) outputs. Thread-safe, as <see cref="InferenceSession"/> is.
/// </summary>
public sealed class VisionModel
{
    private VisionModel(InferenceSession session, string source)
    {
        Session = session;
        Source = source;
        var graph = session.Graph;
        Metadata = graph.ModelInfo;
        Input = ImageInputSpec.Find(session.Inputs, graph.Inputs.Count > 0 ? graph.Inputs[0].Quant : null, InputMetadata, source);
        // Compiling the plan for the image size now gives every output's concrete shape and type (declared shapes
        // may be missing, e.g. after TFLite_Detection_PostProcess); the plan is cached for the runs that follow.
        var plan = session.GetPlan([Input.Shape]);
        OutputShapes = plan.OutputShapes;
        OutputTypes = plan.OutputTypes;
    }

    /// <summary>Loads a model file (TFLite or ONNX) and checks that its input is an image.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="UnsupportedModelException">The model's input is not an image.</exception>
    /// <exception cref="DepthwiseException">The file is not a valid or supported model.</exception>
    public static VisionModel Load(string path, SessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new VisionModel(InferenceSession.Load(path, options), path);
    }

    /// <summary>Wraps a graph built in code or loaded elsewhere (the session optimizes a copy).</summary>
    /// <exception cref="UnsupportedModelException">The graph's input is not an image.</exception>
    public static VisionModel FromGraph(Graph.Graph graph, SessionOptions? options = null, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return new VisionModel(new InferenceSession(graph, options), source ?? graph.Name);
    }

    /// <summary>The model file, or the name given for a graph.</summary>
    public string Source { get; }

    /// <summary>The session running the model.</summary>
    public InferenceSession Session { get; }

    /// <summary>The model's metadata (TFLite), or null.</summary>
    public ModelMetadata? Metadata { get; }

    /// <summary>The image input.</summary>
    public ImageInputSpec Input { get; }

    /// <summary>The metadata of the image input, or null.</summary>
    public TensorMetadata? InputMetadata => Metadata is { Inputs.Count: > 0 } m ? m.Inputs[0] : null;

    /// <summary>The model's outputs as declared, in order (names, types; shapes may be partly unknown).</summary>
    public IReadOnlyList<TensorInfo> Outputs => Session.Outputs;

    /// <summary>The shape of each output for one image, from the plan compiled for <see cref="ImageInputSpec.Shape"/>.</summary>
    public IReadOnlyList<Shape> OutputShapes { get; }

    /// <summary>The element type of each output.</summary>
    public IReadOnlyList<DataType> OutputTypes { get; }

    /// <summary>Output <paramref name="index"/> described for messages: name, type and shape.</summary>
    public string DescribeOutput(int index) => $"{Outputs[index].Name}: {DataTypes.Name(OutputTypes[index])}{OutputShapes[index]}";

    /// <summary>
    /// The number of values of output <paramref name="index"/> when it is a vector for the one image ([N], [1, N],
    /// [1, 1, 1, N]: every dimension but the last is 1); −1 otherwise.
    /// </summary>
    public int VectorLength(int index)
    {
        var shape = OutputShapes[index];
        if (shape.Rank == 0) return -1;
        for (int d = 0; d < shape.Rank - 1; d++) if (shape[d] != 1) return -1;
        return shape[shape.Rank - 1];
    }

    /// <summary>Every output described for messages.</summary>
    public string DescribeOutputs() => string.Join(", ", Enumerable.Range(0, Outputs.Count).Select(DescribeOutput));

    /// <summary>The metadata of output <paramref name="index"/>, or null.</summary>
    public TensorMetadata? OutputMetadata(int index) => Metadata is { } m && index >= 0 && index < m.Outputs.Count ? m.Outputs[index] : null;

    /// <summary>The graph node computing output <paramref name="index"/> and which of its outputs it is, or null for a graph input or constant.</summary>
    public (Node Node, int Slot)? OutputProducer(int index)
    {
        var value = Session.Graph.Outputs[index];
        if (value.Producer is not { } node) return null;
        return (node, Array.IndexOf(node.Outputs, value));
    }

    /// <summary>
    /// ImageNet's mean and standard deviation in [0, 255] (torchvision's (0.485, 0.456, 0.406) and (0.229, 0.224, 0.225)):
    /// the float default for NCHW (ONNX/PyTorch) classifiers, detectors, segmenters and embedders.
    /// </summary>
    public static TensorNormalization ImageNetMeanStd { get; } = TensorNormalization.MeanStd(
        [0.485f * 255f, 0.456f * 255f, 0.406f * 255f], [0.229f * 255f, 0.224f * 255f, 0.225f * 255f]);

    /// <summary>
    /// The pixel mapping this model's input wants, in order of precedence: <paramref name="requested"/>; raw bytes for a
    /// uint8 input and bytes − 128 for an int8 input (as the TFLite Task Library and Coral feed quantized models,
    /// whose input quantization undoes it); the mean/std of the input's metadata; else <paramref name="floatDefault"/>,
    /// the task family's convention (see <see cref="FamilyDefault"/>).
    /// </summary>
    public TensorNormalization ChooseNormalization(TensorNormalization? requested, TensorNormalization floatDefault)
    {
        ArgumentNullException.ThrowIfNull(floatDefault);
        if (requested is not null) return requested;
        if (Input.DataType == DataType.UInt8) return TensorNormalization.Identity;
        if (Input.DataType == DataType.Int8) return TensorNormalization.Range(-128f, 127f);
        if (InputMetadata is { Mean: { Count: > 0 } mean, Std: { Count: > 0 } std } && FitsChannels(mean.Count) && FitsChannels(std.Count))
            return TensorNormalization.MeanStd(mean.ToArray(), std.ToArray());
        return floatDefault;
    }

    /// <summary>
    /// The float normalization of a model without metadata in the classifier/detector/segmenter/embedder families:
    /// ImageNet mean/std for an NCHW RGB input (the ONNX/PyTorch convention, torchvision's models), else
    /// <paramref name="nhwcDefault"/> (the TFLite convention of the task).
    /// </summary>
    public TensorNormalization FamilyDefault(TensorNormalization nhwcDefault)
        => Input.Layout == TensorLayout.Nchw && Input.Channels == 3 ? ImageNetMeanStd : nhwcDefault;

    private bool FitsChannels(int count) => count == 1 || (count == 3 && Input.Channels == 3);

    /// <summary>
    /// Pre-processing options for this model's input: its size, type, layout and channels, the normalization of
    /// <see cref="ChooseNormalization"/>, and the sampling of <paramref name="baseOptions"/> (a task's family default)
    /// with the overrides in <paramref name="options"/>.
    /// </summary>
    public ImageToTensorOptions CreatePreprocessing(ImageToTensorOptions baseOptions, VisionTaskOptions options, TensorNormalization floatDefault)
    {
        ArgumentNullException.ThrowIfNull(baseOptions);
        ArgumentNullException.ThrowIfNull(options);
        return baseOptions with
        {
            OutputWidth = Input.Width,
            OutputHeight = Input.Height,
            OutputType = Input.DataType,
            Layout = Input.Layout,
            OutputChannels = Input.Channels,
            Normalization = ChooseNormalization(options.Normalization, floatDefault),
            Interpolation = options.Interpolation ?? baseOptions.Interpolation,
            KeepAspectRatio = options.KeepAspectRatio ?? baseOptions.KeepAspectRatio,
            ChannelOrder = options.ChannelOrder ?? baseOptions.ChannelOrder,
            Sampling = options.Sampling ?? baseOptions.Sampling,
            BorderMode = options.BorderMode ?? baseOptions.BorderMode,
        };
    }

    /// <summary>Runs the model on one input tensor; returns its outputs in model order (quantized ones keep their <see cref="Tensor.Quant"/>).</summary>
    public Tensor[] Run(Tensor input) => Session.Run(input);

    /// <summary>
    /// The values of a model output as floats: float32/float16 as they are, uint8/int8 with quantization parameters
    /// dequantized (<c>scale · (q − zero_point)</c>, per tensor or per axis), other integers converted.
    /// </summary>
    public static float[] ToFloats(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Quant is not { } q || tensor.DataType is not (DataType.UInt8 or DataType.Int8))
            return tensor.ToFloatArray();
        var result = new float[tensor.ElementCount];
        ReadOnlySpan<byte> raw = tensor.Bytes.Span;
        bool signed = tensor.DataType == DataType.Int8;
        if (q.IsPerTensor)
        {
            float scale = q.Scales[0];
            long zero = q.ZeroPoints[0];
            for (int i = 0; i < result.Length; i++) result[i] = scale * ((signed ? (sbyte)raw[i] : raw[i]) - zero);
            return result;
        }
        // Per axis: index i lies in channel (i / inner) % channels.
        int axis = tensor.Shape.NormalizeAxis(q.Axis);
        int channels = tensor.Shape[axis];
        int inner = 1;
        for (int d = axis + 1; d < tensor.Shape.Rank; d++) inner *= tensor.Shape[d];
        for (int i = 0; i < result.Length; i++)
        {
            int c = i / inner % channels;
            result[i] = q.Scales[c] * ((signed ? (sbyte)raw[i] : raw[i]) - q.ZeroPoints[c]);
        }
        return result;
    }
}
