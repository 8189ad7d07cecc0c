namespace Depthwise.Cli;

/// <summary>What a command writes to and where it finds the Depthwise folder. Tests build their own.</summary>
internal sealed class CliContext(TextWriter output, TextWriter error)
{
    /// <summary>Results (tables, JSON, PASS/FAIL lines).</summary>
    public TextWriter Out { get; } = output;

    /// <summary>Progress, notes and errors.</summary>
    public TextWriter Err { get; } = error;

    /// <summary>The Depthwise folder (holding test.sh and tools/); null to use DEPTHWISE_HOME or search up from the executable.</summary>
    public string? Home { get; init; }
}
