using System.Diagnostics;
using System.Text.RegularExpressions;
using Depthwise.Graph;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Xunit.Abstractions;

namespace Depthwise.Conformance;

/// <summary>
/// Whole networks against ONNX Runtime: torchvision's MobileNetV2/V3, EfficientNet-B0, LR-ASPP and DeepLabV3
/// (exported by <see cref="TorchvisionModels"/> with seeded random weights and randomized BatchNorm statistics) must
/// agree with ORT to 1e-4 of the output's largest magnitude, at batch 1 and, through the dynamic batch axis, batch 2.
/// </summary>
public sealed partial class TorchvisionModelTests(ITestOutputHelper output)
{
    /// <summary>Allowed max |ours − ORT| as a fraction of max |ORT output| (per output tensor).</summary>
    private const double RelativeTolerance = 1e-4;

    /// <summary>The six model names, for the theories.</summary>
    public static TheoryData<string> Models => new(TorchvisionModels.Names);

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void AgreesWithOnnxRuntime(string model)
    {
        RequireModels(needOrt: true);
        var (session, path) = Load(model);
        var input = SeededInput(session.DefaultInputShapes()[0], seed: 1);
        var theirs = RunOrt(path, input);
        var ours = RunOurs(session, input);
        AssertAgree(session, ours, theirs);
    }

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void RunsAtBatchTwoThroughTheDynamicBatchAxis(string model)
    {
        RequireModels(needOrt: true);
        var (session, path) = Load(model);
        var declared = session.Inputs[0].Shape;
        Assert.True(declared is { Count: 4 } && !declared[0].IsKnown, $"input should have a symbolic batch dimension, is {session.Inputs[0]}");

        // Batch 1 first, so the same session must compile a second plan for batch 2.
        var one = SeededInput(session.DefaultInputShapes()[0], seed: 1);
        var oursOne = RunOurs(session, one);

        var shape2 = session.DefaultInputShapes(unknownDim: 2)[0];
        var two = SeededInput(shape2, seed: 2);
        one.AsSpan<float>().CopyTo(two.AsSpan<float>());   // item 0 = the batch-1 image, item 1 = another
        var theirs = RunOrt(path, two);
        var ours = RunOurs(session, two);
        AssertAgree(session, ours, theirs);

        for (int o = 0; o < ours.Length; o++)
        {
            Assert.Equal(2, ours[o].Shape[0]);
            var first = ours[o].AsSpan<float>()[..oursOne[o].ElementCount];
            var single = oursOne[o].AsSpan<float>();
            double maxDiff = 0, scale = 0;
            for (int i = 0; i < single.Length; i++) { maxDiff = Math.Max(maxDiff, Math.Abs(first[i] - single[i])); scale = Math.Max(scale, Math.Abs(single[i])); }
            output.WriteLine($"{session.Outputs[o].Name}: batch-2 item 0 vs batch-1 run: max diff {maxDiff:G3}");
            Assert.True(maxDiff <= RelativeTolerance * scale, $"item 0 of the batch-2 run differs from the batch-1 run by {maxDiff:G3} (scale {scale:G3})");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void ExportedByDepthwiseRunsInOnnxRuntimeWithEqualOutputs(string model)
    {
        RequireModels(needOrt: true);
        var (session, _) = Load(model);
        var exported = Path.Combine(Path.GetTempPath(), $"dw-export-{model}-{Environment.ProcessId}.onnx");
        try
        {
            Depthwise.Formats.Onnx.OnnxExporter.Export(session.Graph, exported);
            var input = SeededInput(session.DefaultInputShapes()[0], seed: 3);
            var theirs = RunOrt(exported, input);
            var ours = RunOurs(session, input);
            AssertAgree(session, ours, theirs);
            output.WriteLine($"{model}: Depthwise's export ({new FileInfo(exported).Length:N0} bytes, opset {Depthwise.Formats.Onnx.OnnxExporter.TargetOpset}) runs in ONNX Runtime with equal outputs");
        }
        finally { File.Delete(exported); }
    }

    [SkippableFact]
    public void MobileNetV2HasTheKnownMacsAndParameterCount()
    {
        RequireModels(needOrt: false);
        var (session, _) = Load("mobilenet_v2");
        var plan = session.GetPlan(session.DefaultInputShapes());
        long macs = plan.TotalMacs;
        long parameters = ParameterCount(session.Graph);
        output.WriteLine($"mobilenet_v2 at {session.DefaultInputShapes()[0]}: {macs:N0} MACs, {parameters:N0} parameters " +
            $"(BatchNorm folded into the convolutions by the exporter), arena {plan.ArenaBytes:N0} bytes");
        // torchvision quotes 300M MACs (multiply-adds) and 3.5M parameters for MobileNetV2 at 224x224.
        Assert.InRange(macs, 294_000_000L, 306_000_000L);
        Assert.InRange(parameters, 3_400_000L, 3_600_000L);
    }

    /// <summary>Elements of the graph's constant tensors that some node reads (weights, biases, shape constants).</summary>
    private static long ParameterCount(Graph.Graph graph)
    {
        var read = new HashSet<Value>();
        foreach (var n in graph.Nodes)
            foreach (var v in n.Inputs)
                if (v is { IsConstant: true }) read.Add(v);
        return read.Sum(v => (long)v.Constant!.ElementCount);
    }

    private void RequireModels(bool needOrt)
    {
        if (needOrt) Skip.If(OrtPeer.Unavailable is not null, OrtPeer.Unavailable);
        Skip.If(TorchvisionModels.Unavailable is not null, TorchvisionModels.Unavailable);
        output.WriteLine($"models: {TorchvisionModels.ExportSummary}");
    }

    private (InferenceSession Session, string Path) Load(string model)
    {
        string path = TorchvisionModels.PathOf(model);
        var sw = Stopwatch.StartNew();
        var session = InferenceSession.Load(path);
        output.WriteLine($"{model}: loaded {path} in {sw.ElapsedMilliseconds} ms; inputs {string.Join(", ", session.Inputs)}");
        return (session, path);
    }

    /// <summary>Uniform in [-2, 2): the range of a normalized image.</summary>
    private static Tensor SeededInput(Shape shape, int seed)
    {
        var rnd = new Random(seed);
        var data = new float[shape.ElementCount];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rnd.NextDouble() * 4 - 2);
        return Tensor.FromArray(shape, data);
    }

    private Dictionary<string, Tensor> RunOrt(string path, Tensor input)
    {
        var sw = Stopwatch.StartNew();
        var result = OrtPeer.Run(path, [input]);
        output.WriteLine($"ONNX Runtime at {input.Shape}: {sw.ElapsedMilliseconds} ms (process start, load, one run)");
        return result;
    }

    private Tensor[] RunOurs(InferenceSession session, Tensor input)
    {
        var sw = Stopwatch.StartNew();
        var result = session.Run(input);
        output.WriteLine($"Depthwise at {input.Shape}: {sw.ElapsedMilliseconds} ms (plan compile and one run)");
        return result;
    }

    private void AssertAgree(InferenceSession session, Tensor[] ours, Dictionary<string, Tensor> theirs)
    {
        Assert.Equal(session.Outputs.Count, ours.Length);
        for (int o = 0; o < ours.Length; o++)
        {
            string name = session.Outputs[o].Name;
            Assert.True(theirs.TryGetValue(OrtFileName().Replace(name, "_"), out var reference), $"ONNX Runtime produced no output '{name}'");
            // The same rule as depthwise verify and the TFLite conformance tests (TensorComparison's float rule).
            var c = TensorComparison.Compare(reference, ours[o], new ComparisonTolerance { Relative = RelativeTolerance });
            output.WriteLine($"{name} {ours[o].Shape}: max |ORT| {c.Scale:G4}, max |ours - ORT| {c.MaxAbsDifference:G3} ({c.RelativeError:G3} relative; allowed {RelativeTolerance:G})");
            Assert.True(c.Rule != ComparisonRule.Mismatch, c.MismatchReason);
            Assert.True(c.Scale > 0, $"output '{name}' is all zeros in ONNX Runtime; the test would prove nothing");
            Assert.True(c.Passed, $"output '{name}': {c.Metric}; {c.Worst}");
        }
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex OrtFileName();
}
