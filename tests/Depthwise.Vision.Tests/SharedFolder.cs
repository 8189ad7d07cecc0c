namespace Depthwise.Vision.Tests;

/// <summary>
/// The shared data folder (models, images, goldens; see shared/models/README.md): $DEPTHWISE_SHARED when set, else the
/// first folder named "shared" holding images/ found walking up from the test binaries (CI puts it beside the
/// repository). Null when absent: tests then skip with a printed reason.
/// </summary>
internal static class SharedFolder
{
    /// <summary>The folder, or null.</summary>
    public static readonly string? Root = Locate();

    /// <summary>A path under the shared folder (which may not exist; check before use).</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root ?? "<no shared folder>", .. parts]);

    /// <summary>Why a test needing the shared folder skips, or null when it is there.</summary>
    public static string? Missing => Root is null ? "the shared folder was not found beside the repository (set DEPTHWISE_SHARED)" : null;

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
}
