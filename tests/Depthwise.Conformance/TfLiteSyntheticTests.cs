using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Depthwise.Conformance.TfLiteSynthetic;
using Depthwise.Formats;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Xunit.Abstractions;

namespace Depthwise.Conformance;

/// <summary>
/// Depthwise against the real TensorFlow Lite runtime, operator by operator: every model of the synthetic catalogue
/// (<see cref="SyntheticModels"/>: tiny seeded models, one or a few per operator variant) run on the inputs the oracle
/// fed TFLite (tools/tflite-synthetic-references.sh → .cache/tflite-synthetic-ref/&lt;name&gt;/seed1), each output held
/// to <see cref="TensorComparison"/>'s rules: 8-bit outputs ≤ 1 apart and ≥ 99 % equal, float outputs within 1e-4 of
/// max |expected|, integer outputs equal. Outputs that do not meet them are listed in <see cref="KnownDifferences"/>
/// with the reason and the size of the difference; such an output fails if the difference grows, and also once it
/// matches (so the list stays true). See docs/tflite-references.md.
/// </summary>
public sealed class TfLiteSyntheticTests(ITestOutputHelper output)
{
    private const string Generator = "tools/tflite-synthetic-references.sh";

    /// <summary>.cache/tflite-synthetic: the models as the generator wrote them.</summary>
    internal static string ModelsRoot { get; } = Path.Combine(OrtPeer.RepoRoot, ".cache", "tflite-synthetic");

    /// <summary>.cache/tflite-synthetic-ref: TFLite's inputs and outputs per model.</summary>
    internal static string ReferenceRoot { get; } = Path.Combine(OrtPeer.RepoRoot, ".cache", "tflite-synthetic-ref");

    /// <summary>
    /// A known disagreement with TFLite: on one output ("model/output"), or on the whole model ("model/*") when
    /// Depthwise cannot load it. <paramref name="MaxSteps"/> / <paramref name="MinExact"/> (8-bit outputs) or
    /// <paramref name="MaxRelative"/> (float outputs) bound the difference measured when it was listed (with a little
    /// room); <paramref name="LoadError"/> is a fragment of the expected load error.
    /// </summary>
    internal sealed record KnownDifference(string Reason, double MaxSteps = 0, double MinExact = 1, double MaxRelative = 0, string? LoadError = null);

    /// <summary>
    /// Outputs that differ from TFLite, each with what TFLite computes and what Depthwise computes: the oracle's XNNPACK
    /// delegate where docs/formats.md ("Quantized models") says it computes otherwise than TFLite's builtin kernels,
    /// which Depthwise follows; and quantized operator variants Depthwise refuses at import (docs/formats.md, "Not supported").
    /// </summary>
    internal static readonly Dictionary<string, KnownDifference> KnownDifferences = new(StringComparer.Ordinal)
    {
        // XNNPACK vs TFLite's builtin kernels (docs/formats.md, "Quantized models").
        ["u8_activations/leaky_relu"] = new(
            "TFLite runs it in XNNPACK (Leaky ReLU (NC, QU8)), which rescales with 8-bit fixed-point multipliers: " +
            "m₊ = lrintf(−256·s_x/s_y), m₋ = lrintf(−256·α·s_x/s_y), y = (256·z_y + 128 + (z_x − x)·(x ≤ z_x ? m₋ : m₊)) >> 8; " +
            "Depthwise follows TFLite's builtin LEAKY_RELU (31-bit fixed-point multipliers)",
            MaxSteps: 1, MinExact: 0.85),
        ["i8_activations/leaky_relu"] = new(
            "as u8_activations/leaky_relu (XNNPACK Leaky ReLU (NC, QS8), 8-bit fixed-point multipliers); 19 of 210 values one step apart",
            MaxSteps: 1, MinExact: 0.89),
        ["q_pool/mean_hw_keep"] = new(
            "TFLite runs int8 MEAN over H and W in XNNPACK (Global Average Pooling (NWC, QS8)), which rescales in float; Depthwise follows " +
            "TFLite's builtin Mean4D fixed point: 1 of the 6 outputs one step apart",
            MaxSteps: 1, MinExact: 0.8),
        // Quantized variants Depthwise refuses at import.
    };

    /// <summary>The rows: one per catalogue model.</summary>
    public static TheoryData<string> Models
    {
        get
        {
            var rows = new TheoryData<string>();
            foreach (var m in SyntheticModels.All) rows.Add(m.Name);
            return rows;
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void AgreesWithTfLite(string name)
    {
        var model = SyntheticModels.Get(name);
        string dir = RequireReference(name, model.Build());
        string path = Path.Combine(ModelsRoot, name + ".tflite");
        output.WriteLine($"{name}: {model.Summary}");
        output.WriteLine($"reference by {ReferenceOutputs.Runtime(dir)}; TFLite kernels: {KernelsThatRan(dir)}");

        InferenceSession session;
        try { session = InferenceSession.Load(path); }
        catch (DepthwiseException e)
        {
            if (KnownDifferences.TryGetValue($"{name}/*", out var known) && known.LoadError is { } fragment)
            {
                output.WriteLine($"known difference: {known.Reason}");
                Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal), $"the load error changed: expected it to contain \"{fragment}\", got: {e.Message}");
                return;
            }
            throw;
        }
        Assert.False(KnownDifferences.TryGetValue($"{name}/*", out var unexpected) && unexpected.LoadError is not null,
            $"{name} is listed as not loading (\"{unexpected?.Reason}\") but it loads now: compare it and update {nameof(KnownDifferences)}");

        var result = ReferenceCase.Run(session, dir, dir);
        Assert.True(result.Problem is null, result.Problem);
        var failures = new List<string>();
        foreach (var o in result.Outputs)
        {
            var c = o.Comparison;
            string line = $"  output {o.Index} '{o.Name}' {DataTypes.Name(c.DataType)}{c.Shape}: {(c.Passed ? "PASS" : "FAIL")} {c.Metric} {c.Worst}";
            if (!KnownDifferences.TryGetValue($"{name}/{o.Name}", out var known))
            {
                output.WriteLine(line);
                if (!c.Passed) failures.Add($"'{o.Name}': {c.Metric} {c.Worst}");
                continue;
            }
            output.WriteLine($"{line} — known difference: {known.Reason}");
            if (c.Passed) failures.Add($"'{o.Name}' is listed as a known difference but now matches TFLite ({c.Metric}): remove it from {nameof(KnownDifferences)}");
            else if (c.Rule == ComparisonRule.Mismatch) failures.Add($"'{o.Name}': {c.MismatchReason}");
            else if (c.Rule == ComparisonRule.Quantized && (c.MaxAbsDifference > known.MaxSteps || c.ExactFraction < known.MinExact))
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"'{o.Name}': the known difference grew: {c.Metric} (listed: ≤ {known.MaxSteps} steps, ≥ {known.MinExact:P1} equal)"));
            else if (c.Rule == ComparisonRule.RelativeFloat && c.RelativeError > known.MaxRelative)
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"'{o.Name}': the known difference grew: {c.Metric} (listed: ≤ {known.MaxRelative:G3} of max|expected|)"));
            else if (c.Rule == ComparisonRule.Exact && c.ExactFraction < known.MinExact)
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"'{o.Name}': the known difference grew: {c.Metric} (listed: ≥ {known.MinExact:P1} equal)"));
        }
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    /// <summary>Every known difference names a model and output of the catalogue.</summary>
    [Fact]
    public void KnownDifferencesNameCatalogueOutputs()
    {
        foreach (var key in KnownDifferences.Keys)
        {
            int slash = key.IndexOf('/', StringComparison.Ordinal);
            Assert.True(slash > 0, $"'{key}' is not model/output");
            var model = SyntheticModels.All.FirstOrDefault(m => m.Name == key[..slash]);
            Assert.True(model is not null, $"'{key}': no model '{key[..slash]}' in the catalogue");
            string outputName = key[(slash + 1)..];
            if (outputName == "*") continue;
            var tflite = Depthwise.Formats.TFLite.TfLiteModel.Read(model.Build(), model.Name);
            Assert.Contains(outputName, tflite.Outputs.Select(i => tflite.Tensors[i].Name));
        }
    }

    /// <summary>
    /// The reference case folder for <paramref name="name"/>: skips when the generator has not made it (quoting its
    /// reason) or made it from other bytes than the catalogue builds now (the model file must be those bytes too).
    /// </summary>
    private static string RequireReference(string name, byte[] bytes)
    {
        string modelDir = Path.Combine(ReferenceRoot, name);
        string dir = Path.Combine(modelDir, "seed1");
        if (!ReferenceCase.IsReferenceCase(dir))
        {
            string failed = Path.Combine(modelDir, "FAILED");
            if (File.Exists(failed)) throw new SkipException($"{Generator} could not make this reference: {File.ReadAllText(failed).Trim()}");
            string status = Path.Combine(ReferenceRoot, "STATUS");
            throw new SkipException(File.Exists(status)
                ? $"no reference in {dir}: {Generator} says \"{File.ReadAllText(status).Trim()}\""
                : $"no reference in {dir}: run {Generator} (test.sh does)");
        }
        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "meta.json")));
        string? recorded = doc.RootElement.GetProperty("model").TryGetProperty("sha256", out var s) ? s.GetString() : null;
        Skip.IfNot(string.Equals(recorded, sha, StringComparison.OrdinalIgnoreCase),
            $"the reference was made from another version of '{name}' (sha256 {recorded}, the catalogue builds {sha}); run {Generator} again");
        string path = Path.Combine(ModelsRoot, name + ".tflite");
        Skip.IfNot(File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes), $"{path} is missing or stale; run {Generator} again");
        return dir;
    }

    /// <summary>Which TFLite kernels ran, from the profile in oracle.log: XNNPACK operators and builtin node types.</summary>
    internal static string KernelsThatRan(string dir)
    {
        if (ReferenceOutputs.Runtime(dir) == "litert")
        {
            using var meta = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "meta.json")));
            bool full = meta.RootElement.GetProperty("runtime").TryGetProperty("fully_delegated", out var f) && f.ValueKind == JsonValueKind.True;
            return full ? "LiteRT.js, all in XNNPACK" : "LiteRT.js, partly builtin kernels (no profile)";
        }
        string log = Path.Combine(dir, "oracle.log");
        if (!File.Exists(log)) return "?";
        var kernels = new SortedSet<string>(StringComparer.Ordinal);
        bool runOrder = false;
        foreach (var raw in File.ReadLines(log))
        {
            string line = raw.Trim();
            if (line.StartsWith("=====", StringComparison.Ordinal)) { runOrder = line.Contains("Run Order", StringComparison.Ordinal); continue; }
            if (!runOrder || line.Length == 0 || line.StartsWith('[')) continue;
            var cells = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (cells.Length < 2) continue;
            string kind = cells[0], last = cells[^1];
            if (kind == "DelegateOpInvoke")
            {
                // "Delegate/Sigmoid (NC, QU8):0"
                string op = last.StartsWith("Delegate/", StringComparison.Ordinal) ? last["Delegate/".Length..] : last;
                int colon = op.LastIndexOf(':');
                kernels.Add("XNNPACK " + (colon > 0 ? op[..colon] : op));
            }
            else if (kind != "TfLiteXNNPackDelegate") kernels.Add(kind);
        }
        return kernels.Count == 0 ? "?" : string.Join(", ", kernels);
    }
}
