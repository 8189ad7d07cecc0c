using System.Globalization;
using System.Text.Json;
using Depthwise.Formats;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Xunit.Abstractions;

namespace Depthwise.Conformance;

/// <summary>
/// Depthwise against the real TensorFlow Lite runtime (the oracle in ../shared/tools/tflite-oracle, WebAssembly TFLite
/// with XNNPACK in headless Chromium) on every model in ../shared/models/tflite: one row per reference case made by
/// tools/tflite-references.sh (two seeded inputs and one real image per model). Each output must pass
/// <see cref="TensorComparison"/>: 8-bit outputs ≤ 1 apart and ≥ 99 % equal, float outputs within 1e-4 of
/// max |expected| (1e-3 for the float16-weight MediaPipe models). See docs/tflite-references.md.
/// </summary>
public sealed class TfLiteOracleTests(ITestOutputHelper output)
{
    private const string Generator = "tools/tflite-references.sh";

    /// <summary>Models whose weights are float16 (dequantized at load): TFLite builds differ more on them.</summary>
    private static readonly string[] Float16WeightModels = ["face_detection_short_range", "face_detection_full_range", "selfie_segmentation"];

    /// <summary>The one row while Depthwise cannot load .tflite files at all (instead of one skip per case).</summary>
    private const string NoTfLiteImport = "(TFLite import not available)";

    /// <summary>The rows: "model stem/case" for every reference folder.</summary>
    public static TheoryData<string> Cases => ReferenceOutputs.Rows(ReferenceOutputs.TfLiteRoot);

    /// <summary>The rows of <see cref="AgreesWithTfLite"/>: <see cref="Cases"/>, or one placeholder while .tflite files cannot load.</summary>
    public static TheoryData<string> ComparedCases => TfLiteImportMessage() is null ? Cases : new TheoryData<string> { NoTfLiteImport };

    /// <summary>The loader's refusal when the TFLite importer is absent (a header with the TFL3 identifier is enough to get it), else null.</summary>
    private static string? TfLiteImportMessage()
    {
        try { ModelLoader.Load(new byte[] { 0, 0, 0, 0, (byte)'T', (byte)'F', (byte)'L', (byte)'3' }, "probe.tflite"); }
        catch (ModelFormatException e) when (e.Message.Contains("TFLite import is not available yet", StringComparison.Ordinal)) { return e.Message; }
        catch (Exception) { }   // an importer that rejects the 8-byte probe (as it should, with a typed error): TFLite import exists
        return null;
    }

    /// <summary>
    /// The tolerance for a model: <see cref="ComparisonTolerance.Float16Weights"/> for the float16-weight models, else
    /// the default. The dynamic-range embedder (int8 weights, float activations) is held to the default float rule: its
    /// hybrid layers run TFLite's arithmetic (run-time int8 quantization of the activations), not a dequantized float
    /// model, so it equals TFLite to ~1e-7 of max|output|.
    /// </summary>
    internal static ComparisonTolerance ToleranceFor(string stem) =>
        Float16WeightModels.Contains(stem, StringComparer.Ordinal) ? ComparisonTolerance.Float16Weights : ComparisonTolerance.Default;

    [SkippableTheory]
    [MemberData(nameof(ComparedCases))]
    public void AgreesWithTfLite(string id)
    {
        Skip.If(id == NoTfLiteImport, $"Depthwise cannot load .tflite models yet ({TfLiteImportMessage()}); {Cases.Count} reference cases wait in {ReferenceOutputs.TfLiteRoot}");
        string dir = ReferenceOutputs.RequireCase(ReferenceOutputs.TfLiteRoot, id, Generator);
        string model = ReferenceOutputs.RequireModel(dir, Generator);
        string stem = id[..id.IndexOf('/', StringComparison.Ordinal)];
        InferenceSession session;
        try { session = InferenceSession.Load(model); }
        catch (ModelFormatException e) when (e.Message.Contains("TFLite import is not available yet", StringComparison.Ordinal))
        {
            throw new SkipException($"Depthwise cannot load .tflite models yet: {e.Message}");
        }
        var tolerance = ToleranceFor(stem);
        var result = ReferenceCase.Run(session, dir, dir, tolerance);
        output.WriteLine($"{id}: reference by {ReferenceOutputs.Runtime(dir)}; Depthwise run {result.RunMilliseconds:F1} ms");
        foreach (var o in result.Outputs)
            output.WriteLine($"  output {o.Index} '{o.Name}' {DataTypes.Name(o.Comparison.DataType)}{o.Comparison.Shape}: " +
                $"{(o.Comparison.Passed ? "PASS" : "FAIL")} {o.Comparison.Metric} {o.Comparison.Worst}");
        Assert.True(result.Problem is null, result.Problem);
        var failed = result.Outputs.Where(o => !o.Comparison.Passed).ToArray();
        Assert.True(failed.Length == 0, string.Join("; ", failed.Select(o => $"output {o.Index} '{o.Name}': {o.Comparison.Metric} {o.Comparison.Worst}")));
    }

    /// <summary>
    /// The references themselves: every case folder holds the inputs and outputs its meta.json lists, with the shapes and
    /// types it lists (guards the generator; runs whenever references exist).
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void ReferenceFolderIsComplete(string id)
    {
        string dir = ReferenceOutputs.RequireCase(ReferenceOutputs.TfLiteRoot, id, Generator);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "meta.json")));
        foreach (var kind in new[] { "inputs", "outputs" })
        {
            var list = doc.RootElement.GetProperty(kind);
            Assert.True(list.GetArrayLength() > 0, $"meta.json lists no {kind}");
            foreach (var t in list.EnumerateArray())
            {
                int index = t.GetProperty("index").GetInt32();
                string file = kind == "inputs" ? ReferenceCase.InputFile(dir, index) : ReferenceCase.OutputFile(dir, index);
                Assert.True(File.Exists(file), $"{file} is missing");
                var tensor = Npy.Read(file);
                var shape = t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
                Assert.Equal(shape, tensor.Shape.ToArray());
                Assert.Equal(t.GetProperty("dtype").GetString(), DataTypes.Name(tensor.DataType));
            }
        }
    }

    /// <summary>
    /// The real-image cases are prepared right: the three ImageNet classifiers put burger.jpg in class 934
    /// ("cheeseburger" in the 1001-label list), as the tflite-support and MediaPipe goldens say.
    /// </summary>
    [SkippableTheory]
    [InlineData("mobilenet_v1_0.25_224_quant")]
    [InlineData("mobilenet_v2_1.0_224_quant")]
    [InlineData("mobilenet_v1_0.25_224_1_metadata_1")]
    public void BurgerIsACheeseburgerInTheReference(string stem)
    {
        string file = Path.Combine(ReferenceOutputs.TfLiteRoot, stem, "burger", "output_0.npy");
        Skip.IfNot(File.Exists(file), $"no reference {file} (run {Generator})");
        var scores = Npy.Read(file).ToFloatArray();
        int top = Array.IndexOf(scores, scores.Max());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stem}: top-1 {top} (score {scores[top]})"));
        Assert.Equal(934, top);
    }
}
