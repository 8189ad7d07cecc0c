using System.CommandLine;
using System.CommandLine.Invocation;
using System.Diagnostics.CodeAnalysis;

namespace Depthwise.Cli;

/// <summary>
/// The <c>depthwise</c> command line: parses the arguments, runs one command and maps errors to exit codes.
/// Exit codes: 0 success, 1 a check failed (verify), 2 a user error (bad arguments, missing or invalid model or input,
/// unsupported operator) reported as one <c>error: ...</c> line, 3 an internal error (a bug: printed with its stack trace).
/// </summary>
public static class DepthwiseCli
{
    /// <summary>The command did what was asked.</summary>
    public const int ExitSuccess = 0;

    /// <summary>The command ran, and what it checked failed (e.g. a verify case failed).</summary>
    public const int ExitCheckFailed = 1;

    /// <summary>The user asked for something that cannot be done: bad arguments, a missing file, an invalid or unsupported model.</summary>
    public const int ExitUserError = 2;

    /// <summary>Depthwise itself failed unexpectedly (a bug).</summary>
    public const int ExitInternalError = 3;

    /// <summary>Runs the command line in-process, writing results to <paramref name="stdout"/> and notes and errors to <paramref name="stderr"/>.</summary>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, new CliContext(stdout, stderr));

    [SuppressMessage("Design", "CA1031", Justification = "The top level turns every unexpected exception into exit code 3 with its stack trace.")]
    internal static int Run(string[] args, CliContext ctx)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = new RootCommand("Depthwise: a pure C# inference engine for mobile vision networks.") { HelpName = "depthwise" };
        root.Subcommands.Add(InspectCommand.Create(ctx));
        root.Subcommands.Add(RunCommand.Create(ctx));
        root.Subcommands.Add(VerifyCommand.Create(ctx));
        root.Subcommands.Add(BenchCommand.Create(ctx));
        root.Subcommands.Add(ClassifyCommand.Create(ctx));
        root.Subcommands.Add(DetectCommand.Create(ctx));
        root.Subcommands.Add(FacesCommand.Create(ctx));
        root.Subcommands.Add(SegmentCommand.Create(ctx));
        root.Subcommands.Add(EmbedCommand.Create(ctx));
        var config = new InvocationConfiguration { Output = ctx.Out, Error = ctx.Err, EnableDefaultExceptionHandler = false };
        if (args.Length == 0)
        {
            root.Parse(["--help"]).Invoke(config);
            return ExitSuccess;
        }
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            foreach (var e in parse.Errors) ctx.Err.WriteLine("error: " + e.Message);
            var command = parse.CommandResult.Command;
            ctx.Err.WriteLine(command == root ? "usage: depthwise --help" : $"usage: depthwise {command.Name} --help");
            return ExitUserError;
        }
        try
        {
            return parse.Invoke(config);
        }
        catch (Exception e) when (IsUserError(e))
        {
            ctx.Err.WriteLine("error: " + e.Message);
            return ExitUserError;
        }
        catch (Exception e)
        {
            ctx.Err.WriteLine("internal error (please report): " + e);
            return ExitInternalError;
        }
    }

    /// <summary>Errors that describe a problem with what the user gave us, not a bug: reported in one line.</summary>
    private static bool IsUserError(Exception e) =>
        e is DepthwiseException or CliException or FileNotFoundException or DirectoryNotFoundException
            or UnauthorizedAccessException or PathTooLongException
        || e.GetType() == typeof(IOException);
}
