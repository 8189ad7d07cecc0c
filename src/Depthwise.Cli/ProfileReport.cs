using System.Globalization;
using System.Text.Json;
using Depthwise.Runtime;

namespace Depthwise.Cli;

/// <summary>
/// The per-step profile of the measured runs as <c>depthwise bench --profile</c> shows it (after TFLite's
/// benchmark_model op profiling): every plan step sorted by mean time, with its share of the steps' total, the running
/// share, MACs and GMAC/s; then the same summed per operator type.
/// </summary>
internal sealed class ProfileReport
{
    /// <summary>One plan step: mean milliseconds per run over the profiled runs.</summary>
    public sealed record Row(int Step, string Node, string Op, string OutputShape, double Ms, long Macs);

    /// <summary>One operator type: how many steps, and their summed mean milliseconds and MACs.</summary>
    public sealed record OpRow(string Op, int Count, double Ms, long Macs);

    private ProfileReport(int runs, IReadOnlyList<Row> rows, IReadOnlyList<OpRow> ops, double runMs)
    {
        Runs = runs;
        Rows = rows;
        Ops = ops;
        StepsMs = rows.Sum(r => r.Ms);
        RunMs = runMs;
    }

    /// <summary>How many runs the means are over.</summary>
    public int Runs { get; }

    /// <summary>The steps, slowest first (ties in plan order).</summary>
    public IReadOnlyList<Row> Rows { get; }

    /// <summary>The operator types, slowest first (ties by name).</summary>
    public IReadOnlyList<OpRow> Ops { get; }

    /// <summary>Mean milliseconds per run of all steps together (what the percentages are of).</summary>
    public double StepsMs { get; }

    /// <summary>Mean milliseconds per run as the profiler saw the whole run (steps plus binding and output copies).</summary>
    public double RunMs { get; }

    /// <summary>The report of what <paramref name="profiler"/> recorded.</summary>
    public static ProfileReport From(Profiler profiler)
    {
        int runs = profiler.Runs;
        double perRun = runs == 0 ? 0 : 1.0 / runs;
        var rows = profiler.GetNodeProfiles()
            .Select(p => new Row(p.Step, p.NodeName, p.OpType, string.Join(" ", p.OutputShapes), p.Total.TotalMilliseconds * perRun, p.Macs))
            .OrderByDescending(r => r.Ms).ThenBy(r => r.Step)
            .ToArray();
        var ops = rows.GroupBy(r => r.Op, StringComparer.Ordinal)
            .Select(g => new OpRow(g.Key, g.Count(), g.Sum(r => r.Ms), g.Sum(r => r.Macs)))
            .OrderByDescending(o => o.Ms).ThenBy(o => o.Op, StringComparer.Ordinal)
            .ToArray();
        return new ProfileReport(runs, rows, ops, profiler.RunTime.TotalMilliseconds * perRun);
    }

    /// <summary>Share of the steps' total, in percent.</summary>
    public double Percent(double ms) => StepsMs > 0 ? 100 * ms / StepsMs : 0;

    /// <summary>Billions of MACs per second at <paramref name="ms"/> per run (0 when there is no time or no MAC).</summary>
    public static double GMacsPerSecond(long macs, double ms) => ms > 0 ? macs / (ms * 1e6) : 0;

    /// <summary>Writes both tables.</summary>
    public void WriteText(TextWriter w)
    {
        w.WriteLine($"profile     {Rows.Count} steps, mean of {Runs} measured run{(Runs == 1 ? "" : "s")}, slowest first; steps total {Ms(StepsMs)} of {Ms(RunMs)} per run");
        var table = new TextTable("#", "node", "op", "output shape", "ms", "%", "cum %", "MACs", "GMAC/s").AlignRight(0, 4, 5, 6, 7, 8);
        double cumulative = 0;
        foreach (var r in Rows)
        {
            cumulative += r.Ms;
            table.Add(Int(r.Step), r.Node, r.Op, r.OutputShape, Fixed(r.Ms, 3), Fixed(Percent(r.Ms), 1), Fixed(Percent(cumulative), 1),
                r.Macs == 0 ? "" : Units.Count(r.Macs), r.Macs == 0 ? "" : Fixed(GMacsPerSecond(r.Macs, r.Ms), 2));
        }
        table.Write(w);
        w.WriteLine();
        w.WriteLine("by op type");
        var ops = new TextTable("op", "count", "ms", "%", "MACs", "GMAC/s").AlignRight(1, 2, 3, 4, 5);
        foreach (var o in Ops)
            ops.Add(o.Op, Int(o.Count), Fixed(o.Ms, 3), Fixed(Percent(o.Ms), 1),
                o.Macs == 0 ? "" : Units.Count(o.Macs), o.Macs == 0 ? "" : Fixed(GMacsPerSecond(o.Macs, o.Ms), 2));
        ops.Write(w);
    }

    /// <summary>Writes the report as the value of a "profile" property.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject("profile");
        w.WriteNumber("runs", Runs);
        w.WriteNumber("steps_ms", Round(StepsMs));
        w.WriteNumber("run_ms", Round(RunMs));
        w.WriteStartArray("nodes");
        foreach (var r in Rows)
        {
            w.WriteStartObject();
            w.WriteNumber("step", r.Step);
            w.WriteString("node", r.Node);
            w.WriteString("op", r.Op);
            w.WriteString("output_shape", r.OutputShape);
            w.WriteNumber("ms", Round(r.Ms));
            w.WriteNumber("percent", Math.Round(Percent(r.Ms), 3));
            w.WriteNumber("macs", r.Macs);
            w.WriteNumber("gmacs_per_s", Math.Round(GMacsPerSecond(r.Macs, r.Ms), 4));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("op_types");
        foreach (var o in Ops)
        {
            w.WriteStartObject();
            w.WriteString("op", o.Op);
            w.WriteNumber("count", o.Count);
            w.WriteNumber("ms", Round(o.Ms));
            w.WriteNumber("percent", Math.Round(Percent(o.Ms), 3));
            w.WriteNumber("macs", o.Macs);
            w.WriteNumber("gmacs_per_s", Math.Round(GMacsPerSecond(o.Macs, o.Ms), 4));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static double Round(double ms) => Math.Round(ms, 6);

    private static string Ms(double ms) => Fixed(ms, 3) + " ms";

    private static string Fixed(double v, int decimals) => v.ToString("F" + Int(decimals), CultureInfo.InvariantCulture);

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);
}
