using System.Diagnostics;
using Depthwise.Tensors;

namespace Depthwise.Conformance;

/// <summary>
/// ONNX Runtime 1.30 (native CPU, npm onnxruntime-node installed by test.sh into tools/ort) as the reference peer:
/// runs a model on .npy inputs and returns its outputs by name. Tests skip with a printed reason when it is absent.
/// </summary>
internal static class OrtPeer
{
    /// <summary>Repository root (found by walking up to test.sh).</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>Null when ORT can run here, else why not.</summary>
    public static string? Unavailable =>
        !File.Exists(Path.Combine(RepoRoot, "tools/ort/node_modules/onnxruntime-node/package.json")) ? "onnxruntime-node is not installed (run tools/install-prereqs.sh)"
        : FindOnPath("node") is null ? "node is not on PATH" : null;

    /// <summary>Runs <paramref name="model"/> in ORT on <paramref name="inputs"/> (model order); returns outputs by name.</summary>
    public static Dictionary<string, Tensor> Run(string model, IReadOnlyList<Tensor> inputs, int threads = 1)
    {
        var dir = Directory.CreateTempSubdirectory("dw-ort-");
        try
        {
            var args = new List<string> { Path.Combine(RepoRoot, "tools/ort/run.js"), model, Path.Combine(dir.FullName, "out") };
            for (int i = 0; i < inputs.Count; i++)
            {
                var f = Path.Combine(dir.FullName, $"in{i}.npy");
                Npy.Write(f, inputs[i]);
                args.Add("--input"); args.Add(f);
            }
            args.Add("--threads"); args.Add(threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            string stdout = p.StandardOutput.ReadToEnd();
            string stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"ONNX Runtime failed on {model}: {stderr}");
            var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var f in Directory.GetFiles(Path.Combine(dir.FullName, "out"), "*.npy"))
                result[Path.GetFileNameWithoutExtension(f)] = Npy.Read(f);
            return result;
        }
        finally { dir.Delete(true); }
    }

    private static string? FindOnPath(string exe) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, exe)).FirstOrDefault(File.Exists);

    private static string FindRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "test.sh"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("cannot find the repository root (test.sh) above " + AppContext.BaseDirectory);
    }
}
