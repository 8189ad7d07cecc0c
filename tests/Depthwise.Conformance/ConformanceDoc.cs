namespace Depthwise.Conformance;

/// <summary>Tests named in the exclusion table: exact names, or a prefix ending in <c>*</c>.</summary>
internal sealed class ExclusionList(IReadOnlyDictionary<string, string> reasons)
{
    /// <summary>Each listed test (or pattern) with its reason.</summary>
    public IReadOnlyDictionary<string, string> Reasons { get; } = reasons;

    /// <summary>The listed names and patterns.</summary>
    public IEnumerable<string> Patterns => Reasons.Keys;

    /// <summary>True when some row names <paramref name="test"/>.</summary>
    public bool Matches(string test) => Reasons.Keys.Any(p => IsMatch(p, test));

    /// <summary>Exact match, or prefix match when the pattern ends in <c>*</c>.</summary>
    public static bool IsMatch(string pattern, string test) =>
        pattern.EndsWith('*') ? test.StartsWith(pattern[..^1], StringComparison.Ordinal) : pattern == test;
}

/// <summary>Reads docs/onnx-conformance.md: the table <c>| test | reason |</c> of node tests that may fail.</summary>
internal static class ConformanceDoc
{
    /// <summary>docs/onnx-conformance.md in the repository (found by walking up from the test's folder to test.sh).</summary>
    public static string Path
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "test.sh")))
                    return System.IO.Path.Combine(dir.FullName, "docs", "onnx-conformance.md");
            throw new InvalidOperationException($"cannot find the repository root (test.sh) above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>
    /// The rows of the first table whose header is <c>| test | reason |</c> (case-insensitive). Cells may wrap the test
    /// name in backticks. A name listed twice is an error, so the table stays tidy.
    /// </summary>
    public static ExclusionList ReadExclusions(string markdown)
    {
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = markdown.Split('\n');
        int i = 0;
        while (i < lines.Length && !IsHeader(lines[i])) i++;
        if (i == lines.Length) throw new InvalidDataException("docs/onnx-conformance.md has no table with the header | test | reason |");
        i += 2;   // header and |---|---| separator
        for (; i < lines.Length; i++)
        {
            var cells = Cells(lines[i]);
            if (cells is null) break;
            if (cells.Length < 2) throw new InvalidDataException($"table row '{lines[i].Trim()}' needs two cells: | test | reason |");
            string test = cells[0].Trim('`', ' ');
            if (test.Length == 0) continue;
            if (cells[1].Length == 0) throw new InvalidDataException($"table row for {test} gives no reason");
            if (!reasons.TryAdd(test, cells[1])) throw new InvalidDataException($"{test} is listed twice in the table");
        }
        return new ExclusionList(reasons);
    }

    private static bool IsHeader(string line) =>
        Cells(line) is [var a, var b, ..] && a.Equals("test", StringComparison.OrdinalIgnoreCase) && b.Equals("reason", StringComparison.OrdinalIgnoreCase);

    /// <summary>The trimmed cells of a table line, or null when the line is not a table row.</summary>
    private static string[]? Cells(string line)
    {
        var t = line.Trim();
        if (!t.StartsWith('|')) return null;
        t = t.Trim('|');
        return t.Split('|').Select(c => c.Trim()).ToArray();
    }
}
