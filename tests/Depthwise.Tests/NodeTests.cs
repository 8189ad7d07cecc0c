using Depthwise.Formats.Onnx;

namespace Depthwise.Tests;

/// <summary>
/// Access to the ONNX backend node tests from Debian's libonnx-testdata (installed by test.sh), for op tests to
/// check their operator against the official cases. Tests skip with a printed reason when the data is absent.
/// </summary>
internal static class NodeTests
{
    /// <summary>Folder of the node tests (override with DEPTHWISE_ONNX_NODE_TESTS).</summary>
    public static string Root => Environment.GetEnvironmentVariable("DEPTHWISE_ONNX_NODE_TESTS") ?? "/usr/share/libonnx-testdata/data/node";

    /// <summary>Runs every node test whose folder name starts with one of the prefixes; asserts each passes.</summary>
    public static void AssertPass(params string[] testNames)
    {
        Skip.IfNot(Directory.Exists(Root), $"ONNX node tests not found at {Root} (install Debian libonnx-testdata)");
        var failures = new List<string>();
        foreach (var t in testNames)
        {
            var dir = Path.Combine(Root, t);
            if (!Directory.Exists(dir)) { failures.Add($"{t}: no such test"); continue; }
            var r = OnnxTestCase.Run(dir);
            if (r.Status != TestCaseStatus.Pass) failures.Add($"{t}: {r.Status} {r.Message}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
