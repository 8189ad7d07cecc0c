namespace Depthwise.Cli;

/// <summary>A plain-text table: columns padded to their widest cell, numeric columns right-aligned.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];
    private readonly bool[] _right = new bool[headers.Length];

    /// <summary>Right-aligns the given columns (numbers).</summary>
    public TextTable AlignRight(params int[] columns)
    {
        foreach (int c in columns) _right[c] = true;
        return this;
    }

    /// <summary>Adds a row (missing cells are empty).</summary>
    public void Add(params string[] cells) => _rows.Add(cells);

    /// <summary>Writes the header and rows, each line prefixed by <paramref name="indent"/>.</summary>
    public void Write(TextWriter w, string indent = "  ", bool header = true)
    {
        var widths = new int[headers.Length];
        var all = header ? _rows.Prepend(headers) : _rows;
        foreach (var r in all)
            for (int c = 0; c < widths.Length && c < r.Length; c++) widths[c] = Math.Max(widths[c], r[c].Length);
        foreach (var r in all)
        {
            var cells = new string[widths.Length];
            for (int c = 0; c < widths.Length; c++)
            {
                string s = c < r.Length ? r[c] : "";
                cells[c] = _right[c] ? s.PadLeft(widths[c]) : c == widths.Length - 1 ? s : s.PadRight(widths[c]);
            }
            w.WriteLine(indent + string.Join("  ", cells).TrimEnd());
        }
    }
}
