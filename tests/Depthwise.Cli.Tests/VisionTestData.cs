using Depthwise.Vision;
using Depthwise.Vision.Codecs;

namespace Depthwise.Cli.Tests;

/// <summary>
/// Data for the vision command tests: the shared folder's models and images ($DEPTHWISE_SHARED, else a folder named
/// "shared" holding images/ above the test binaries; tests skip when it is absent) and small synthetic PNGs.
/// </summary>
internal static class VisionTestData
{
    private static readonly string? Root = Locate();

    private static string? Locate()
    {
        var env = Environment.GetEnvironmentVariable("DEPTHWISE_SHARED");
        if (!string.IsNullOrEmpty(env)) return Directory.Exists(env) ? Path.GetFullPath(env) : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "images"))) return candidate;
        }
        return null;
    }

    /// <summary>A file of the shared folder; skips the test when it is missing.</summary>
    public static string Shared(params string[] parts)
    {
        Skip.If(Root is null, "the shared folder was not found beside the repository (set DEPTHWISE_SHARED)");
        string path = Path.Combine([Root!, .. parts]);
        Skip.IfNot(File.Exists(path), $"{path} not found");
        return path;
    }

    /// <summary>A TFLite model of the shared folder.</summary>
    public static string Model(string name) => Shared("models", "tflite", name);

    /// <summary>sergey.png (600 × 600, one face).</summary>
    public static string Sergey => Shared("images", "mediapipe", "sergey.png");

    /// <summary>Writes a seeded random RGB PNG of the given size and returns its path.</summary>
    public static string WriteNoisePng(string path, int width, int height, int seed)
    {
        var image = new Image(width, height, PixelFormat.Rgb24);
        new Random(seed).NextBytes(image.Pixels);
        image.SavePng(path);
        return path;
    }
}
