using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Globalization;
using Depthwise.Formats;
using Depthwise.Formats.Onnx;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Cli;

/// <summary>
/// <c>depthwise verify DIR... [--json [FILE]]</c>: runs ONNX test case folders (model.onnx + test_data_set_*) through
/// the shared runner <see cref="OnnxTestCase"/>, the same code the conformance tests use.
/// <c>depthwise verify MODEL --expected DIR [--inputs DIR] [--tolerance REL] [--json [FILE]]</c>: runs a model on
/// reference inputs and judges its outputs against reference outputs (e.g. from the TFLite oracle) through
/// <see cref="ReferenceCase"/> and <see cref="TensorComparison"/>, the conformance tests' rules.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CliContext ctx)
    {
        var dirs = new Argument<string[]>("DIR|MODEL")
        {
            Description = "An ONNX test case folder (model.onnx + test_data_set_*), or a folder of such folders (searched one level deep); "
                + "with --expected: one model file (.onnx, .tflite) or zoo name",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<string>("--json")
        {
            HelpName = "FILE",
            Description = "Also write the results as one JSON object to FILE; without FILE, print that object instead of the text",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var rtol = new Option<double>("--rtol") { HelpName = "R", Description = "ONNX test cases: relative tolerance for float outputs", DefaultValueFactory = _ => OnnxTestCase.DefaultRtol };
        var atol = new Option<double>("--atol") { HelpName = "A", Description = "ONNX test cases: absolute tolerance for float outputs", DefaultValueFactory = _ => OnnxTestCase.DefaultAtol };
        var expected = new Option<string>("--expected") { HelpName = "DIR", Description = "Compare MODEL's outputs with DIR/output_<i>.npy (reference outputs, e.g. from the TFLite oracle)" };
        var inputs = new Option<string>("--inputs") { HelpName = "DIR", Description = "With --expected: the inputs DIR/input_<i>.npy in model order (default: the --expected folder)" };
        var tolerance = new Option<double>("--tolerance")
        {
            HelpName = "REL",
            Description = "With --expected: allowed max abs error of float outputs as a fraction of max |expected|",
            DefaultValueFactory = _ => ComparisonTolerance.Default.Relative,
        };
        var cmd = new Command("verify",
            "Run ONNX test cases, or run a model on reference inputs and compare its outputs with reference outputs (--expected)")
        { dirs, json, rtol, atol, expected, inputs, tolerance };
        cmd.SetAction(p =>
        {
            bool given(Option o) => p.GetResult(o) is { Implicit: false };
            var jsonTarget = p.GetResult(json) is null ? null : new JsonTarget(p.GetValue(json));
            if (given(expected) || given(inputs))
            {
                if (given(rtol) || given(atol)) throw new CliException("--rtol and --atol apply to ONNX test cases; with --expected use --tolerance");
                var args = p.GetValue(dirs) ?? [];
                if (args.Length != 1) throw new CliException($"with --expected give one MODEL, not {args.Length} arguments");
                string? expectedDir = p.GetValue(expected) ?? throw new CliException("--inputs needs --expected DIR (the reference outputs)");
                return ExecuteReference(args[0], p.GetValue(inputs) ?? expectedDir, expectedDir, p.GetValue(tolerance), jsonTarget, ctx);
            }
            if (given(tolerance)) throw new CliException("--tolerance applies with --expected; ONNX test cases use --rtol and --atol");
            return Execute(p.GetValue(dirs) ?? [], jsonTarget, p.GetValue(rtol), p.GetValue(atol), ctx);
        });
        return cmd;
    }

    /// <summary>Where --json goes: a file (text still printed), or stdout instead of the text when <see cref="File"/> is null.</summary>
    private sealed record JsonTarget(string? File);

    /// <summary>The test case folders named by the arguments, in argument order, each folder's children sorted (ordinal).</summary>
    internal static List<string> FindCases(IEnumerable<string> dirs)
    {
        var cases = new List<string>();
        foreach (var dir in dirs)
        {
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"no such folder: {dir}");
            if (OnnxTestCase.IsTestCase(dir)) { cases.Add(dir); continue; }
            var children = Directory.GetDirectories(dir).Where(OnnxTestCase.IsTestCase).Order(StringComparer.Ordinal).ToArray();
            if (children.Length == 0)
                throw new CliException($"{dir} is not an ONNX test case folder (model.onnx + test_data_set_*) and holds none");
            cases.AddRange(children);
        }
        return cases;
    }

    private static int Execute(string[] dirs, JsonTarget? json, double rtol, double atol, CliContext ctx)
    {
        if (rtol < 0 || atol < 0 || double.IsNaN(rtol) || double.IsNaN(atol)) throw new CliException("--rtol and --atol must be non-negative");
        var cases = FindCases(dirs);
        var results = new List<(string Path, TestCaseResult Result, double Seconds)>(cases.Count);
        int passed = 0, failed = 0, skipped = 0;
        var text = json is { File: null } ? TextWriter.Null : ctx.Out;
        foreach (var dir in cases)
        {
            var sw = Stopwatch.StartNew();
            var r = OnnxTestCase.Run(dir, rtol, atol);
            results.Add((dir, r, sw.Elapsed.TotalSeconds));
            switch (r.Status)
            {
                case TestCaseStatus.Pass: passed++; text.WriteLine($"PASS {r.Name}"); break;
                case TestCaseStatus.Fail: failed++; text.WriteLine($"FAIL {r.Name}: {r.Message}"); break;
                default: skipped++; text.WriteLine($"SKIP {r.Name}: {r.Message}"); break;
            }
        }
        text.WriteLine($"{passed} passed, {failed} failed, {skipped} skipped");
        if (json is not null)
            WriteJsonTo(json, ctx, w => WriteJson(w, results, passed, failed, skipped, rtol, atol));
        return failed > 0 ? DepthwiseCli.ExitCheckFailed : DepthwiseCli.ExitSuccess;
    }

    /// <summary>Writes one JSON object to the --json file (and says so on stderr) or to stdout.</summary>
    private static void WriteJsonTo(JsonTarget target, CliContext ctx, Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(w);
        string text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        if (target.File is null) { ctx.Out.WriteLine(text); return; }
        File.WriteAllText(target.File, text + Environment.NewLine);
        ctx.Err.WriteLine($"wrote details to {Path.GetFullPath(target.File)}");
    }

    private static void WriteJson(Utf8JsonWriter w, List<(string Path, TestCaseResult Result, double Seconds)> results,
        int passed, int failed, int skipped, double rtol, double atol)
    {
        w.WriteStartObject();
        w.WriteNumber("passed", passed);
        w.WriteNumber("failed", failed);
        w.WriteNumber("skipped", skipped);
        w.WriteNumber("rtol", rtol);
        w.WriteNumber("atol", atol);
        w.WriteStartArray("cases");
        foreach (var (dir, r, seconds) in results)
        {
            w.WriteStartObject();
            w.WriteString("name", r.Name);
            w.WriteString("path", Path.GetFullPath(dir));
            w.WriteString("status", r.Status switch { TestCaseStatus.Pass => "pass", TestCaseStatus.Fail => "fail", _ => "skip" });
            w.WriteString("message", r.Message);
            // JSON has no infinity or NaN: an unbounded error (inf or NaN where a number was expected) is null.
            if (double.IsFinite(r.MaxAbsError)) w.WriteNumber("maxAbsError", r.MaxAbsError);
            else w.WriteNull("maxAbsError");
            w.WriteNumber("seconds", Math.Round(seconds, 4));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// <c>verify MODEL --expected DIR [--inputs DIR]</c>: runs the model on <c>input_&lt;i&gt;.npy</c> and judges each
    /// output against <c>output_&lt;i&gt;.npy</c> with <see cref="TensorComparison"/> (the conformance tests' rules).
    /// </summary>
    private static int ExecuteReference(string modelArg, string inputsDir, string expectedDir, double relative, JsonTarget? json, CliContext ctx)
    {
        if (!(relative >= 0) || double.IsInfinity(relative)) throw new CliException("--tolerance must be a non-negative number");
        foreach (var d in new[] { inputsDir, expectedDir })
            if (!Directory.Exists(d)) throw new DirectoryNotFoundException($"no such folder: {d}");
        if (!ReferenceCase.IsReferenceCase(expectedDir))
            throw new CliException($"{expectedDir} holds no output_0.npy (reference outputs are output_<i>.npy in model order)");
        string path = ModelZoo.Resolve(modelArg, ctx);
        var meta = ReferenceMeta.Read(expectedDir);
        string sha = Sha256(path);
        if (meta.ModelSha256 is { } refSha && !refSha.Equals(sha, StringComparison.OrdinalIgnoreCase))
            ctx.Err.WriteLine($"note: the references in {expectedDir} were made from a model with sha256 {refSha[..Math.Min(12, refSha.Length)]}…, {modelArg} has {sha[..12]}…");

        var session = InferenceSession.Load(path);
        var tolerance = ComparisonTolerance.Default with { Relative = relative };
        var result = ReferenceCase.Run(session, inputsDir, expectedDir, tolerance);
        int failed = result.Outputs.Count(o => !o.Comparison.Passed);
        int n = result.Outputs.Count;
        string verdict = result.Passed
            ? $"PASS: {n} of {n} {(n == 1 ? "output agrees" : "outputs agree")} with the reference"
            : $"FAIL: {failed} of {n} {(n == 1 ? "output disagrees" : "outputs disagree")}" + (result.Problem is null ? "" : $"; {result.Problem}");

        if (json is not { File: null })
        {
            var w = ctx.Out;
            w.WriteLine($"model     {path}");
            w.WriteLine($"inputs    {Path.GetFullPath(inputsDir)}");
            w.WriteLine($"expected  {Path.GetFullPath(expectedDir)}" + (meta.Runtime is null ? "" : $" (made by {meta.Runtime})"));
            var table = new TextTable("#", "output", "type", "shape", "result", "metric").AlignRight(0);
            foreach (var o in result.Outputs)
            {
                var c = o.Comparison;
                table.Add(o.Index.ToString(CultureInfo.InvariantCulture), o.Name, DataTypes.Name(c.DataType), c.Shape.ToString(),
                    c.Passed ? "PASS" : "FAIL", c.Metric + (c.Passed || c.Worst.Length == 0 ? "" : "; " + c.Worst));
            }
            table.Write(w);
            w.WriteLine($"{verdict} (run {result.RunMilliseconds.ToString("0.##", CultureInfo.InvariantCulture)} ms)");
        }
        if (json is not null)
            WriteJsonTo(json, ctx, w => WriteReferenceJson(w, path, sha, inputsDir, expectedDir, meta, tolerance, result));
        return result.Passed ? DepthwiseCli.ExitSuccess : DepthwiseCli.ExitCheckFailed;
    }

    private static void WriteReferenceJson(Utf8JsonWriter w, string model, string sha, string inputsDir, string expectedDir,
        ReferenceMeta meta, ComparisonTolerance tolerance, ReferenceCaseResult result)
    {
        static void Number(Utf8JsonWriter w, string name, double v)
        {
            if (double.IsFinite(v)) w.WriteNumber(name, v);
            else w.WriteNull(name);   // JSON has no infinity: an unmatched NaN or infinity
        }
        w.WriteStartObject();
        w.WriteString("model", Path.GetFullPath(model));
        w.WriteString("model_sha256", sha);
        w.WriteString("inputs", Path.GetFullPath(inputsDir));
        w.WriteString("expected", Path.GetFullPath(expectedDir));
        if (meta.Runtime is not null) w.WriteString("reference_runtime", meta.Runtime);
        if (meta.ModelSha256 is not null) w.WriteString("reference_model_sha256", meta.ModelSha256);
        w.WriteBoolean("passed", result.Passed);
        w.WriteNumber("outputs_passed", result.Outputs.Count(o => o.Comparison.Passed));
        w.WriteNumber("outputs_failed", result.Outputs.Count(o => !o.Comparison.Passed));
        if (result.Problem is not null) w.WriteString("problem", result.Problem);
        w.WriteNumber("run_ms", Math.Round(result.RunMilliseconds, 3));
        w.WriteStartObject("tolerance");
        w.WriteNumber("relative", tolerance.Relative);
        w.WriteNumber("quantized_max_difference", tolerance.QuantizedMaxDifference);
        w.WriteNumber("quantized_min_exact_fraction", tolerance.QuantizedMinExactFraction);
        w.WriteEndObject();
        w.WriteStartArray("outputs");
        foreach (var o in result.Outputs)
        {
            var c = o.Comparison;
            w.WriteStartObject();
            w.WriteNumber("index", o.Index);
            w.WriteString("name", o.Name);
            w.WriteString("dtype", DataTypes.Name(c.DataType));
            w.WriteStartArray("shape");
            foreach (int d in c.Shape) w.WriteNumberValue(d);
            w.WriteEndArray();
            w.WriteString("rule", c.Rule switch
            {
                ComparisonRule.Quantized => "quantized",
                ComparisonRule.RelativeFloat => "relative_float",
                ComparisonRule.Exact => "exact",
                _ => "mismatch",
            });
            w.WriteBoolean("passed", c.Passed);
            w.WriteString("metric", c.Metric);
            if (c.Rule != ComparisonRule.Mismatch)
            {
                Number(w, "max_abs_diff", c.MaxAbsDifference);
                if (c.Rule == ComparisonRule.RelativeFloat)
                {
                    Number(w, "relative_error", c.RelativeError);
                    Number(w, "scale", c.Scale);
                }
                w.WriteNumber("exact_fraction", c.ExactFraction);
                if (c.WorstIndex >= 0)
                {
                    w.WriteNumber("worst_index", c.WorstIndex);
                    Number(w, "worst_expected", c.WorstExpected);
                    Number(w, "worst_actual", c.WorstActual);
                }
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    /// <summary>What a reference folder's meta.json (written by the TFLite oracle or tools/ort-references.sh) says, if anything.</summary>
    private sealed record ReferenceMeta(string? Runtime, string? ModelSha256)
    {
        public static ReferenceMeta Read(string dir)
        {
            string file = Path.Combine(dir, "meta.json");
            if (!File.Exists(file)) return new(null, null);
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
                var root = doc.RootElement;
                string? runtime = null, sha = null;
                if (root.TryGetProperty("runtime", out var r) && r.ValueKind == JsonValueKind.Object)
                {
                    string? name = r.TryGetProperty("name", out var n) ? n.GetString() : null;
                    string? package = r.TryGetProperty("package", out var pk) ? pk.GetString() : null;
                    runtime = package is null ? name : name is null ? package : $"{name}, {package}";
                }
                if (root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.Object && m.TryGetProperty("sha256", out var s))
                    sha = s.GetString();
                return new(runtime, sha);
            }
            catch (JsonException) { return new(null, null); }
            catch (InvalidOperationException) { return new(null, null); }   // a property of an unexpected kind
        }
    }
}

