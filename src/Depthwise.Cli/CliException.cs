namespace Depthwise.Cli;

/// <summary>A user error found by the CLI itself (bad argument combination, missing tool): printed as one line, exit code 2.</summary>
internal sealed class CliException(string message) : Exception(message);
