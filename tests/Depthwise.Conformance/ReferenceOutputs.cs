using System.Security.Cryptography;
using System.Text.Json;
using Depthwise.Formats;

namespace Depthwise.Conformance;

/// <summary>
/// The reference-output folders made by tools/tflite-references.sh (.cache/tflite-ref) and tools/ort-references.sh
/// (.cache/ort-ref): <c>&lt;model stem&gt;/&lt;case&gt;/</c> with input_&lt;i&gt;.npy, output_&lt;i&gt;.npy and meta.json.
/// Lists them as theory rows ("stem/case"), and says why there are none when there are none.
/// </summary>
internal static class ReferenceOutputs
{
    /// <summary>Row shown (and skipped) when a root holds no reference case.</summary>
    public const string NoReferences = "(no references)";

    /// <summary>Suffix of a row for a case whose generation failed (skipped with the generator's reason).</summary>
    public const string FailedSuffix = " (generation failed)";

    /// <summary>.cache/tflite-ref under the repository.</summary>
    public static string TfLiteRoot { get; } = Path.Combine(OrtPeer.RepoRoot, ".cache", "tflite-ref");

    /// <summary>.cache/ort-ref under the repository.</summary>
    public static string OrtRoot { get; } = Path.Combine(OrtPeer.RepoRoot, ".cache", "ort-ref");

    /// <summary>
    /// One row per case folder under <paramref name="root"/> ("stem/case", sorted), one per failed case
    /// ("stem/case (generation failed)"), or the single row <see cref="NoReferences"/>.
    /// </summary>
    public static TheoryData<string> Rows(string root)
    {
        var rows = new TheoryData<string>();
        var ids = new List<string>();
        if (Directory.Exists(root))
        {
            foreach (var model in Directory.GetDirectories(root))
            {
                string stem = Path.GetFileName(model);
                foreach (var c in Directory.GetDirectories(model))
                {
                    string name = Path.GetFileName(c);
                    if (!name.StartsWith('.') && ReferenceCase.IsReferenceCase(c)) ids.Add($"{stem}/{name}");
                }
                foreach (var (caseName, _) in Failures(model)) ids.Add($"{stem}/{caseName}{FailedSuffix}");
            }
        }
        ids.Sort(StringComparer.Ordinal);
        if (ids.Count == 0) ids.Add(NoReferences);
        foreach (var id in ids) rows.Add(id);
        return rows;
    }

    /// <summary>
    /// Skips the calling test when <paramref name="id"/> is a placeholder row, with the generator's reason; otherwise
    /// returns the case folder.
    /// </summary>
    public static string RequireCase(string root, string id, string generator)
    {
        if (id == NoReferences)
        {
            string status = File.Exists(Path.Combine(root, "STATUS")) ? File.ReadAllText(Path.Combine(root, "STATUS")).Trim() : "";
            Skip.If(true, status.Length > 0
                ? $"no reference outputs in {root}: {generator} says \"{status}\""
                : $"no reference outputs in {root}: run {generator} (test.sh does)");
        }
        if (id.EndsWith(FailedSuffix, StringComparison.Ordinal))
        {
            string caseId = id[..^FailedSuffix.Length];
            string stem = caseId[..caseId.IndexOf('/', StringComparison.Ordinal)];
            string caseName = caseId[(stem.Length + 1)..];
            string reason = Failures(Path.Combine(root, stem)).FirstOrDefault(f => f.Case == caseName).Reason ?? "unknown";
            Skip.If(true, $"{generator} could not make this reference: {reason}");
        }
        return Path.Combine(root, id);
    }

    /// <summary>The model a case was made from (meta.json's model.path), checked to exist and to have the recorded sha256 (skips otherwise).</summary>
    public static string RequireModel(string caseDir, string generator)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(caseDir, "meta.json")));
        var model = doc.RootElement.GetProperty("model");
        string path = model.GetProperty("path").GetString()!;
        Skip.IfNot(File.Exists(path), $"the model of this reference, {path}, is gone; run {generator} again");
        string? sha = model.TryGetProperty("sha256", out var s) ? s.GetString() : null;
        if (sha is not null)
        {
            using var stream = File.OpenRead(path);
            string actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            Skip.If(!actual.Equals(sha, StringComparison.OrdinalIgnoreCase), $"{path} changed since this reference was made (sha256 {actual}, reference {sha}); run {generator} again");
        }
        return path;
    }

    /// <summary>The runtime meta.json names (e.g. "tfjs-tflite", "litert", "onnxruntime").</summary>
    public static string Runtime(string caseDir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(caseDir, "meta.json")));
        return doc.RootElement.TryGetProperty("runtime", out var r) && r.TryGetProperty("name", out var n) ? n.GetString() ?? "?" : "?";
    }

    /// <summary>The "case: reason" lines of a model folder's FAILED file.</summary>
    private static IEnumerable<(string Case, string Reason)> Failures(string modelDir)
    {
        string file = Path.Combine(modelDir, "FAILED");
        if (!File.Exists(file)) yield break;
        foreach (var line in File.ReadAllLines(file))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) yield return (line[..colon], line[(colon + 1)..].Trim());
        }
    }
}
