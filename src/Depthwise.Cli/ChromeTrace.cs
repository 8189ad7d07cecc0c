using System.Globalization;
using System.Text.Json;
using Depthwise.Runtime;

namespace Depthwise.Cli;

/// <summary>
/// Writes a profiler's timelines as Chrome trace event JSON (the format chrome://tracing and ui.perfetto.dev load):
/// <c>{"traceEvents": [...]}</c> with one complete event (<c>"ph": "X"</c>, microseconds) per run enclosing one per
/// plan step, named after the node and categorized by operator type; process and thread names as metadata events.
/// </summary>
internal static class ChromeTrace
{
    /// <summary>The process id written on every event (one process: this benchmark).</summary>
    private const int ProcessId = 1;

    /// <summary>Writes the trace of <paramref name="profiler"/> to <paramref name="path"/>; returns the number of runs written.</summary>
    public static int Write(string path, Profiler profiler, string title)
    {
        var runs = profiler.GetTrace();
        var plan = profiler.Plan;
        var shapes = plan.Steps.Select(s => string.Join(" ", s.OutputShapes(plan))).ToArray();
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        w.WriteStartArray("traceEvents");
        Metadata(w, "process_name", 0, title);
        foreach (int tid in runs.Select(r => r.ThreadId).Distinct())
            Metadata(w, "thread_name", tid, $"run thread {tid.ToString(CultureInfo.InvariantCulture)}");
        for (int r = 0; r < runs.Count; r++)
        {
            var run = runs[r];
            Begin(w, $"run {r.ToString(CultureInfo.InvariantCulture)}", "run", run.ThreadId, run.Start, run.End);
            w.WriteNumber("run", r);
            w.WriteEndObject();
            w.WriteEndObject();
            for (int s = 0; s < plan.Steps.Count; s++)
            {
                var step = plan.Steps[s];
                Begin(w, step.Node.Name, step.Node.Op.OpType, run.ThreadId, run.StepStarts[s], run.StepEnds[s]);
                w.WriteNumber("step", s);
                w.WriteString("op", step.Node.Op.OpType);
                w.WriteString("output", shapes[s]);
                w.WriteNumber("macs", step.Macs);
                w.WriteNumber("run", r);
                w.WriteEndObject();
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
        w.WriteString("displayTimeUnit", "ms");
        w.WriteEndObject();
        return runs.Count;
    }

    /// <summary>Opens a complete event and its "args" object (the caller writes the arguments and closes both).</summary>
    private static void Begin(Utf8JsonWriter w, string name, string category, int tid, TimeSpan start, TimeSpan end)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("cat", category);
        w.WriteString("ph", "X");
        w.WriteNumber("ts", Microseconds(start));
        w.WriteNumber("dur", Microseconds(end - start));
        w.WriteNumber("pid", ProcessId);
        w.WriteNumber("tid", tid);
        w.WriteStartObject("args");
    }

    private static void Metadata(Utf8JsonWriter w, string kind, int tid, string name)
    {
        w.WriteStartObject();
        w.WriteString("name", kind);
        w.WriteString("ph", "M");
        w.WriteNumber("pid", ProcessId);
        w.WriteNumber("tid", tid);
        w.WriteStartObject("args");
        w.WriteString("name", name);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Microseconds to the nanosecond (the trace format's unit; fractions are allowed).</summary>
    private static double Microseconds(TimeSpan t) => Math.Round(t.TotalMicroseconds, 3);
}
