using System.Globalization;

namespace Depthwise.Vision.Tasks;

/// <summary>
/// Reads class label files: one label per line, line i naming class i (the TFLite convention, e.g. the 1001-entry
/// ImageNet list whose line 0 is "background"), or — when every non-empty line starts with a number — Coral's
/// "index label" form (<c>17  dog</c>, also <c>17: dog</c>), where missing indices get an empty label.
/// </summary>
public static class LabelFile
{
    /// <summary>Labels longer than this many lines are refused (a label file is not a data set).</summary>
    public const int MaxLabels = 1_000_000;

    /// <summary>Reads a label file.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file has more than <see cref="MaxLabels"/> lines or indices.</exception>
    public static IReadOnlyList<string> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses the text of a label file; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">More than <see cref="MaxLabels"/> lines or indices.</exception>
    public static IReadOnlyList<string> Parse(string text, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        int count = lines.Length;
        // A final newline does not start another label.
        if (count > 0 && lines[^1].Length == 0) count--;
        if (count > MaxLabels) throw new InvalidDataException($"{source ?? "label file"}: more than {MaxLabels} labels");
        var plain = new string[count];
        bool indexed = count > 0;
        var pairs = new List<(int Index, string Label)>();
        for (int i = 0; i < count; i++)
        {
            string line = lines[i].TrimEnd('\r');
            plain[i] = line.Trim();
            if (!indexed || plain[i].Length == 0) continue;
            if (TryIndexed(plain[i], out int index, out string label)) pairs.Add((index, label));
            else indexed = false;
        }
        if (!indexed || pairs.Count == 0) return plain;
        int max = 0;
        foreach (var (index, _) in pairs) max = Math.Max(max, index);
        if (max >= MaxLabels) throw new InvalidDataException($"{source ?? "label file"}: label index {max} is too large");
        var labels = new string[max + 1];
        Array.Fill(labels, "");
        foreach (var (index, label) in pairs) labels[index] = label;
        return labels;
    }

    private static bool TryIndexed(string line, out int index, out string label)
    {
        int digits = 0;
        while (digits < line.Length && char.IsAsciiDigit(line[digits])) digits++;
        index = 0;
        label = "";
        if (digits == 0 || digits > 9 || digits == line.Length) return false;
        int rest = digits;
        if (line[rest] == ':') rest++;
        else if (!char.IsWhiteSpace(line[rest])) return false;
        label = line[rest..].Trim();
        index = int.Parse(line.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture);
        return label.Length > 0;
    }
}
