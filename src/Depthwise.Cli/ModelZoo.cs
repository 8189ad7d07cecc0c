using System.Diagnostics;
using System.Globalization;

namespace Depthwise.Cli;

/// <summary>
/// Turns a MODEL argument into a file: an existing path is used as is; a zoo name (torchvision architectures) is
/// exported once by <c>tools/export_torchvision.py</c> into <c>.cache/models/NAME.onnx</c> under the Depthwise folder
/// and reused after that. Installs PyTorch (tools/install-prereqs.sh) first when it is missing.
/// </summary>
internal static class ModelZoo
{
    /// <summary>The model names the exporter knows.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large", "efficientnet_b0",
        "lraspp_mobilenet_v3_large", "deeplabv3_mobilenet_v3_large",
    ];

    /// <summary>Help text of a MODEL argument.</summary>
    public static string ArgumentHelp => "Model file (.onnx), folder holding model.onnx, or zoo name: " + string.Join(", ", Names);

    /// <summary>The interpreter with Debian's python3-torch (a venv's python3 would not have it).</summary>
    private const string Python = "/usr/bin/python3";

    /// <summary>
    /// The model file for <paramref name="model"/>: a file path, a folder holding model.onnx (an ONNX test case), or a
    /// zoo name (exported on first use).
    /// </summary>
    public static string Resolve(string model, CliContext ctx)
    {
        if (File.Exists(model)) return model;
        if (Directory.Exists(model))
        {
            // An ONNX test case folder names its model.onnx.
            string inner = Path.Combine(model, "model.onnx");
            if (File.Exists(inner)) return inner;
            throw new CliException($"'{model}' is a folder; give a model file (.onnx)");
        }
        if (!Names.Contains(model, StringComparer.Ordinal))
        {
            string hint = model.Contains('/', StringComparison.Ordinal) || model.Contains('.', StringComparison.Ordinal)
                ? "" : $" (zoo names: {string.Join(", ", Names)})";
            throw new FileNotFoundException($"no such model file: {model}{hint}", model);
        }
        string home = DepthwiseHome.Find(ctx);
        string path = Path.Combine(home, ".cache", "models", model + ".onnx");
        if (File.Exists(path)) return path;
        Export(model, home, path, ctx);
        return path;
    }

    private static void Export(string model, string home, string path, CliContext ctx)
    {
        string script = Path.Combine(home, "tools", "export_torchvision.py");
        if (!File.Exists(script))
            throw new CliException($"zoo model '{model}' needs {script}, which does not exist; pass a model file instead");
        if (!HasTorch())
        {
            ctx.Err.WriteLine("PyTorch (Debian python3-torch, python3-torchvision, python3-onnx) is missing: installing it with tools/install-prereqs.sh (once)...");
            var install = RunProcess("bash", [Path.Combine(home, "tools", "install-prereqs.sh")], home, ctx.Err);
            if (install.ExitCode != 0 || !HasTorch())
                throw new CliException($"installing PyTorch failed (tools/install-prereqs.sh exited with {install.ExitCode}); install python3-torch python3-torchvision python3-onnx and try again");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        ctx.Err.WriteLine($"exporting {model} (torchvision, seeded random weights) to {relative} with tools/export_torchvision.py; this happens once...");
        string temp = Path.Combine(Path.GetDirectoryName(path)!, $".{model}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.tmp.onnx");
        var sw = Stopwatch.StartNew();
        var result = RunProcess(Python, [script, "--model", model, "--out", temp], home, null);
        if (result.ExitCode != 0 || !File.Exists(temp))
        {
            TryDelete(temp);
            var tail = string.Join(Environment.NewLine, result.Output.TakeLast(15).Select(l => "  " + l));
            throw new CliException($"exporting {model} failed (exit code {result.ExitCode}):{Environment.NewLine}{tail}");
        }
        File.Move(temp, path, overwrite: true);
        ctx.Err.WriteLine($"exported {model} in {sw.Elapsed.TotalSeconds:F1} s");
    }

    private static bool HasTorch()
    {
        if (!File.Exists(Python)) return false;
        return RunProcess(Python, ["-c", "import torch, torchvision, onnx"], null, null).ExitCode == 0;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Runs a process to completion. Its output lines go to <paramref name="echo"/> as they come, and are also returned.</summary>
    private static (int ExitCode, List<string> Output) RunProcess(string file, string[] args, string? workingDirectory, TextWriter? echo)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var lines = new List<string>();
        void OnLine(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (lines)
            {
                lines.Add(e.Data);
                echo?.WriteLine("  " + e.Data);
            }
        }
        Process p;
        try { p = Process.Start(psi) ?? throw new CliException($"cannot start {file}"); }
        catch (System.ComponentModel.Win32Exception e) { throw new CliException($"cannot start {file}: {e.Message}"); }
        using (p)
        {
            p.OutputDataReceived += OnLine;
            p.ErrorDataReceived += OnLine;
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            p.WaitForExit();
            return (p.ExitCode, lines);
        }
    }
}
