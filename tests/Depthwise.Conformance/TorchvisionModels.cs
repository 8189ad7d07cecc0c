using System.Diagnostics;

namespace Depthwise.Conformance;

/// <summary>
/// torchvision's mobile networks exported to ONNX by tools/export_torchvision.py (seeded random weights, opset 13,
/// dynamic batch) into &lt;repo&gt;/.cache/models, once per test run: all six in one python process, and only when a
/// model is missing or older than the script. Tests skip with the printed reason when PyTorch is not installed.
/// </summary>
internal static class TorchvisionModels
{
    /// <summary>The six exported networks (file stem = model name).</summary>
    public static readonly string[] Names =
    [
        "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large", "efficientnet_b0",
        "lraspp_mobilenet_v3_large", "deeplabv3_mobilenet_v3_large",
    ];

    private static readonly Lazy<Export> Exported = new(Run, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The cache directory holding NAME.onnx.</summary>
    public static string CacheDir { get; } = Path.Combine(OrtPeer.RepoRoot, ".cache", "models");

    /// <summary>Null when the models are exported (or were already fresh in the cache), else why they cannot be.</summary>
    public static string? Unavailable => Exported.Value.SkipReason;

    private static int _detailShown;

    /// <summary>
    /// What the export did, for test output: the exporter's lines (one per model, with timing) the first time it is
    /// asked, a one-line note after that.
    /// </summary>
    public static string ExportSummary
    {
        get
        {
            var e = Exported.Value;
            return Interlocked.Exchange(ref _detailShown, 1) == 0 ? e.Summary : e.Summary.Split('\n')[0];
        }
    }

    /// <summary>Path of an exported model; exports all six first if needed. Throws when the exporter failed.</summary>
    public static string PathOf(string name)
    {
        var e = Exported.Value;
        if (e.SkipReason is not null) throw new InvalidOperationException(e.SkipReason);
        return Path.Combine(CacheDir, name + ".onnx");
    }

    private sealed record Export(string? SkipReason, string Summary);

    private static string Script => Path.Combine(OrtPeer.RepoRoot, "tools", "export_torchvision.py");

    private static bool Fresh()
    {
        var scriptTime = File.GetLastWriteTimeUtc(Script);
        return Names.All(n =>
        {
            var f = Path.Combine(CacheDir, n + ".onnx");
            return File.Exists(f) && File.GetLastWriteTimeUtc(f) > scriptTime;
        });
    }

    private static Export Run()
    {
        if (Fresh()) return new Export(null, $"reused {CacheDir}");
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var sw = Stopwatch.StartNew();
        var (code, stdout, stderr) = Exec(python, Script, "--all", "--out-dir", CacheDir);
        sw.Stop();
        if (code != 0)
        {
            // Tell "PyTorch is not installed" (a skip) from a broken exporter (a failure).
            var (importCode, _, importErr) = Exec(python, "-c", "import torch, torchvision, onnx");
            if (code == -1 || importCode != 0)
                return new Export($"python3-torch/torchvision/onnx are not available ({LastLine(code == -1 ? stderr : importErr)}); run tools/install-prereqs.sh", "");
            throw new InvalidOperationException($"tools/export_torchvision.py failed (exit {code}):\n{stderr}");
        }
        return new Export(null, $"exported to {CacheDir} in {sw.Elapsed.TotalSeconds:F1} s this run:\n{stdout.TrimEnd()}");
    }

    private static string LastLine(string s) => s.TrimEnd().Split('\n')[^1];

    /// <summary>Runs a process to completion; exit code -1 when it cannot be started.</summary>
    private static (int Code, string Stdout, string Stderr) Exec(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e) { return (-1, "", $"cannot start {exe}: {e.Message}"); }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromMinutes(10)))
            {
                p.Kill(entireProcessTree: true);
                return (124, stdout.Result, "timed out after 10 minutes\n" + stderr.Result);
            }
            return (p.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
