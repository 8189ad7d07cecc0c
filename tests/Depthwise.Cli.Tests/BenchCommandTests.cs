using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Cli.Tests;

/// <summary>
/// <c>depthwise bench</c>: the numbers it prints are consistent with each other and with the plan. No test asserts a
/// speed: times are only checked for order (min ≤ median ≤ p90) and for waiting at least as long as asked.
/// </summary>
public class BenchCommandTests
{
    private static JsonElement Json(CliResult r)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        return JsonDocument.Parse(r.Out).RootElement;
    }

    private static int PlanSteps(string model) => Steps(model).Count;

    /// <summary>The steps of the plan the bench command profiles (same options: the optimized graph), as (node, op, shape).</summary>
    private static List<(string Node, string Op, string Shape)> Steps(string model)
    {
        var session = InferenceSession.Load(model);
        var plan = session.GetPlan(session.DefaultInputShapes());
        return plan.Steps.Select(s => (s.Node.Name, s.Node.Op.OpType, s.OutputShapes(plan)[0].ToString())).ToList();
    }

    [Fact]
    public void JsonHasOrderedLatenciesNoAllocationsAndThePlansMemory()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteSmallNet(cli.PathOf("net.onnx"));
        var j = Json(cli.Run("bench", model, "--runs", "20", "--warmup", "2", "--json"));

        Assert.Equal(20, j.GetProperty("runs").GetInt32());
        Assert.Equal(2, j.GetProperty("warmup").GetInt32());
        Assert.Equal(1, j.GetProperty("threads").GetInt32());
        double min = j.GetProperty("min_ms").GetDouble(), median = j.GetProperty("median_ms").GetDouble();
        double p90 = j.GetProperty("p90_ms").GetDouble(), max = j.GetProperty("max_ms").GetDouble();
        double mean = j.GetProperty("mean_ms").GetDouble();
        Assert.True(min > 0 && min <= median && median <= p90 && p90 <= max, $"min {min} median {median} p90 {p90} max {max}");
        Assert.InRange(mean, min, max);
        Assert.True(j.GetProperty("stddev_ms").GetDouble() >= 0);

        // Relu, Reshape and Add into caller-owned outputs: nothing is allocated per run. Other tests run in this
        // process at the same time, so only the calling thread's count is exact here (all threads: see below).
        Assert.Equal(0, j.GetProperty("allocated_bytes_per_run_calling_thread").GetDouble());
        Assert.True(j.GetProperty("allocated_bytes_per_run").GetInt64() >= 0);
        Assert.True(j.GetProperty("allocated_bytes_per_run_mean").GetDouble() >= 0);

        var plan = InferenceSession.Load(model).GetPlan([new Shape(1, 3, 4, 4)]);
        Assert.Equal(plan.ArenaBytes, j.GetProperty("arena_bytes").GetInt64());
        Assert.Equal(plan.ArenaLowerBoundBytes, j.GetProperty("arena_lower_bound_bytes").GetInt64());
        Assert.True(j.GetProperty("arena_bytes").GetInt64() >= j.GetProperty("arena_lower_bound_bytes").GetInt64());
        Assert.Equal(0, j.GetProperty("macs").GetInt64());
        Assert.Equal(0, j.GetProperty("gmacs_per_s").GetDouble());
        foreach (var name in new[] { "load_ms", "compile_ms", "first_run_ms", "measure_s", "load_jit_ms", "compile_jit_ms", "first_run_jit_ms" })
            Assert.True(j.GetProperty(name).GetDouble() >= 0, name);
        Assert.True(j.GetProperty("setup_jit_methods").GetInt64() >= 0);
        Assert.True(j.GetProperty("random_inputs").GetBoolean());
        Assert.False(j.GetProperty("profiled").GetBoolean());
        var input = j.GetProperty("inputs")[0];
        Assert.Equal("x", input.GetProperty("name").GetString());
        Assert.Equal([1, 3, 4, 4], input.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void MacsAndGmacsComeFromThePlan()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteConvNet(cli.PathOf("conv.onnx"));
        var j = Json(cli.Run("bench", model, "--runs", "5", "--warmup", "1", "--json"));
        Assert.Equal(TestModels.ConvNetMacs, j.GetProperty("macs").GetInt64());
        double expected = TestModels.ConvNetMacs / (j.GetProperty("median_ms").GetDouble() * 1e6);
        Assert.InRange(j.GetProperty("gmacs_per_s").GetDouble(), expected * 0.999 - 1e-4, expected * 1.001 + 1e-4);   // both rounded in the JSON
    }

    /// <summary>
    /// The process-wide allocation count sees every thread of the process, so it is checked in a process of its own
    /// (in here, other tests run at the same time). The CLI is the published command's own assembly.
    /// </summary>
    [Fact]
    public async Task InItsOwnProcessARunAllocatesNothingOnAnyThread()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteConvNet(cli.PathOf("conv.onnx"));
        string dll = Path.Combine(AppContext.BaseDirectory, "Depthwise.Cli.dll");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { dll, "bench", model, "--runs", "30", "--warmup", "3", "--json" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}\n{stdout}\n{await stderr}");
        var j = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(30, j.GetProperty("runs").GetInt32());
        Assert.Equal(0, j.GetProperty("allocated_bytes_per_run").GetInt64());
        Assert.Equal(0, j.GetProperty("allocated_bytes_per_run_calling_thread").GetDouble());
    }

    [Fact]
    public void ProfileTableHasOneRowPerPlanStepSlowestFirstAndAnOpTypeSummary()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteConvNet(cli.PathOf("conv.onnx"));
        var r = cli.Run("bench", model, "--runs", "5", "--warmup", "1", "--profile");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Out.Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        int header = lines.FindIndex(l => l.StartsWith("profile ", StringComparison.Ordinal)) + 1;
        Assert.True(header > 0, r.Out);
        Assert.Equal(["#", "node", "op", "output", "shape", "ms", "%", "cum", "%", "MACs", "GMAC/s"], Tokens(lines[header]));
        var rows = lines.Skip(header + 1).TakeWhile(l => l.Length > 0).Select(Tokens).ToList();
        Assert.Equal(PlanSteps(model), rows.Count);
        var steps = Steps(model);
        Assert.Equal(steps.Select(st => st.Node).Order(StringComparer.Ordinal), rows.Select(t => t[1]).Order(StringComparer.Ordinal));
        var ms = rows.Select(t => double.Parse(t[4], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ms.OrderByDescending(x => x), ms);
        Assert.Equal(100.0, double.Parse(rows[^1][6], CultureInfo.InvariantCulture), 0.11);   // cumulative share ends at 100 %

        var conv = rows.Single(t => t[1] == "conv");
        Assert.Equal(["Conv", steps.Single(st => st.Node == "conv").Shape], conv[2..4]);
        Assert.Equal(TestModels.ConvNetMacs.ToString("N0", CultureInfo.InvariantCulture), conv[7]);
        Assert.Equal(9, conv.Length);   // with MACs and GMAC/s
        Assert.True(double.Parse(conv[8], CultureInfo.InvariantCulture) >= 0);
        Assert.All(rows.Where(t => t[2] != "Conv"), t => Assert.Equal(7, t.Length));   // no MACs: both cells empty

        int byOp = lines.IndexOf("by op type");
        Assert.True(byOp > header, r.Out);
        var ops = lines.Skip(byOp + 2).TakeWhile(l => l.Length > 0).Select(l => Tokens(l)[0]).ToList();
        Assert.Equal(steps.Select(st => st.Op).Distinct().Order(StringComparer.Ordinal), ops.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ProfileJsonHasEveryStepAndSharesAddUp()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteConvNet(cli.PathOf("conv.onnx"));
        var j = Json(cli.Run("bench", model, "--runs", "4", "--warmup", "0", "--profile", "--json"));
        Assert.True(j.GetProperty("profiled").GetBoolean());
        var profile = j.GetProperty("profile");
        Assert.Equal(4, profile.GetProperty("runs").GetInt32());
        var nodes = profile.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(PlanSteps(model), nodes.Count);
        Assert.Equal(Enumerable.Range(0, nodes.Count), nodes.Select(n => n.GetProperty("step").GetInt32()).Order());
        var ms = nodes.Select(n => n.GetProperty("ms").GetDouble()).ToList();
        Assert.Equal(ms.OrderByDescending(x => x), ms);
        Assert.Equal(100.0, nodes.Sum(n => n.GetProperty("percent").GetDouble()), 0.01);
        Assert.Equal(profile.GetProperty("steps_ms").GetDouble(), ms.Sum(), 0.0001);
        Assert.True(profile.GetProperty("steps_ms").GetDouble() <= profile.GetProperty("run_ms").GetDouble() + 1e-6);
        var conv = nodes.Single(n => n.GetProperty("node").GetString() == "conv");
        Assert.Equal(TestModels.ConvNetMacs, conv.GetProperty("macs").GetInt64());
        var steps = Steps(model);
        Assert.Equal(steps.Single(st => st.Node == "conv").Shape, conv.GetProperty("output_shape").GetString());
        var ops = profile.GetProperty("op_types").EnumerateArray().ToList();
        Assert.Equal(steps.Select(st => st.Op).Distinct().Count(), ops.Count);
        Assert.Equal(nodes.Count, ops.Sum(o => o.GetProperty("count").GetInt32()));
    }

    [Fact]
    public void TraceIsChromeTraceJsonWithEachStepInsideItsRun()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteConvNet(cli.PathOf("conv.onnx"));
        string trace = cli.PathOf("trace.json");
        var r = cli.Run("bench", model, "--runs", "3", "--warmup", "1", "--trace", trace);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("wrote a Chrome trace of 3 runs to " + trace, r.Err);

        var root = JsonDocument.Parse(File.ReadAllText(trace)).RootElement;
        var events = root.GetProperty("traceEvents").EnumerateArray().ToList();
        Assert.Contains(events, e => e.GetProperty("ph").GetString() == "M" && e.GetProperty("name").GetString() == "process_name");
        var complete = events.Where(e => e.GetProperty("ph").GetString() == "X").ToList();
        var runs = complete.Where(e => e.GetProperty("cat").GetString() == "run").ToList();
        var steps = complete.Where(e => e.GetProperty("cat").GetString() != "run").ToList();
        int stepCount = PlanSteps(model);
        Assert.Equal(3, runs.Count);
        Assert.Equal(3 * stepCount, steps.Count);
        foreach (var e in complete)
        {
            Assert.True(e.GetProperty("ts").GetDouble() >= 0);
            Assert.True(e.GetProperty("dur").GetDouble() >= 0);
            Assert.Equal(JsonValueKind.Number, e.GetProperty("pid").ValueKind);
            Assert.Equal(JsonValueKind.Number, e.GetProperty("tid").ValueKind);
        }
        for (int k = 0; k < 3; k++)
        {
            var run = runs.Single(e => e.GetProperty("args").GetProperty("run").GetInt32() == k);
            double start = run.GetProperty("ts").GetDouble(), end = start + run.GetProperty("dur").GetDouble();
            var mine = steps.Where(e => e.GetProperty("args").GetProperty("run").GetInt32() == k).ToList();
            Assert.Equal(Enumerable.Range(0, stepCount), mine.Select(e => e.GetProperty("args").GetProperty("step").GetInt32()).Order());
            foreach (var e in mine)
            {
                double ts = e.GetProperty("ts").GetDouble();
                Assert.True(ts >= start - 1e-3 && ts + e.GetProperty("dur").GetDouble() <= end + 1e-3, $"step at {ts} outside run {start}..{end}");
                Assert.Equal(run.GetProperty("tid").GetInt32(), e.GetProperty("tid").GetInt32());
            }
            var conv = mine.Single(e => e.GetProperty("name").GetString() == "conv");
            Assert.Equal("Conv", conv.GetProperty("cat").GetString());
            Assert.Equal(TestModels.ConvNetMacs, conv.GetProperty("args").GetProperty("macs").GetInt64());
        }
    }

    [Fact]
    public void TextReportNamesEveryMeasure()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteSmallNet(cli.PathOf("net.onnx"));
        var r = cli.Run("bench", model, "--runs", "3", "--warmup", "0");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("inputs      x float32[1,3,4,4] (random, seed 0)", r.Out);
        Assert.Contains("runs        3 measured in ", r.Out);
        Assert.Matches(@"latency     min [0-9.]+ ms  median [0-9.]+ ms  p90 [0-9.]+ ms", r.Out);
        Assert.Matches(@"allocated   [0-9,.]+ bytes per run \(median over runs, all threads; mean [0-9,.]+ bytes; calling thread 0 bytes\)", r.Out);
        Assert.Matches(@"arena       [0-9,]+ bytes .*; lifetime lower bound [0-9,]+ bytes", r.Out);
        Assert.Matches(@"setup       load [0-9.]+ ms, compile [0-9.]+ ms, first run [0-9.]+ ms \(of which JIT [0-9.]+ ms, [0-9.]+ ms, [0-9.]+ ms: [0-9]+ methods\)", r.Out);
        Assert.DoesNotContain("profile", r.Out);
        r = cli.Run("bench", model, "--runs", "1", "--warmup", "0", "--no-background-warmup");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [Fact]
    public void DurationMeasuresForThatLongAndRunsCapsIt()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteSmallNet(cli.PathOf("net.onnx"));
        var j = Json(cli.Run("bench", model, "--duration", "0.05", "--warmup", "0", "--json"));
        Assert.True(j.GetProperty("runs").GetInt32() >= 1);
        Assert.True(j.GetProperty("measure_s").GetDouble() >= 0.05);

        var capped = Json(cli.Run("bench", model, "--duration", "100", "--runs", "2", "--warmup", "0", "--json"));
        Assert.Equal(2, capped.GetProperty("runs").GetInt32());
    }

    [Fact]
    public void GivenInputsSetTheShapes()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteSmallNet(cli.PathOf("net.onnx"));
        Npy.Write(cli.PathOf("x.npy"), Tensor.Zeros(DataType.Float32, new Shape(2, 3, 4, 4)));
        var j = Json(cli.Run("bench", model, "-i", "x=" + cli.PathOf("x.npy"), "--runs", "2", "--warmup", "0", "--json"));
        Assert.False(j.GetProperty("random_inputs").GetBoolean());
        Assert.Equal([2, 3, 4, 4], j.GetProperty("inputs")[0].GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void DefaultWarmUpLastsAtLeastFiveRunsAndOneSecond()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteSmallNet(cli.PathOf("net.onnx"));
        var j = Json(cli.Run("bench", model, "--runs", "1", "--json"));
        Assert.True(j.GetProperty("warmup").GetInt32() >= 5);
        Assert.True(j.GetProperty("warmup_s").GetDouble() >= 1.0);

        var exact = Json(cli.Run("bench", model, "--runs", "1", "--warmup", "3", "--json"));
        Assert.Equal(3, exact.GetProperty("warmup").GetInt32());
    }

    [Theory]
    [InlineData("--threads 257", "--threads 257: give a thread count of at most 256")]
    [InlineData("--threads 0", "--threads 0: give a thread count of at least 1")]
    [InlineData("--runs 0", "--runs 0: give at least 1 measured run")]
    [InlineData("--warmup -1", "--warmup -1: give 0 or more warm-up runs")]
    [InlineData("--duration 0", "--duration 0: give a positive number of seconds")]
    public void BadSettingsAreUserErrors(string args, string message)
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteSmallNet(cli.PathOf("net.onnx"));
        var r = cli.Run(["bench", model, .. args.Split(' ')]);
        Assert.Equal(DepthwiseCli.ExitUserError, r.ExitCode);
        Assert.Contains("error: " + message, r.Err);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void TraceIntoAMissingFolderFailsBeforeRunning()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteSmallNet(cli.PathOf("net.onnx"));
        var r = cli.Run("bench", model, "--trace", cli.PathOf("no", "such", "t.json"));
        Assert.Equal(DepthwiseCli.ExitUserError, r.ExitCode);
        Assert.Contains("no such folder", r.Err);
    }

    private static string[] Tokens(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
