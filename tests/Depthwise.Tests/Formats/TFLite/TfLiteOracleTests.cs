using System.Diagnostics;
using Depthwise.Formats.TFLite;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Xunit.Abstractions;

namespace Depthwise.Tests.Formats.TFLite;

/// <summary>
/// Every shared .tflite model against TensorFlow Lite itself (shared/tools/tflite-oracle: TFLite compiled to
/// WebAssembly, run in headless Chromium): the oracle makes seeded inputs, runs the model and writes inputs and outputs
/// as .npy; the imported graph must reproduce the outputs from the same inputs. Opt-in: the oracle needs Chromium and
/// an installed copy of the tool, so the tests run only when $DEPTHWISE_TFLITE_ORACLE names its wrapper script.
/// </summary>
public sealed class TfLiteOracleTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models() => TfLiteModelTests.Models();

    /// <summary>
    /// Dynamic-range models (int8 weights, float activations): Depthwise dequantizes the weights once and computes in
    /// float, while TFLite's hybrid kernels also quantize each input row to int8 before the integer dot products. The
    /// results differ by that activation rounding (about 2.6 % RMS on the embedder), so they are held to the
    /// direction of the output instead: cosine similarity.
    /// </summary>
    private static readonly Dictionary<string, double> CosineRule = new(StringComparer.Ordinal)
    {
        ["mobilenet_v2_035_96_embedder_with_metadata.tflite"] = 0.999,
    };

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void OutputsMatchTensorFlowLite(string file)
    {
        string? oracle = Environment.GetEnvironmentVariable("DEPTHWISE_TFLITE_ORACLE");
        Skip.If(oracle is null || !File.Exists(oracle), "set DEPTHWISE_TFLITE_ORACLE to an installed tflite-oracle script to compare with TFLite");
        var path = SharedModels.TfLite(file);
        var graph = TfLiteImporter.Import(path);
        string dir = Path.Combine(Path.GetTempPath(), $"depthwise-tflite-oracle-{Guid.NewGuid():N}");
        try
        {
            var psi = new ProcessStartInfo(oracle!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { path, dir, "--seed", "11" }) psi.ArgumentList.Add(a);
            using (var p = Process.Start(psi)!)
            {
                var stdout = p.StandardOutput.ReadToEndAsync();
                string stderr = p.StandardError.ReadToEnd();
                Assert.True(p.WaitForExit(300_000), "tflite-oracle did not finish in 5 minutes");
                Assert.True(p.ExitCode == 0, $"tflite-oracle failed ({p.ExitCode}): {stderr}{stdout.Result}");
            }
            var session = new InferenceSession(graph);
            var inputs = Enumerable.Range(0, session.Inputs.Count).Select(i => Npy.Read(Path.Combine(dir, $"input_{i}.npy"))).ToArray();
            for (int i = 0; i < inputs.Length; i++)
                if (graph.Inputs[i].Quant is { } q) inputs[i] = new Tensor(inputs[i].DataType, inputs[i].Shape, inputs[i].Bytes, q);
            var ours = session.Run(inputs);
            for (int i = 0; i < ours.Length; i++)
            {
                var want = Npy.Read(Path.Combine(dir, $"output_{i}.npy"));
                Assert.Equal(want.Shape, ours[i].Shape);
                Assert.Equal(want.DataType, ours[i].DataType);
                var w = want.ToFloatArray();
                var g = ours[i].ToFloatArray();
                double worst = 0, scale = 1e-30, dot = 0, ww = 0, gg = 0;
                int different = 0;
                for (int k = 0; k < w.Length; k++)
                {
                    worst = Math.Max(worst, Math.Abs(w[k] - g[k]));
                    scale = Math.Max(scale, Math.Abs(w[k]));
                    if (w[k] != g[k]) different++;
                    dot += (double)w[k] * g[k];
                    ww += (double)w[k] * w[k];
                    gg += (double)g[k] * g[k];
                }
                double cosine = dot / Math.Sqrt(Math.Max(ww * gg, 1e-300));
                output.WriteLine($"{file} output {i} '{session.Outputs[i].Name}' {want.Shape}: max abs difference {worst:G4} (max |TFLite| {scale:G4}), {different} of {w.Length} elements differ, cosine {cosine:F6}");
                if (CosineRule.TryGetValue(file, out double minCosine)) Assert.True(cosine >= minCosine, $"output {i}: cosine similarity {cosine} < {minCosine}");
                else if (DataTypes.IsFloat(want.DataType)) Assert.True(worst <= 1e-4 * scale, $"output {i}: max abs difference {worst} against max |value| {scale}");
                else Assert.True(worst <= 1, $"output {i}: quantized values differ by up to {worst}");
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
