using Depthwise.Kernels.Quantized;
using Depthwise.Formats;
using Depthwise.Formats.TFLite;
using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Xunit.Abstractions;

namespace Depthwise.Tests.Formats.TFLite;

/// <summary>The real .tflite models of the shared folder: they import, run, and their metadata reads as published.</summary>
public sealed class TfLiteModelTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models() =>
    [
        "coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite", "deeplabv3.tflite", "face_detection_full_range.tflite",
        "face_detection_short_range.tflite", "mobilenet_v1_0.25_224_1_metadata_1.tflite", "mobilenet_v1_0.25_224_quant.tflite",
        "mobilenet_v2_035_96_embedder_with_metadata.tflite", "mobilenet_v2_1.0_224_quant.tflite", "selfie_segmentation.tflite",
    ];

    public static TheoryData<string> FloatModels() =>
    [
        "deeplabv3.tflite", "face_detection_full_range.tflite", "face_detection_short_range.tflite",
        "mobilenet_v1_0.25_224_1_metadata_1.tflite", "selfie_segmentation.tflite", "mobilenet_v2_035_96_embedder_with_metadata.tflite",
    ];

    /// <summary>Uniform [lo, hi) floats from a fixed seed.</summary>
    internal static Tensor SeededInput(Shape shape, int seed, float lo = 0, float hi = 1)
    {
        var rnd = new Random(seed);
        var data = new float[shape.ElementCount];
        for (int i = 0; i < data.Length; i++) data[i] = lo + (float)rnd.NextDouble() * (hi - lo);
        return Tensor.FromArray(shape, data);
    }

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void EveryModelImportsWithItsInputsAndOutputsInModelOrder(string file)
    {
        var path = SharedModels.TfLite(file);
        var bytes = File.ReadAllBytes(path);
        var model = TfLiteModel.Read(bytes, path);
        var g = TfLiteImporter.Import(bytes, path);
        Assert.Equal(model.Inputs.Select(i => model.Tensors[i].Name), g.Inputs.Select(v => v.Name));
        Assert.Equal(model.Outputs.Select(i => model.Tensors[i].Name), g.Outputs.Select(v => v.Name));
        output.WriteLine($"{file}: {g.Nodes.Count} nodes; inputs {string.Join(", ", g.Inputs.Select(v => $"{v.Name} {DataTypes.Name(v.DataType)}"))}");
    }

    [SkippableTheory]
    [MemberData(nameof(FloatModels))]
    public void FloatModelsRunToFiniteOutputsOfTheDeclaredShapes(string file)
    {
        var path = SharedModels.TfLite(file);
        var session = new InferenceSession(TfLiteImporter.Import(path));
        var shapes = session.DefaultInputShapes();
        var inputs = shapes.Select((s, i) => SeededInput(s, 17 + i, -1, 1)).ToArray();
        var outputs = session.Run(inputs);
        Assert.Equal(session.Outputs.Count, outputs.Length);
        for (int i = 0; i < outputs.Length; i++)
        {
            var declared = session.Outputs[i].Shape;
            Assert.NotNull(declared);
            Assert.Equal(declared!.Count, outputs[i].Shape.Rank);
            for (int d = 0; d < declared.Count; d++)
                if (declared[d].IsKnown) Assert.Equal(declared[d].Size, outputs[i].Shape[d]);
            Assert.All(outputs[i].ToArray<float>(), v => Assert.True(float.IsFinite(v)));
        }
    }

    [SkippableFact]
    public void MobileNetV1FloatGivesAProbabilityVector()
    {
        var path = SharedModels.TfLite("mobilenet_v1_0.25_224_1_metadata_1.tflite");
        var session = InferenceSession.Load(path);
        Assert.Equal("input", session.Inputs[0].Name);
        Assert.Equal("MobilenetV1/Predictions/Reshape_1", session.Outputs[0].Name);
        var y = session.Run(SeededInput(new Shape(1, 224, 224, 3), 5, -1, 1))[0];
        Assert.Equal(new Shape(1, 1001), y.Shape);
        var p = y.ToArray<float>();
        Assert.All(p, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(1.0, p.Sum(v => (double)v), 4);
    }

    [SkippableFact]
    public void QuantizedMobileNetV1RunsOnIntegerKernelsToAProbabilityVector()
    {
        var path = SharedModels.TfLite("mobilenet_v1_0.25_224_quant.tflite");
        var session = InferenceSession.Load(path);
        Assert.Equal(DataType.UInt8, session.Inputs[0].DataType);
        Assert.Contains(session.Graph.Nodes, n => n.Op is QLinearConvOp);
        Assert.DoesNotContain(session.Graph.Nodes, n => n.Op is ConvOp);
        var rnd = new Random(3);
        var x = new byte[224 * 224 * 3];
        rnd.NextBytes(x);
        var y = session.Run(Tensor.FromArray(new Shape(1, 224, 224, 3), x, session.Graph.Inputs[0].Quant))[0];
        Assert.Equal(DataType.UInt8, y.DataType);
        Assert.Equal(QuantParams.PerTensor(1f / 256, 0), y.Quant);
        // 1001 probabilities in steps of 1/256, each rounded: on noise most are below half a step and become 0, so
        // the sum is at most 1 (plus rounding) and well above 0.
        Assert.InRange(y.ToArray<byte>().Sum(v => (double)v) / 256, 0.5, 1.1);
    }

    [SkippableFact]
    public void SsdMobileNetDetectsThroughTheCustomPostProcess()
    {
        var path = SharedModels.TfLite("coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite");
        var session = InferenceSession.Load(path);
        Assert.Contains(session.Graph.Nodes, n => n.Op is DetectionPostProcessOp);
        var rnd = new Random(4);
        var x = new byte[300 * 300 * 3];
        rnd.NextBytes(x);
        var outs = session.Run(Tensor.FromArray(new Shape(1, 300, 300, 3), x, session.Graph.Inputs[0].Quant));
        Assert.Equal([new Shape(1, 10, 4), new Shape(1, 10), new Shape(1, 10), new Shape(1)], outs.Select(o => o.Shape));
        float count = outs[3].ToArray<float>()[0];
        Assert.InRange(count, 0, 10);
        Assert.All(outs[1].ToArray<float>(), c => Assert.True(c == MathF.Floor(c) && c is >= 0 and < 90));
        Assert.All(outs[2].ToArray<float>(), p => Assert.InRange(p, 0f, 1f));
    }

    [SkippableFact]
    public void MobileNetV1FloatMatchesTheUnoptimizedGraph()
    {
        // The optimized plan (folded, fused, NHWC kernels) and the reference kernels of the unoptimized graph agree.
        var path = SharedModels.TfLite("mobilenet_v1_0.25_224_1_metadata_1.tflite");
        var g = TfLiteImporter.Import(path);
        var x = SeededInput(new Shape(1, 224, 224, 3), 9, -1, 1);
        var fast = new InferenceSession(g).Run(x)[0].ToArray<float>();
        var slow = new InferenceSession(g, new SessionOptions { OptimizationLevel = OptimizationLevel.None }).Run(x)[0].ToArray<float>();
        for (int i = 0; i < fast.Length; i++) Assert.Equal(slow[i], fast[i], 4);
    }

    [SkippableFact]
    public void FloatMetadataGivesTheNormalizationAndTheLabels()
    {
        var path = SharedModels.TfLite("mobilenet_v1_0.25_224_1_metadata_1.tflite");
        var info = TfLiteImporter.Import(path).ModelInfo;
        Assert.NotNull(info);
        output.WriteLine($"{info!.Name} / {info.Version} / {info.Description}");
        Assert.False(string.IsNullOrEmpty(info.Name));
        var input = Assert.Single(info.Inputs);
        Assert.Equal([127.5f], input.Mean);
        Assert.Equal([127.5f], input.Std);
        Assert.True(input.IsImage);
        Assert.Equal(ImageColorSpace.Rgb, input.ColorSpace);
        var labels = Assert.Single(info.Outputs).Labels;
        Assert.NotNull(labels);
        Assert.Equal(1001, labels!.Count);
        Assert.Equal("background", labels[0]);
        Assert.Equal("cheeseburger", labels[934]);
    }

    [SkippableFact]
    public void QuantizedMetadataGivesTheLabels()
    {
        var path = SharedModels.TfLite("mobilenet_v1_0.25_224_quant.tflite");
        var model = TfLiteModel.Read(File.ReadAllBytes(path), path);
        var info = TfLiteMetadataReader.Read(model);
        Assert.NotNull(info);
        var labels = Assert.Single(info!.Outputs).Labels;
        Assert.Equal(1001, labels!.Count);
        Assert.Equal("cheeseburger", labels[934]);
        Assert.Equal("labels.txt", Assert.Single(info.Outputs[0].AssociatedFiles).Name);
        Assert.Equal(AssociatedFileKind.TensorAxisLabels, info.Outputs[0].AssociatedFiles[0].Kind);
    }

    [SkippableFact]
    public void DetectionAndSegmentationMetadataGiveTheirLabelMaps()
    {
        var coco = SharedModels.TfLite("coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite");
        var info = TfLiteMetadataReader.Read(TfLiteModel.Read(File.ReadAllBytes(coco), coco));
        Assert.NotNull(info);
        Assert.Equal(4, info!.Outputs.Count);
        var classes = info.Outputs.Select(o => o.ValueLabels).Single(l => l is not null);
        Assert.Equal("person", classes![0]);
        Assert.Equal("cat", classes[16]);
        Assert.Equal("dog", classes[17]);

        var deeplab = SharedModels.TfLite("deeplabv3.tflite");
        var seg = TfLiteImporter.Import(deeplab).ModelInfo;
        Assert.NotNull(seg);
        var labels = seg!.Outputs.Select(o => o.Labels).Single(l => l is not null);
        Assert.Equal(21, labels!.Count);
        Assert.Equal("background", labels[0]);
    }

    [SkippableFact]
    public void DynamicRangeLayersRunAsHybridConvolutionsByDefault()
    {
        var path = SharedModels.TfLite("mobilenet_v2_035_96_embedder_with_metadata.tflite");
        var g = TfLiteImporter.Import(path);
        var hybrid = g.Nodes.Where(n => n.Op is HybridConvOp).ToArray();
        Assert.Equal(37, hybrid.Length);   // the 27 CONV_2D and 10 DEPTHWISE_CONV_2D with int8 weights
        Assert.Equal(10, hybrid.Count(n => ((HybridConvOp)n.Op).DepthwiseScaleOrder));
        Assert.DoesNotContain(g.Nodes, n => n.Op is DequantizeLinearOp);
        // Per-channel filters: TFLite's asymmetric path for every layer of this model.
        Assert.All(hybrid, n => Assert.Equal(HybridInputQuantization.Asymmetric, ((HybridConvOp)n.Op).InputQuantization));
        var info = g.ModelInfo;
        Assert.NotNull(info);
        output.WriteLine($"embedder metadata: {info!.Name}; input mean {string.Join(",", info.Inputs[0].Mean ?? [])} std {string.Join(",", info.Inputs[0].Std ?? [])}");
    }

    [SkippableFact]
    public void WithoutHybridKernelsDynamicRangeWeightsAreDequantizedOnceWhenTheSessionIsCreated()
    {
        var path = SharedModels.TfLite("mobilenet_v2_035_96_embedder_with_metadata.tflite");
        var g = TfLiteImporter.Import(path, new TfLiteImportOptions { HybridKernels = false });
        var dequantized = g.Nodes.Where(n => n.Op is DequantizeLinearOp).ToArray();
        Assert.NotEmpty(dequantized);
        Assert.DoesNotContain(g.Nodes, n => n.Op is HybridConvOp);
        Assert.All(dequantized, n => Assert.Equal(DataType.Int8, n.Inputs[0]!.Constant!.DataType));
        Assert.Contains(dequantized, n => n.Inputs[0]!.Quant is { IsPerTensor: false, Axis: 0 });
        var session = new InferenceSession(g);
        Assert.DoesNotContain(session.Graph.Nodes, n => n.Op is DequantizeLinearOp);

        // The float computation and TFLite's hybrid one are the same network: a few percent apart, never unrelated.
        var x = Tensor.FromArray(new Shape(1, 96, 96, 3), Enumerable.Range(0, 96 * 96 * 3).Select(i => (float)Math.Sin(i * 0.01)).ToArray());
        var f = session.Run([x])[0].AsSpan<float>().ToArray();
        var h = new InferenceSession(TfLiteImporter.Import(path)).Run([x])[0].AsSpan<float>().ToArray();
        double dot = 0, nf = 0, nh = 0;
        for (int i = 0; i < f.Length; i++) { dot += f[i] * h[i]; nf += f[i] * f[i]; nh += h[i] * h[i]; }
        double cosine = dot / Math.Sqrt(nf * nh);
        output.WriteLine($"cosine(float, hybrid) = {cosine:F5}");
        Assert.InRange(cosine, 0.99, 1.0);
        Assert.NotEqual(f, h);
    }

    [SkippableFact]
    public void ModelsWithoutMetadataHaveNoModelInfo()
    {
        var path = SharedModels.TfLite("face_detection_short_range.tflite");
        Assert.Null(TfLiteImporter.Import(path).ModelInfo);
    }

    [SkippableFact]
    public void ModelLoaderDetectsTfLiteByItsIdentifier()
    {
        var path = SharedModels.TfLite("face_detection_short_range.tflite");
        var g = ModelLoader.Load(path);
        Assert.Equal(["input"], g.Inputs.Select(v => v.Name));
        Assert.Equal(["regressors", "classificators"], g.Outputs.Select(v => v.Name));
        var fromBytes = ModelLoader.Load(File.ReadAllBytes(path), "face.tflite");
        Assert.Equal(g.Nodes.Count, fromBytes.Nodes.Count);
    }

    [SkippableFact]
    public void FaceDetectorWeightsAreFloat16ConstantsFoldedToFloat32()
    {
        var path = SharedModels.TfLite("face_detection_short_range.tflite");
        var g = TfLiteImporter.Import(path);
        Assert.Contains(g.Nodes, n => n.Op is CastOp);
        var session = new InferenceSession(g);
        Assert.DoesNotContain(session.Graph.Nodes, n => n.Op is CastOp);
        Assert.All(session.Graph.Nodes.Where(n => n.Op is ConvOp), n => Assert.NotNull(n.Inputs[1]!.Constant));
    }
}
