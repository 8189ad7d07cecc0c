namespace Depthwise.Cli.Tests;

/// <summary>What one in-process run of the command printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Err}";
}

/// <summary>Runs the depthwise command line in-process, in a temporary folder that is deleted on dispose.</summary>
internal sealed class CliRunner : IDisposable
{
    public CliRunner()
    {
        Dir = Path.Combine(Path.GetTempPath(), "depthwise-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Dir);
    }

    /// <summary>The temporary folder of this test.</summary>
    public string Dir { get; }

    /// <summary>The Depthwise folder the commands see (null: the real one found from the test assembly).</summary>
    public string? Home { get; set; }

    /// <summary>A path inside <see cref="Dir"/>.</summary>
    public string PathOf(params string[] parts) => Path.Combine([Dir, .. parts]);

    public CliResult Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = DepthwiseCli.Run(args, new CliContext(stdout, stderr) { Home = Home });
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); }
        catch (IOException) { }
    }
}
