namespace Depthwise.Cli;

/// <summary>
/// Finds the Depthwise folder (the repository root, marked by test.sh), where tools/ and the model cache live:
/// the context's override, else the DEPTHWISE_HOME environment variable, else the first folder holding test.sh
/// walking up from the executable (the wrapper script publishes it to .build/cli under the root).
/// </summary>
internal static class DepthwiseHome
{
    /// <summary>Environment variable that names the Depthwise folder.</summary>
    public const string EnvironmentVariable = "DEPTHWISE_HOME";

    /// <summary>The Depthwise folder.</summary>
    public static string Find(CliContext ctx)
    {
        if (ctx.Home is { } home) return home;
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(env))
        {
            if (!Directory.Exists(env)) throw new CliException($"{EnvironmentVariable}={env} is not a folder");
            return Path.GetFullPath(env);
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "test.sh"))) return dir.FullName;
        throw new CliException($"cannot find the Depthwise folder (holding test.sh) above {AppContext.BaseDirectory}; set {EnvironmentVariable}");
    }
}
