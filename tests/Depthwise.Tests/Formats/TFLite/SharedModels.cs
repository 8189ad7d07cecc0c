namespace Depthwise.Tests.Formats.TFLite;

/// <summary>
/// Finds the real models of the shared folder (see shared/models/README.md): DEPTHWISE_SHARED_MODELS names the models
/// directory; otherwise the first "shared/models" found walking up from the test's directory (the repository sits
/// next to, or below, the shared folder). Tests skip with the reason when it is absent.
/// </summary>
internal static class SharedModels
{
    public static readonly string? Root = Locate();

    private static string? Locate()
    {
        var env = Environment.GetEnvironmentVariable("DEPTHWISE_SHARED_MODELS");
        if (!string.IsNullOrEmpty(env)) return Directory.Exists(env) ? env : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "models");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The path of shared/models/tflite/<paramref name="file"/>; skips the test when it is missing.</summary>
    public static string TfLite(string file)
    {
        Skip.If(Root is null, "the shared models folder was not found (set DEPTHWISE_SHARED_MODELS to shared/models)");
        var p = Path.Combine(Root!, "tflite", file);
        Skip.IfNot(File.Exists(p), $"{p} is missing");
        return p;
    }

    /// <summary>The path of shared/models/onnx/<paramref name="file"/>; skips the test when it is missing.</summary>
    public static string Onnx(string file)
    {
        Skip.If(Root is null, "the shared models folder was not found (set DEPTHWISE_SHARED_MODELS to shared/models)");
        var p = Path.Combine(Root!, "onnx", file);
        Skip.IfNot(File.Exists(p), $"{p} is missing");
        return p;
    }

    /// <summary>Every .tflite model of the shared folder (none when it is absent).</summary>
    public static IEnumerable<string> AllTfLite() =>
        Root is not null && Directory.Exists(Path.Combine(Root, "tflite"))
            ? Directory.GetFiles(Path.Combine(Root, "tflite"), "*.tflite").Order(StringComparer.Ordinal)
            : [];
}
