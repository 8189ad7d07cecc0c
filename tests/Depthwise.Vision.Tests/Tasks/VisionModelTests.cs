using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Depthwise.Vision.Preprocessing;
using Depthwise.Vision.Tasks;

namespace Depthwise.Vision.Tests.Tasks;

/// <summary>The common base: finding the image input, choosing the normalization, dequantizing outputs.</summary>
public class VisionModelTests
{
    private static TensorInfo Info(DataType type, params int[] dims) => new("x", type, dims.Select(d => d < 0 ? Dim.Unknown("N") : Dim.Known(d)).ToArray());

    [Fact]
    public void FindsNhwcAndNchwImageInputs()
    {
        var nhwc = ImageInputSpec.Find([Info(DataType.Float32, 1, 128, 96, 3)], null, null, "m");
        Assert.Equal((96, 128, 3, TensorLayout.Nhwc), (nhwc.Width, nhwc.Height, nhwc.Channels, nhwc.Layout));
        var nchw = ImageInputSpec.Find([Info(DataType.Float32, -1, 3, 224, 200)], null, null, "m");
        Assert.Equal((200, 224, 3, TensorLayout.Nchw), (nchw.Width, nchw.Height, nchw.Channels, nchw.Layout));
        Assert.Equal(new Shape(1, 3, 224, 200), nchw.Shape);
        var gray = ImageInputSpec.Find([Info(DataType.UInt8, 1, 28, 28, 1)], QuantParams.PerTensor(1 / 255f, 0), null, "m");
        Assert.Equal((1, DataType.UInt8, true), (gray.Channels, gray.DataType, gray.IsInteger));
        Assert.NotNull(gray.Quant);
        // Dynamic height and width take the metadata's default size.
        var dynamic = ImageInputSpec.Find([Info(DataType.Float32, 1, -1, -1, 3)], null, new TensorMetadata { DefaultWidth = 320, DefaultHeight = 240 }, "m");
        Assert.Equal((320, 240), (dynamic.Width, dynamic.Height));
    }

    [Theory]
    [InlineData(DataType.Float32, new[] { 1, 1000 }, "is not an image")]
    [InlineData(DataType.Float32, new[] { 1, 224, 224, 4 }, "is not an image")]
    [InlineData(DataType.Int64, new[] { 1, 224, 224, 3 }, "element type is int64")]
    [InlineData(DataType.Float32, new[] { 2, 224, 224, 3 }, "batch 2")]
    [InlineData(DataType.Float32, new[] { 1, -1, -1, 3 }, "no fixed image size")]
    public void RefusesInputsThatAreNotImages(DataType type, int[] dims, string message)
    {
        var e = Assert.Throws<UnsupportedModelException>(() => ImageInputSpec.Find([Info(type, dims)], null, null, "model.onnx"));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("model.onnx: ", e.Message, StringComparison.Ordinal);
        Assert.Equal("model.onnx", e.Model);
    }

    [Fact]
    public void RefusesModelsWithSeveralInputs()
    {
        var e = Assert.Throws<UnsupportedModelException>(() => ImageInputSpec.Find([Info(DataType.Float32, 1, 8, 8, 3), Info(DataType.Float32, 1, 4)], null, null, null));
        Assert.Contains("one image input; this one has 2", e.Message, StringComparison.Ordinal);
    }

    /// <summary>image [1,4,4,3] (or NCHW) of <paramref name="type"/> → Identity → out; optional input metadata.</summary>
    private static VisionModel Model(DataType type, TensorLayout layout = TensorLayout.Nhwc, TensorMetadata? metadata = null)
    {
        var g = new Graph.Graph("tiny");
        Dim[] dims = layout == TensorLayout.Nhwc ? [Dim.Known(1), Dim.Known(4), Dim.Known(4), Dim.Known(3)] : [Dim.Known(1), Dim.Known(3), Dim.Known(4), Dim.Known(4)];
        var x = g.AddInput("image", type, dims);
        if (type != DataType.Float32) x.Quant = QuantParams.PerTensor(1 / 128f, type == DataType.UInt8 ? 128 : 0);
        var y = g.AddNode("identity", new IdentityOp(), [x], ["out"]).Outputs[0];
        g.AddOutput(y);
        if (metadata is not null) g.ModelInfo = new ModelMetadata { Inputs = [metadata] };
        return VisionModel.FromGraph(g);
    }

    [Fact]
    public void NormalizationComesFromTheRequestThenTheTypeThenMetadataThenTheFamily()
    {
        var fallback = TensorNormalization.Range(-1f, 1f);
        var metadata = new TensorMetadata { Mean = [127.5f], Std = [127.5f] };
        Assert.Same(TensorNormalization.Identity, Model(DataType.Float32).ChooseNormalization(TensorNormalization.Identity, fallback));
        // Quantized inputs take raw bytes even when the metadata gives a float normalization (the Task Library's rule).
        Assert.Same(TensorNormalization.Identity, Model(DataType.UInt8, metadata: metadata).ChooseNormalization(null, fallback));
        Assert.Equal("range [-128, 127]", Model(DataType.Int8).ChooseNormalization(null, fallback).Description);
        Assert.Equal("mean/std (127.5) / (127.5)", Model(DataType.Float32, metadata: metadata).ChooseNormalization(null, fallback).Description);
        Assert.Same(fallback, Model(DataType.Float32).ChooseNormalization(null, fallback));
        var nchw = Model(DataType.Float32, TensorLayout.Nchw);
        Assert.Same(VisionModel.ImageNetMeanStd, nchw.FamilyDefault(fallback));
        Assert.Same(fallback, Model(DataType.Float32).FamilyDefault(fallback));
        var options = nchw.CreatePreprocessing(ImageToTensorOptions.TaskLibrary(1, 1), new VisionTaskOptions { KeepAspectRatio = true }, fallback);
        Assert.Equal((4, 4, TensorLayout.Nchw, 3, true, PixelSampling.HalfPixelCenters), (options.OutputWidth, options.OutputHeight, options.Layout, options.OutputChannels, options.KeepAspectRatio, options.Sampling));
    }

    [Fact]
    public void ModelOutputsAreDescribedWithTheirPlanShapes()
    {
        var model = Model(DataType.Float32);
        Assert.Equal(new Shape(1, 4, 4, 3), model.OutputShapes[0]);
        Assert.Equal("out: float32[1,4,4,3]", model.DescribeOutput(0));
        Assert.Equal(-1, model.VectorLength(0));
    }

    [Fact]
    public void QuantizedOutputsAreDequantized()
    {
        var perTensor = Tensor.FromArray(new Shape(1, 3), new byte[] { 0, 58, 255 }, QuantParams.PerTensor(0.5f, 58));
        Assert.Equal([-29f, 0f, 98.5f], VisionModel.ToFloats(perTensor));
        var signed = Tensor.FromArray(new Shape(2), new sbyte[] { -128, 127 }, QuantParams.PerTensor(0.25f, -1));
        Assert.Equal([-31.75f, 32f], VisionModel.ToFloats(signed));
        // Per axis 1 of [2, 2]: column 0 scale 1 zero 0, column 1 scale 2 zero 10.
        var perAxis = Tensor.FromArray(new Shape(2, 2), new byte[] { 5, 12, 7, 9 }, new QuantParams([1f, 2f], [0, 10], axis: 1));
        Assert.Equal([5f, 4f, 7f, -2f], VisionModel.ToFloats(perAxis));
        Assert.Equal([1.5f], VisionModel.ToFloats(Tensor.FromArray(new Shape(1), new[] { 1.5f })));
    }
}
