using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Depthwise.Formats.Onnx;

namespace Depthwise.Cli;

/// <summary>
/// <c>depthwise verify DIR... [--json FILE]</c>: runs ONNX test case folders (model.onnx + test_data_set_*) through
/// the shared runner <see cref="OnnxTestCase"/>, the same code the conformance tests use.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CliContext ctx)
    {
        var dirs = new Argument<string[]>("DIR")
        {
            Description = "An ONNX test case folder (model.onnx + test_data_set_*), or a folder of such folders (searched one level deep)",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<string>("--json") { HelpName = "FILE", Description = "Also write every case's result to this JSON file" };
        var rtol = new Option<double>("--rtol") { HelpName = "R", Description = "Relative tolerance for float outputs", DefaultValueFactory = _ => OnnxTestCase.DefaultRtol };
        var atol = new Option<double>("--atol") { HelpName = "A", Description = "Absolute tolerance for float outputs", DefaultValueFactory = _ => OnnxTestCase.DefaultAtol };
        var cmd = new Command("verify", "Run ONNX test cases and compare the outputs with the expected ones") { dirs, json, rtol, atol };
        cmd.SetAction(p => Execute(p.GetValue(dirs) ?? [], p.GetValue(json), p.GetValue(rtol), p.GetValue(atol), ctx));
        return cmd;
    }

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

    private static int Execute(string[] dirs, string? jsonPath, double rtol, double atol, CliContext ctx)
    {
        if (rtol < 0 || atol < 0 || double.IsNaN(rtol) || double.IsNaN(atol)) throw new CliException("--rtol and --atol must be non-negative");
        var cases = FindCases(dirs);
        var results = new List<(string Path, TestCaseResult Result, double Seconds)>(cases.Count);
        int passed = 0, failed = 0, skipped = 0;
        foreach (var dir in cases)
        {
            var sw = Stopwatch.StartNew();
            var r = OnnxTestCase.Run(dir, rtol, atol);
            results.Add((dir, r, sw.Elapsed.TotalSeconds));
            switch (r.Status)
            {
                case TestCaseStatus.Pass: passed++; ctx.Out.WriteLine($"PASS {r.Name}"); break;
                case TestCaseStatus.Fail: failed++; ctx.Out.WriteLine($"FAIL {r.Name}: {r.Message}"); break;
                default: skipped++; ctx.Out.WriteLine($"SKIP {r.Name}: {r.Message}"); break;
            }
        }
        ctx.Out.WriteLine($"{passed} passed, {failed} failed, {skipped} skipped");
        if (jsonPath is not null)
        {
            WriteJson(jsonPath, results, passed, failed, skipped, rtol, atol);
            ctx.Err.WriteLine($"wrote details to {Path.GetFullPath(jsonPath)}");
        }
        return failed > 0 ? DepthwiseCli.ExitCheckFailed : DepthwiseCli.ExitSuccess;
    }

    private static void WriteJson(string path, List<(string Path, TestCaseResult Result, double Seconds)> results,
        int passed, int failed, int skipped, double rtol, double atol)
    {
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
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
}
