using System.Diagnostics;
using Depthwise.Formats;
using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Passes;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Xunit.Abstractions;

namespace Depthwise.Conformance;

/// <summary>
/// The graph passes on whole networks: for each torchvision model, the fully optimized graph (folding, fusion,
/// channels-last layout) computes what the graph as imported computes, to 1e-4 of the output's largest magnitude,
/// at batch 1 and batch 2, and has the structure the passes promise (transposes only at the graph boundary, fused
/// activations and residuals). That the optimized graph also agrees with ONNX Runtime is
/// <see cref="TorchvisionModelTests"/>' job: sessions optimize by default.
/// </summary>
public sealed class OptimizedGraphTests(ITestOutputHelper output)
{
    private const double RelativeTolerance = 1e-4;

    /// <summary>The six model names, for the theories.</summary>
    public static TheoryData<string> Models => new(TorchvisionModels.Names);

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void OptimizedGraphComputesWhatTheImportedGraphComputes(string model)
    {
        Skip.If(TorchvisionModels.Unavailable is not null, TorchvisionModels.Unavailable);
        var imported = ModelLoader.Load(TorchvisionModels.PathOf(model));
        var sw = Stopwatch.StartNew();
        var optimized = GraphOptimizer.Optimize(imported, OptimizationLevel.All);
        long optimizeMs = sw.ElapsedMilliseconds;
        var before = Census.Of(imported);
        var after = Census.Of(optimized);
        output.WriteLine($"{model}: optimized in {optimizeMs} ms");
        output.WriteLine($"  before: {before}");
        output.WriteLine($"  after:  {after}");
        output.WriteLine($"  ops before: {Histogram(imported)}");
        output.WriteLine($"  ops after:  {Histogram(optimized)}");
        foreach (var n in optimized.Nodes.Where(n => n.Op is TransposeOp || n.Op is ConvOp { Layout: ChannelLayout.ChannelsFirst }))
            output.WriteLine($"  {n.Op.OpType} {n.Name}: reads {string.Join(", ", n.Inputs.Select(v => v?.Producer?.ToString() ?? v?.Name))}; " +
                $"read by {string.Join(", ", optimized.Consumers(n.Outputs[0]))}{(optimized.Outputs.Contains(n.Outputs[0]) ? " (graph output)" : "")}");

        var plain = new InferenceSession(imported, new SessionOptions { OptimizationLevel = OptimizationLevel.None });
        var fast = new InferenceSession(optimized, new SessionOptions { OptimizationLevel = OptimizationLevel.None });
        foreach (int batch in new[] { 1, 2 })
        {
            var input = SeededInput(plain.DefaultInputShapes(unknownDim: batch)[0], seed: batch);
            sw.Restart();
            var expected = plain.Run(input);
            long plainMs = sw.ElapsedMilliseconds;
            sw.Restart();
            var actual = fast.Run(input);
            long fastMs = sw.ElapsedMilliseconds;
            output.WriteLine($"  batch {batch}: imported graph {plainMs} ms, optimized graph {fastMs} ms (reference kernels, compile + one run)");
            AssertClose(plain, expected, actual);
        }

        // Structure: every convolution is channels-last (or inside a fused squeeze-excitation block, which holds two),
        // transposes only at the boundary.
        Assert.Equal(before.Convs, after.Convs + 2 * after.SqueezeExcites);
        Assert.Equal(after.Convs, after.ChannelsLastConvs);
        Assert.Equal(0, after.BatchNorms);
        Assert.Equal(0, after.ConstantNodes);
        // One transpose for the (NCHW) input; segmenters also give their 4-D output back in NCHW.
        int boundary = optimized.Outputs.Count(v => Census.Rank(v) == 4);
        Assert.Equal(1 + boundary, after.Transposes);
        Assert.True(after.FusedActivations > 0, "no activation was fused");
        Assert.True(after.Nodes < before.Nodes, "the optimized graph is not smaller");
        if (model == "mobilenet_v2")
        {
            // 35 ReLU6 (Clip) follow convolutions; 10 residual Adds follow the projection convolutions.
            Assert.Equal(1, after.Transposes);
            Assert.Equal(0, after.Reshapes);
            Assert.Equal(35, after.FusedActivations);
            Assert.Equal(10, after.FusedResiduals);
        }
        // Every squeeze-excitation block is fused: none in MobileNetV2, 8 in MobileNetV3-Large (and its segmenters'
        // backbones), 9 in MobileNetV3-Small, 16 in EfficientNet-B0.
        int expectedSe = model switch
        {
            "mobilenet_v2" => 0,
            "mobilenet_v3_small" => 9,
            "efficientnet_b0" => 16,
            _ => 8,
        };
        Assert.Equal(expectedSe, after.SqueezeExcites);
    }

    [SkippableFact]
    public void SessionGraphIsTheOptimizedOneAndTheCallersGraphIsLeftAlone()
    {
        Skip.If(TorchvisionModels.Unavailable is not null, TorchvisionModels.Unavailable);
        var imported = ModelLoader.Load(TorchvisionModels.PathOf("mobilenet_v2"));
        int nodes = imported.Nodes.Count;
        var session = new InferenceSession(imported);
        Assert.Equal(nodes, imported.Nodes.Count);
        Assert.DoesNotContain(imported.Nodes, n => n.Op is TransposeOp);
        Assert.Equal(1, session.Graph.Nodes.Count(n => n.Op is TransposeOp));
        var loaded = InferenceSession.Load(TorchvisionModels.PathOf("mobilenet_v2"));
        Assert.Equal(Census.Of(session.Graph).ToString(), Census.Of(loaded.Graph).ToString());
        var none = InferenceSession.Load(TorchvisionModels.PathOf("mobilenet_v2"), new SessionOptions { OptimizationLevel = OptimizationLevel.None });
        Assert.Equal(nodes, none.Graph.Nodes.Count);
    }

    /// <summary>Counts of what the passes change, per graph.</summary>
    private sealed record Census(int Nodes, int Convs, int ChannelsLastConvs, int FusedActivations, int FusedResiduals,
        int Transposes, int Reshapes, int BatchNorms, int ConstantNodes, int SqueezeExcites)
    {
        public static Census Of(Graph.Graph g)
        {
            var convs = g.Nodes.Where(n => n.Op is ConvOp).ToArray();
            return new Census(g.Nodes.Count, convs.Length,
                convs.Count(n => ((ConvOp)n.Op).Layout == ChannelLayout.ChannelsLast),
                convs.Count(n => !((ConvOp)n.Op).Activation.IsNone),
                convs.Count(n => n.Input(ConvOp.ResidualInput) is not null),
                g.Nodes.Count(n => n.Op is TransposeOp), g.Nodes.Count(n => n.Op is ReshapeOp),
                g.Nodes.Count(n => n.Op is BatchNormalizationOp), g.Nodes.Count(n => n.Op is ConstantOp),
                g.Nodes.Count(n => n.Op is SqueezeExciteOp));
        }

        public static int Rank(Value v) => v.DeclaredShape?.Count ?? -1;

        public override string ToString() =>
            $"{Nodes} nodes, {Convs} Conv ({ChannelsLastConvs} NHWC, {FusedActivations} with a fused activation, {FusedResiduals} with a fused residual), " +
            $"{Transposes} Transpose, {Reshapes} Reshape, {BatchNorms} BatchNormalization, {ConstantNodes} Constant, {SqueezeExcites} SqueezeExcite";
    }

    private static string Histogram(Graph.Graph g) =>
        string.Join(", ", g.Nodes.GroupBy(n => n.Op is ConvOp c && !c.Activation.IsNone ? $"Conv+{c.Activation.Kind}" : n.Op.OpType)
            .OrderByDescending(x => x.Count()).ThenBy(x => x.Key, StringComparer.Ordinal).Select(x => $"{x.Key} {x.Count()}"));

    private static Tensor SeededInput(Shape shape, int seed)
    {
        var rnd = new Random(seed);
        var data = new float[shape.ElementCount];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rnd.NextDouble() * 4 - 2);
        return Tensor.FromArray(shape, data);
    }

    private void AssertClose(InferenceSession session, Tensor[] expected, Tensor[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int o = 0; o < expected.Length; o++)
        {
            Assert.Equal(expected[o].Shape, actual[o].Shape);
            var e = expected[o].AsSpan<float>();
            var a = actual[o].AsSpan<float>();
            double scale = 0, maxErr = 0;
            for (int i = 0; i < e.Length; i++)
            {
                scale = Math.Max(scale, Math.Abs(e[i]));
                maxErr = Math.Max(maxErr, float.IsFinite(a[i]) ? Math.Abs(a[i] - e[i]) : double.PositiveInfinity);
            }
            output.WriteLine($"    {session.Outputs[o].Name} {actual[o].Shape}: max |imported| {scale:G4}, max |optimized - imported| {maxErr:G3}");
            Assert.True(scale > 0, "the output is all zeros; the comparison would prove nothing");
            Assert.True(maxErr <= RelativeTolerance * scale, $"max |optimized - imported| = {maxErr:G4} exceeds {RelativeTolerance:G} x {scale:G4}");
        }
    }
}
