using Depthwise.Formats;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Xunit.Abstractions;

namespace Depthwise.Conformance;

/// <summary>
/// Depthwise against ONNX Runtime 1.30 on the real int8 model ../shared/models/onnx/mobilenetv2-12-int8.onnx
/// (QLinearConv, QLinearAdd, QLinearMatMul …), on the references made by tools/ort-references.sh (a seeded image and
/// burger.jpg), and the reference-case runner itself on a float network against ORT.
/// </summary>
public sealed class OrtReferenceTests(ITestOutputHelper output)
{
    private const string Generator = "tools/ort-references.sh";

    /// <summary>
    /// mobilenetv2-12-int8's output is DequantizeLinear(output_quantized, scale 0.16014458, zero point 75): float values
    /// on a grid of that step, so the quantized rule applies in steps of it (≤ 1 step, ≥ 99 % equal). Read from the
    /// model's last DequantizeLinear; the test checks that the reference values do lie on this grid.
    /// </summary>
    private static readonly Dictionary<string, double> OutputGridStep = new(StringComparer.Ordinal)
    {
        ["mobilenetv2-12-int8"] = 0.16014458,
    };

    /// <summary>The rows: "model stem/case" for every ORT reference folder.</summary>
    public static TheoryData<string> Cases => ReferenceOutputs.Rows(ReferenceOutputs.OrtRoot);

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void AgreesWithOnnxRuntime(string id)
    {
        string dir = ReferenceOutputs.RequireCase(ReferenceOutputs.OrtRoot, id, Generator);
        string model = ReferenceOutputs.RequireModel(dir, Generator);
        string stem = id[..id.IndexOf('/', StringComparison.Ordinal)];
        var expected = Npy.Read(ReferenceCase.OutputFile(dir, 0));
        double? step = OutputGridStep.TryGetValue(stem, out var s) ? s : null;
        if (step is double grid)
        {
            // The grid is the premise of the rule: every reference value is (q − 75) × step for an integer q.
            foreach (float v in expected.AsSpan<float>())
                Assert.True(Math.Abs(v / grid - Math.Round(v / grid)) < 1e-3, $"reference value {v} is not on the grid of step {grid}");
        }

        var session = InferenceSession.Load(model);
        var inputs = ReferenceCase.ReadInputs(dir, session.Inputs.Count);
        var actual = session.Run(inputs);
        Assert.Single(actual);
        var c = step is double g ? TensorComparison.CompareQuantizedGrid(expected, actual[0], g) : TensorComparison.Compare(expected, actual[0]);
        output.WriteLine($"{id}: {(c.Passed ? "PASS" : "FAIL")} {c.Metric} {c.Worst}");
        Assert.True(c.Passed, $"{c.Metric} {c.Worst}");
    }

    /// <summary>The burger case is prepared right: ORT puts it in ImageNet class 933 (cheeseburger, 1000-class list).</summary>
    [SkippableFact]
    public void BurgerIsACheeseburgerInTheReference()
    {
        string file = Path.Combine(ReferenceOutputs.OrtRoot, "mobilenetv2-12-int8", "burger", "output_0.npy");
        Skip.IfNot(File.Exists(file), $"no reference {file} (run {Generator})");
        var scores = Npy.Read(file).ToFloatArray();
        Assert.Equal(933, Array.IndexOf(scores, scores.Max()));
    }

    /// <summary>
    /// <see cref="ReferenceCase"/> and the float rule on a real network: torchvision MobileNetV2 against ORT's output in
    /// the references' layout passes; the same reference with one value moved by 2e-4 of max |output| fails, naming it.
    /// </summary>
    [SkippableFact]
    public void ReferenceCasePassesMobileNetV2AgainstOrtAndFailsAPerturbedReference()
    {
        Skip.If(OrtPeer.Unavailable is not null, OrtPeer.Unavailable);
        Skip.If(TorchvisionModels.Unavailable is not null, TorchvisionModels.Unavailable);
        string path = TorchvisionModels.PathOf("mobilenet_v2");
        var session = InferenceSession.Load(path);
        var rnd = new Random(11);
        var shape = session.DefaultInputShapes()[0];
        var input = Tensor.FromArray(shape, Enumerable.Range(0, shape.ElementCount).Select(_ => (float)(rnd.NextDouble() * 4 - 2)).ToArray());
        var dir = Directory.CreateTempSubdirectory("dw-refcase-");
        try
        {
            Npy.Write(ReferenceCase.InputFile(dir.FullName, 0), input);
            var reference = OrtPeer.Run(path, [input])["output"];
            Npy.Write(ReferenceCase.OutputFile(dir.FullName, 0), reference);
            var good = ReferenceCase.Run(session, dir.FullName, dir.FullName);
            var c = good.Outputs[0].Comparison;
            output.WriteLine($"mobilenet_v2 vs ORT: {c.Metric}");
            Assert.True(good.Passed, c.Metric);
            Assert.Equal(ComparisonRule.RelativeFloat, c.Rule);

            var values = reference.AsSpan<float>();
            float max = 0;
            foreach (float v in values) max = Math.Max(max, Math.Abs(v));
            values[123] += 2e-4f * max;
            Npy.Write(ReferenceCase.OutputFile(dir.FullName, 0), reference);
            var bad = ReferenceCase.Run(session, dir.FullName, dir.FullName);
            var b = bad.Outputs[0].Comparison;
            output.WriteLine($"perturbed: {b.Metric} {b.Worst}");
            Assert.False(bad.Passed);
            Assert.Equal(123, b.WorstIndex);
            Assert.InRange(b.RelativeError, 1.5e-4, 2.5e-4);
        }
        finally { dir.Delete(true); }
    }
}
