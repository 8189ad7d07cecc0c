using Depthwise.Ops;

namespace Depthwise.Formats.Onnx;

/// <summary>One row of the ONNX op table: how (domain, op type) from an opset on is imported, and how the IR op is exported.</summary>
internal sealed record OnnxOpRow(string Domain, string OpType, int SinceVersion, Type OpClass, Func<OnnxNode, Op> Import, Action<Op, OnnxExportNode>? Export);

/// <summary>
/// The ONNX operator table. Each operator family adds its rows in its own file (a partial of this class), so adding an
/// operator touches one row here: the import (opset range → typed op) and the export (typed op → ONNX at the target opset).
/// </summary>
internal static partial class OnnxOpTable
{
    private static readonly Dictionary<(string Domain, string OpType), OnnxOpRow[]> ByName;
    private static readonly Dictionary<Type, OnnxOpRow> ByClass;

    static OnnxOpTable()
    {
        var rows = new List<OnnxOpRow>();
        AddElementwiseRows(rows);
        AddNeuralNetRows(rows);
        AddTensorRows(rows);
        AddReductionRows(rows);
        AddResizeRows(rows);
        AddQuantizationRows(rows);
        AddQuantizedConvRows(rows);
        ByName = rows.GroupBy(r => (r.Domain, r.OpType))
            .ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.SinceVersion).ToArray());
        ByClass = new Dictionary<Type, OnnxOpRow>();
        foreach (var r in rows.Where(r => r.Export is not null).OrderByDescending(r => r.SinceVersion))
            ByClass.TryAdd(r.OpClass, r);
        // IR operators the passes create that are no ONNX operator: exported (as the nodes they replaced), never imported.
        var exportOnly = new List<OnnxOpRow>();
        AddExportOnlyRows(exportOnly);
        foreach (var r in exportOnly) ByClass.TryAdd(r.OpClass, r);
    }

    /// <summary>All rows (for docs and tests).</summary>
    public static IEnumerable<OnnxOpRow> Rows => ByName.Values.SelectMany(r => r);

    /// <summary>The row for a node at an opset, or null when the op is unknown or newer than the model's opset.</summary>
    public static OnnxOpRow? Find(string domain, string opType, long opset)
    {
        if (!ByName.TryGetValue((NormalizeDomain(domain), opType), out var rows)) return null;
        foreach (var r in rows) if (r.SinceVersion <= opset) return r;
        return null;
    }

    /// <summary>The oldest opset any row of (domain, op type) covers, or null when the op is unknown.</summary>
    public static int? OldestSupported(string domain, string opType) =>
        ByName.TryGetValue((NormalizeDomain(domain), opType), out var rows) ? rows[^1].SinceVersion : null;

    /// <summary>The export row for an IR op class, or null.</summary>
    public static OnnxOpRow? FindExport(Type opClass) => ByClass.GetValueOrDefault(opClass);

    /// <summary>"ai.onnx" and "" both name the default domain.</summary>
    public static string NormalizeDomain(string domain) => domain == "ai.onnx" ? "" : domain;

    /// <summary>Adds a row for the default domain.</summary>
    private static void Row<TOp>(List<OnnxOpRow> rows, string opType, int since, Func<OnnxNode, TOp> import, Action<TOp, OnnxExportNode>? export = null)
        where TOp : Op
        => rows.Add(new OnnxOpRow("", opType, since, typeof(TOp), n => import(n), export is null ? null : (op, e) => export((TOp)op, e)));

    /// <summary>Adds a row for another domain (e.g. com.microsoft).</summary>
    private static void Row<TOp>(List<OnnxOpRow> rows, string domain, string opType, int since, Func<OnnxNode, TOp> import, Action<TOp, OnnxExportNode>? export = null)
        where TOp : Op
        => rows.Add(new OnnxOpRow(domain, opType, since, typeof(TOp), n => import(n), export is null ? null : (op, e) => export((TOp)op, e)));

    static partial void AddElementwiseRows(List<OnnxOpRow> rows);
    static partial void AddNeuralNetRows(List<OnnxOpRow> rows);
    static partial void AddTensorRows(List<OnnxOpRow> rows);
    static partial void AddReductionRows(List<OnnxOpRow> rows);
    static partial void AddResizeRows(List<OnnxOpRow> rows);
    static partial void AddExportOnlyRows(List<OnnxOpRow> rows);
}
