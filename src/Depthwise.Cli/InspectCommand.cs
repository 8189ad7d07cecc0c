using System.CommandLine;
using System.Text;
using System.Text.Json;
using Depthwise.Graph;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Cli;

/// <summary>
/// <c>depthwise inspect MODEL [--json]</c>: inputs and outputs, operator histogram, parameters, and, from a plan
/// compiled for the declared input shapes (unknown dims = 1), MACs per node and in total and the activation memory.
/// </summary>
internal static class InspectCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = new Argument<string>("MODEL") { Description = ModelZoo.ArgumentHelp };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables" };
        var cmd = new Command("inspect", "Show a model's inputs, outputs, operators, parameters, MACs and activation memory") { model, json };
        cmd.SetAction(p => Execute(p.GetValue(model)!, p.GetValue(json), ctx));
        return cmd;
    }

    private sealed record Report(
        string Path, InferenceSession Session, ModelStatistics Stats, Shape[] PlanInputs, ExecutionPlan? Plan, string? PlanError);

    private static int Execute(string modelArg, bool json, CliContext ctx)
    {
        string path = ModelZoo.Resolve(modelArg, ctx);
        var session = InferenceSession.Load(path);
        var stats = ModelStatistics.Compute(session.Graph);
        var shapes = session.DefaultInputShapes();
        ExecutionPlan? plan = null;
        string? planError = null;
        try { plan = session.GetPlan(shapes); }
        catch (DepthwiseException e) { planError = e.Message; }
        var report = new Report(path, session, stats, shapes, plan, planError);
        if (json) WriteJson(report, ctx.Out);
        else WriteText(report, ctx.Out);
        if (planError is not null)
        {
            ctx.Err.WriteLine($"error: cannot compile a plan for input shapes {string.Join(" ", shapes)}: {planError}");
            return DepthwiseCli.ExitUserError;
        }
        return DepthwiseCli.ExitSuccess;
    }

    private static string Declared(IReadOnlyList<Dim>? shape) => shape is null ? "(unknown)" : "[" + string.Join(",", shape) + "]";

    private static void WriteText(Report r, TextWriter w)
    {
        var g = r.Session.Graph;
        w.WriteLine($"model       {r.Path}");
        var format = new List<string>();
        if (g.Metadata.TryGetValue("onnx.opset", out var opset)) format.Add($"ONNX opset {opset}");
        if (g.Metadata.TryGetValue("producer", out var producer)) format.Add($"producer {producer}");
        if (format.Count > 0) w.WriteLine($"format      {string.Join(", ", format)}");
        w.WriteLine();
        var io = new TextTable("", "name", "type", "shape");
        foreach (var i in r.Session.Inputs) io.Add("input", i.Name, DataTypes.Name(i.DataType), Declared(i.Shape));
        foreach (var o in r.Session.Outputs) io.Add("output", o.Name, DataTypes.Name(o.DataType), Declared(o.Shape));
        io.Write(w, "");
        w.WriteLine();

        w.WriteLine($"operators   {r.Stats.NodeCount} nodes, {r.Stats.OpHistogram.Count} types");
        var ops = new TextTable("op", "count").AlignRight(1);
        foreach (var kv in r.Stats.OpHistogram) ops.Add(kv.Key, kv.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ops.Write(w, "  ", header: false);
        w.WriteLine();
        w.WriteLine($"parameters  {Units.Count(r.Stats.ParameterCount)} ({Units.Bytes(r.Stats.ParameterBytes)} in {r.Stats.ParameterTensors} constant tensors)");
        w.WriteLine();

        w.WriteLine($"plan        for input shapes {string.Join(" ", r.PlanInputs)} (unknown dims = 1)");
        if (r.Plan is not { } plan)
        {
            w.WriteLine($"  not available: {r.PlanError}");
            return;
        }
        var steps = new TextTable("#", "node", "op", "output shape", "MACs").AlignRight(0, 4);
        for (int s = 0; s < plan.Steps.Count; s++)
        {
            var step = plan.Steps[s];
            steps.Add(s.ToString(System.Globalization.CultureInfo.InvariantCulture), step.Node.Name, step.Node.Op.OpType,
                string.Join(" ", step.OutputShapes(plan)), Units.Count(step.Macs));
        }
        steps.Write(w);
        int folded = r.Stats.NodeCount - plan.Steps.Count;
        if (folded > 0) w.WriteLine($"  ({folded} nodes folded into constants at compile time)");
        w.WriteLine();
        w.WriteLine($"MACs        {Units.Count(plan.TotalMacs)} ({Units.Si(plan.TotalMacs)})");
        w.WriteLine($"activations {Units.Count(plan.ArenaBytes)} bytes ({Units.Bytes(plan.ArenaBytes)}) arena; lifetime lower bound {Units.Count(plan.ArenaLowerBoundBytes)} bytes ({Units.Bytes(plan.ArenaLowerBoundBytes)})");
    }

    private static void WriteJson(Report r, TextWriter output)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            var g = r.Session.Graph;
            w.WriteStartObject();
            w.WriteString("model", r.Path);
            if (g.Metadata.TryGetValue("onnx.opset", out var opset) && int.TryParse(opset, System.Globalization.CultureInfo.InvariantCulture, out int ov))
                w.WriteNumber("opset", ov);
            if (g.Metadata.TryGetValue("producer", out var producer)) w.WriteString("producer", producer);
            WriteInfos(w, "inputs", r.Session.Inputs);
            WriteInfos(w, "outputs", r.Session.Outputs);
            w.WriteNumber("nodes", r.Stats.NodeCount);
            w.WriteStartObject("ops");
            foreach (var kv in r.Stats.OpHistogram) w.WriteNumber(kv.Key, kv.Value);
            w.WriteEndObject();
            w.WriteStartObject("parameters");
            w.WriteNumber("count", r.Stats.ParameterCount);
            w.WriteNumber("bytes", r.Stats.ParameterBytes);
            w.WriteNumber("tensors", r.Stats.ParameterTensors);
            w.WriteEndObject();
            w.WriteStartObject("plan");
            w.WriteStartArray("inputShapes");
            foreach (var s in r.PlanInputs) WriteShape(w, s);
            w.WriteEndArray();
            if (r.Plan is { } plan)
            {
                w.WriteStartArray("steps");
                foreach (var step in plan.Steps)
                {
                    w.WriteStartObject();
                    w.WriteString("node", step.Node.Name);
                    w.WriteString("op", step.Node.Op.OpType);
                    w.WriteStartArray("outputShapes");
                    foreach (var s in step.OutputShapes(plan)) WriteShape(w, s);
                    w.WriteEndArray();
                    w.WriteNumber("macs", step.Macs);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteNumber("totalMacs", plan.TotalMacs);
                w.WriteNumber("arenaBytes", plan.ArenaBytes);
                w.WriteNumber("arenaLowerBoundBytes", plan.ArenaLowerBoundBytes);
            }
            else w.WriteString("error", r.PlanError);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length));
    }

    private static void WriteInfos(Utf8JsonWriter w, string name, IReadOnlyList<TensorInfo> infos)
    {
        w.WriteStartArray(name);
        foreach (var i in infos)
        {
            w.WriteStartObject();
            w.WriteString("name", i.Name);
            w.WriteString("type", DataTypes.Name(i.DataType));
            if (i.Shape is null) w.WriteNull("shape");
            else
            {
                // Known sizes as numbers; unknown dims as their symbolic name, or null when unnamed.
                w.WriteStartArray("shape");
                foreach (var d in i.Shape)
                {
                    if (d.IsKnown) w.WriteNumberValue(d.Size);
                    else if (d.Name is { } n) w.WriteStringValue(n);
                    else w.WriteNullValue();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteShape(Utf8JsonWriter w, Shape s)
    {
        w.WriteStartArray();
        foreach (int d in s.Dims) w.WriteNumberValue(d);
        w.WriteEndArray();
    }
}
