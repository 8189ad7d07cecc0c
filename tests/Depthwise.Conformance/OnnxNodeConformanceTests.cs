using System.Diagnostics;
using System.Text;
using Depthwise.Formats.Onnx;
using Depthwise.Formats.Onnx.Proto;
using Xunit.Abstractions;

namespace Depthwise.Conformance;

/// <summary>
/// Runs every ONNX backend node test (Debian libonnx-testdata) whose operators are all in our op list through the
/// shared runner <see cref="OnnxTestCase"/> — the code behind <c>depthwise verify</c>. Each in-scope case must pass
/// or be listed, with its reason, in the table of docs/onnx-conformance.md. Listed cases that now pass are reported
/// as stale (not a failure). Out-of-scope cases are not run. The rule is explained in docs/onnx-conformance.md.
/// </summary>
public class OnnxNodeConformanceTests(ITestOutputHelper output)
{
    /// <summary>The operators Depthwise implements (or is implementing): a node test is in scope when it uses only these.</summary>
    internal static readonly HashSet<string> OpList = new(StringComparer.Ordinal)
    {
        "Conv", "ConvTranspose", "BatchNormalization", "Relu", "Clip", "LeakyRelu", "PRelu", "Sigmoid", "HardSigmoid",
        "HardSwish", "Tanh", "Erf", "Exp", "Log", "Neg", "Abs", "Reciprocal", "Floor", "Ceil", "Add", "Sub", "Mul", "Div",
        "Pow", "Sqrt", "Max", "Min", "Sum", "Mean", "GlobalAveragePool", "GlobalMaxPool", "AveragePool", "MaxPool", "Gemm",
        "MatMul", "Softmax", "LogSoftmax", "Flatten", "Reshape", "Transpose", "Concat", "Split", "Slice", "Squeeze",
        "Unsqueeze", "Pad", "Resize", "Upsample", "ReduceMean", "ReduceMax", "ReduceSum", "Shape", "Gather", "Constant",
        "ConstantOfShape", "Identity", "Dropout", "Cast", "LayerNormalization", "Expand", "Where", "Equal",
        "ArgMax", "ArgMin", "QuantizeLinear", "DequantizeLinear", "QLinearConv", "QLinearMatMul",
    };

    /// <summary>Folder of the node tests (override with DEPTHWISE_ONNX_NODE_TESTS).</summary>
    internal static string Root => Environment.GetEnvironmentVariable("DEPTHWISE_ONNX_NODE_TESTS") ?? "/usr/share/libonnx-testdata/data/node";

    [SkippableFact]
    public void EveryInScopeNodeTestPassesOrIsListed()
    {
        Skip.IfNot(Directory.Exists(Root), $"ONNX node tests not found at {Root} (install Debian libonnx-testdata: tools/install-prereqs.sh)");
        string doc = ConformanceDoc.Path;
        var excluded = ConformanceDoc.ReadExclusions(File.ReadAllText(doc));
        var sw = Stopwatch.StartNew();

        var all = Directory.GetDirectories(Root).Where(OnnxTestCase.IsTestCase).Order(StringComparer.Ordinal).ToArray();
        var inScope = new List<string>();
        var outOfScope = new Dictionary<string, int>(StringComparer.Ordinal);   // missing op → cases
        foreach (var dir in all)
        {
            var missing = OpsOf(Path.Combine(dir, "model.onnx")).Where(op => !OpList.Contains(op)).ToArray();
            if (missing.Length == 0) inScope.Add(dir);
            else foreach (var op in missing) outOfScope[op] = outOfScope.GetValueOrDefault(op) + 1;
        }

        // One after another: the whole set runs in seconds, and a kernel with shared state cannot make it flaky.
        var results = inScope.Select(dir => OnnxTestCase.Run(dir)).ToArray();

        int passed = 0, listedFailing = 0;
        var stale = new List<string>();
        var unlisted = new List<TestCaseResult>();
        foreach (var r in results)
        {
            bool listed = excluded.Matches(r.Name);
            if (r.Status == TestCaseStatus.Pass)
            {
                passed++;
                if (listed) stale.Add(r.Name);
            }
            else if (listed) listedFailing++;
            else unlisted.Add(r);
        }
        var inScopeNames = results.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = excluded.Patterns.Where(p => !inScopeNames.Any(n => ExclusionList.IsMatch(p, n))).ToArray();

        var summary = new StringBuilder();
        summary.AppendLine($"ONNX node tests in {Root}: {all.Length} cases, {inScope.Count} in scope (run in {sw.Elapsed.TotalSeconds:F1} s), {all.Length - inScope.Count} out of scope");
        summary.AppendLine($"in scope: {passed} pass, {listedFailing} do not pass and are listed in docs/onnx-conformance.md, {unlisted.Count} do not pass and are NOT listed");
        var log = new StringBuilder(summary.ToString());
        var missingOps = outOfScope.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}").ToArray();
        log.AppendLine($"out of scope, by operator not in our list (cases): {string.Join(", ", missingOps.Take(15))}{(missingOps.Length > 15 ? $", ... ({missingOps.Length} operators)" : "")}");
        if (stale.Count > 0)
            log.AppendLine($"STALE exclusions (these pass now; delete their rows from docs/onnx-conformance.md): {string.Join(", ", stale)}");
        if (unknown.Length > 0)
            log.AppendLine($"exclusions naming no in-scope test (a typo, or the test is out of scope): {string.Join(", ", unknown)}");
        output.WriteLine(log.ToString());

        if (unlisted.Count > 0)
        {
            summary.AppendLine("not passing and not listed (fix them, or add rows like these to the table in docs/onnx-conformance.md):");
            foreach (var r in unlisted)
                summary.AppendLine($"| {r.Name} | {r.Status.ToString().ToUpperInvariant()}: {Reason(r, Root)} |");
        }
        Assert.True(unlisted.Count == 0, summary.ToString());
    }

    /// <summary>A result's message on one line, without the model path (the row already names the test).</summary>
    private static string Reason(TestCaseResult r, string root)
    {
        string model = System.IO.Path.Combine(root, r.Name, "model.onnx");
        return r.Message.Replace(model + ": ", "", StringComparison.Ordinal).Replace(model, "model.onnx", StringComparison.Ordinal)
            .Replace('\n', ' ').Replace('|', '/');
    }

    /// <summary>Operator types used by a model, subgraphs included; operators of other domains are named domain::op.</summary>
    internal static HashSet<string> OpsOf(string modelPath)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        var ops = new HashSet<string>(StringComparer.Ordinal);
        Collect(model.Graph, ops);
        return ops;
    }

    private static void Collect(GraphProto? graph, HashSet<string> ops)
    {
        if (graph is null) return;
        foreach (var node in graph.Node)
        {
            ops.Add(node.Domain is "" or "ai.onnx" ? node.OpType : $"{node.Domain}::{node.OpType}");
            foreach (var a in node.Attribute)
            {
                Collect(a.G, ops);
                foreach (var g in a.Graphs) Collect(g, ops);
            }
        }
    }
}
