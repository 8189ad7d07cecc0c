namespace Depthwise.Cli;

/// <summary>
/// A one-line progress bar on stderr for folder runs: <c>[#######.............] 12/40 name</c>, redrawn in place with
/// a carriage return and cleared before any other line is written there. Only on a terminal: when stderr is a file, a
/// pipe or a test's writer, just the final line is written.
/// </summary>
internal sealed class ProgressBar(TextWriter err, int total)
{
    private const int Width = 24;
    private readonly bool _live = ReferenceEquals(err, Console.Error) && !Console.IsErrorRedirected;
    private int _shown;

    /// <summary>Shows that item <paramref name="done"/> (0-based) of the total is starting.</summary>
    public void Update(int done, string name)
    {
        if (!_live) return;
        int filled = total == 0 ? Width : done * Width / total;
        string line = $"[{new string('#', filled)}{new string('.', Width - filled)}] {done + 1}/{total} {Path.GetFileName(name)}";
        if (line.Length > 100) line = line[..100];
        Clear();
        err.Write(line);
        _shown = line.Length;
    }

    /// <summary>Erases the bar so that a normal line can follow.</summary>
    public void Clear()
    {
        if (_shown == 0) return;
        err.Write('\r' + new string(' ', _shown) + '\r');
        _shown = 0;
    }

    /// <summary>Ends the run: a final full bar and a newline.</summary>
    public void Finish()
    {
        Clear();
        err.WriteLine($"[{new string('#', Width)}] {total}/{total} done");
    }
}
