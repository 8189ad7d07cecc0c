namespace Depthwise.Cli;

/// <summary>Process entry point of the <c>depthwise</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line against the console; returns the exit code (see <see cref="DepthwiseCli"/>).</summary>
    public static int Main(string[] args) => DepthwiseCli.Run(args, Console.Out, Console.Error);
}
