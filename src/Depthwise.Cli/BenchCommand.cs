using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Cli;

/// <summary>
/// <c>depthwise bench MODEL [--threads N] [--warmup W] [--runs R] [--duration S] [--profile] [--trace FILE] [--json]</c>:
/// times runs of a model into caller-owned outputs (the allocation-free path) and reports min/median/p90 latency, bytes
/// allocated per run, the arena, load/compile/first-run times and, with <c>--profile</c>, a per-step table.
/// </summary>
/// <remarks>
/// Order of events: load, compile the plan, one first run (timed on its own), the warm-up runs, then the measured runs
/// (R of them, or as many as fit in S seconds). Each measured run is timed alone with a Stopwatch. The bytes allocated
/// during each run are read just outside its timed span, process-wide (<see cref="GC.GetTotalAllocatedBytes(bool)"/>
/// precise, so that allocations on other threads — kernels split over a thread pool — count too) and on the calling
/// thread. The process-wide count also sees the runtime's own background work (tiered JIT compiling hot methods
/// again, which happens during the first measured runs), so the figure reported per run is the median over the runs:
/// whatever a run allocates itself it allocates every time, while background work comes now and then. The mean is
/// reported next to it. With --profile or --trace the measured runs are the profiled ones (one timestamp and one
/// atomic add per step).
/// </remarks>
internal static class BenchCommand
{
    /// <summary>Without --warmup: at least this many warm-up runs...</summary>
    public const int DefaultWarmup = 5;

    /// <summary>
    /// ...and warm-up for at least this long. The runtime compiles a method again, optimized, only after some 30
    /// calls and a pause, so a fixed handful of runs of a small model measures partly unoptimized code (mobilenet_v3_small
    /// settles after about 20 runs, 0.7 s here). A second of warm-up covers it for models that take milliseconds, and
    /// costs a few runs on models that take longer.
    /// </summary>
    public static readonly TimeSpan DefaultWarmupTime = TimeSpan.FromSeconds(1);

    /// <summary>Default number of measured runs.</summary>
    public const int DefaultRuns = 50;

    /// <summary>Most runs a trace keeps (their timelines are held in memory and the file grows with them).</summary>
    public const int MaxTracedRuns = 1000;

    /// <summary>Progress lines go to stderr once a phase has run this long, and then this often.</summary>
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(3);

    public static Command Create(CliContext ctx)
    {
        var model = new Argument<string>("MODEL") { Description = ModelZoo.ArgumentHelp };
        var inputs = new Option<string[]>("--input", "-i")
        {
            Description = "An input as NAME=FILE.npy, or FILE.npy for the next input in model order (repeat for each input). "
                + "Without any, seeded random inputs of the declared shapes (unknown dims = 1) are used",
            HelpName = "NAME=FILE.npy|FILE.npy",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var seed = new Option<int>("--seed") { HelpName = "N", Description = "Seed of the random inputs made when no --input is given", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { HelpName = "N", Description = "Threads per run (SessionOptions.Threads)", DefaultValueFactory = _ => 1 };
        var warmup = new Option<int?>("--warmup")
        {
            HelpName = "W",
            Description = $"Warm-up runs before measuring (default: at least {DefaultWarmup} runs and at least {DefaultWarmupTime.TotalSeconds:0.#} s, for the JIT to settle)",
        };
        var runs = new Option<int?>("--runs") { HelpName = "R", Description = $"Measured runs (default {DefaultRuns}; with --duration, at most R)" };
        var duration = new Option<double?>("--duration") { HelpName = "SECONDS", Description = "Measure for this long instead of a fixed count (at least one run)" };
        var profile = new Option<bool>("--profile") { Description = "Add a per-step table (time, share, MACs, GMAC/s; slowest first) and a per-op-type summary" };
        var trace = new Option<string>("--trace") { HelpName = "FILE", Description = "Write the measured runs as Chrome trace JSON (chrome://tracing, ui.perfetto.dev)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text" };
        var noBackgroundWarmup = new Option<bool>("--no-background-warmup")
        {
            Description = "Load without compiling the common kernels on a second thread meanwhile (SessionOptions.BackgroundWarmup = false), to see its effect on the setup times",
        };
        var cmd = new Command("bench", "Time a model's runs: latency, allocations, memory, and a per-step profile")
        {
            model, inputs, seed, threads, warmup, runs, duration, profile, trace, json, noBackgroundWarmup,
        };
        cmd.SetAction(p => Execute(new Settings(
            p.GetValue(model)!, p.GetValue(inputs) ?? [], p.GetValue(seed), p.GetValue(threads), p.GetValue(warmup),
            p.GetValue(runs), p.GetValue(duration), p.GetValue(profile), p.GetValue(trace), p.GetValue(json), !p.GetValue(noBackgroundWarmup)), ctx));
        return cmd;
    }

    /// <summary>The command's arguments.</summary>
    private sealed record Settings(
        string Model, string[] Inputs, int Seed, int Threads, int? Warmup, int? Runs, double? Duration, bool Profile, string? Trace, bool Json,
        bool BackgroundWarmup);

    /// <summary>What was measured.</summary>
    private sealed record Result(
        string Path, InferenceSession Session, Tensor[] Feeds, ExecutionPlan Plan, Settings Settings,
        double LoadMs, double CompileMs, double FirstRunMs, SetupJit Jit, int WarmupRuns, double WarmupSeconds, double MeasureSeconds, LatencyStatistics Latency,
        Allocations Allocated, ProfileReport? Profile);

    /// <summary>
    /// Time the JIT compiler spent (all threads, <see cref="System.Runtime.JitInfo"/>) during each setup step and the
    /// methods it compiled: what ReadyToRun code did not cover and the kernels always compiled fully optimized.
    /// </summary>
    private sealed record SetupJit(double LoadMs, double CompileMs, double FirstRunMs, long Methods)
    {
        public static double Now() => System.Runtime.JitInfo.GetCompilationTime(currentThread: false).TotalMilliseconds;

        public static long Count() => System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false);
    }

    /// <summary>Bytes allocated per measured run: process-wide median and mean, and the calling thread's mean.</summary>
    private sealed record Allocations(long MedianAllThreads, double MeanAllThreads, double MeanCallingThread)
    {
        public static Allocations Of(List<long> allThreads, long callingThreadTotal)
        {
            var sorted = allThreads.Order().ToArray();
            return new Allocations(sorted[sorted.Length / 2], sorted.Average(), callingThreadTotal / (double)sorted.Length);
        }
    }

    private static int Execute(Settings s, CliContext ctx)
    {
        Validate(s);
        string path = ModelZoo.Resolve(s.Model, ctx);
        var options = new SessionOptions { Threads = s.Threads, BackgroundWarmup = s.BackgroundWarmup };

        long jitMethods = SetupJit.Count();
        double jit0 = SetupJit.Now();
        var sw = Stopwatch.StartNew();
        var session = InferenceSession.Load(path, options);
        double loadMs = sw.Elapsed.TotalMilliseconds;
        double jit1 = SetupJit.Now();
        var feeds = s.Inputs.Length == 0 ? RunCommand.RandomInputs(session, s.Seed, ctx) : RunCommand.ReadInputs(session, s.Inputs);

        double jit2 = SetupJit.Now();
        sw.Restart();
        var plan = session.GetPlan(feeds);
        double compileMs = sw.Elapsed.TotalMilliseconds;
        double jit3 = SetupJit.Now();
        var outputs = new Tensor[plan.OutputShapes.Count];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = Tensor.Zeros(plan.OutputTypes[i], plan.OutputShapes[i]);

        sw.Restart();
        session.Run(feeds, outputs);
        double firstRunMs = sw.Elapsed.TotalMilliseconds;
        var jit = new SetupJit(jit1 - jit0, jit3 - jit2, SetupJit.Now() - jit3, SetupJit.Count() - jitMethods);

        // Loading leaves garbage behind (the model file, protobuf objects): collect it now rather than mid-measurement.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        var progress = new Progress(ctx.Err, s.Model);
        int warmupRuns = 0;
        long warmupStart = Stopwatch.GetTimestamp();
        while (s.Warmup is { } count ? warmupRuns < count : warmupRuns < DefaultWarmup || Stopwatch.GetElapsedTime(warmupStart) < DefaultWarmupTime)
        {
            session.Run(feeds, outputs);
            warmupRuns++;
            if (progress.Due()) progress.Write(s.Warmup is { } n ? $"warm-up {warmupRuns}/{n}" : $"warm-up {warmupRuns}");
        }
        double warmupSeconds = Stopwatch.GetElapsedTime(warmupStart).TotalSeconds;

        int maxRuns = s.Runs ?? (s.Duration is null ? DefaultRuns : int.MaxValue);
        int traceRuns = s.Trace is null ? 0 : Math.Min(maxRuns, MaxTracedRuns);
        var profiler = s.Profile || s.Trace is not null ? new Profiler(plan, traceRuns) : null;
        long durationTicks = s.Duration is { } d ? (long)(d * Stopwatch.Frequency) : long.MaxValue;
        var times = new List<double>(Math.Min(maxRuns, 1 << 16));
        var allocated = new List<long>(times.Capacity);
        long allocatedThisThread = 0;
        progress.Restart();
        long measureStart = Stopwatch.GetTimestamp();
        while (times.Count < maxRuns && (times.Count == 0 || Stopwatch.GetTimestamp() - measureStart < durationTicks))
        {
            // The allocation counters are read outside the timed span: the precise process-wide count pauses the runtime.
            long allBefore = GC.GetTotalAllocatedBytes(precise: true);
            long threadBefore = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            if (profiler is null) session.Run(feeds, outputs);
            else session.Run(feeds, outputs, profiler);
            long t1 = Stopwatch.GetTimestamp();
            long threadAfter = GC.GetAllocatedBytesForCurrentThread();
            long allAfter = GC.GetTotalAllocatedBytes(precise: true);
            allocated.Add(allAfter - allBefore);
            allocatedThisThread += threadAfter - threadBefore;
            times.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
            if (progress.Due()) progress.Write(MeasureProgress(times, maxRuns, s.Duration));
        }
        double measureSeconds = Stopwatch.GetElapsedTime(measureStart).TotalSeconds;

        var result = new Result(path, session, feeds, plan, s, loadMs, compileMs, firstRunMs, jit, warmupRuns, warmupSeconds, measureSeconds,
            LatencyStatistics.Of(times), Allocations.Of(allocated, allocatedThisThread),
            profiler is not null && s.Profile ? ProfileReport.From(profiler) : null);
        if (s.Trace is not null)
        {
            int written = ChromeTrace.Write(s.Trace, profiler!, $"depthwise bench {s.Model}");
            string more = times.Count > written ? $" (the first {written} of {times.Count} measured runs)" : "";
            ctx.Err.WriteLine($"wrote a Chrome trace of {written} run{(written == 1 ? "" : "s")}{more} to {Path.GetFullPath(s.Trace)}");
        }
        if (s.Json) WriteJson(result, ctx.Out);
        else WriteText(result, ctx.Out);
        return DepthwiseCli.ExitSuccess;
    }

    private static void Validate(Settings s)
    {
        if (s.Threads < 1) throw new CliException($"--threads {s.Threads}: give a thread count of at least 1");
        if (s.Threads > WorkerPool.MaxThreads)
            throw new CliException($"--threads {s.Threads}: give a thread count of at most {WorkerPool.MaxThreads}");
        if (s.Warmup is < 0) throw new CliException($"--warmup {s.Warmup}: give 0 or more warm-up runs");
        if (s.Runs is < 1) throw new CliException($"--runs {s.Runs}: give at least 1 measured run");
        if (s.Duration is { } d && !(d > 0 && d <= 1e6)) throw new CliException($"--duration {d.ToString(CultureInfo.InvariantCulture)}: give a positive number of seconds");
        if (s.Trace is not null && Path.GetDirectoryName(Path.GetFullPath(s.Trace)) is { } dir && !Directory.Exists(dir))
            throw new DirectoryNotFoundException($"--trace {s.Trace}: no such folder: {dir}");
    }

    private static string MeasureProgress(List<double> times, int maxRuns, double? duration)
    {
        var sorted = times.Order().ToArray();
        string median = Units.Seconds(sorted[sorted.Length / 2] / 1000);
        string of = maxRuns == int.MaxValue ? "" : "/" + maxRuns.ToString(CultureInfo.InvariantCulture);
        string limit = duration is { } d ? $" (up to {d.ToString(CultureInfo.InvariantCulture)} s)" : "";
        return $"measured {times.Count.ToString(CultureInfo.InvariantCulture)}{of} runs{limit}, median so far {median}";
    }

    private static string Ms(double ms) => ms.ToString("F3", CultureInfo.InvariantCulture) + " ms";

    private static string InputsText(Result r) =>
        string.Join(", ", r.Session.Inputs.Select((info, i) => $"{info.Name} {DataTypes.Name(r.Feeds[i].DataType)}{r.Feeds[i].Shape}"))
        + (r.Settings.Inputs.Length == 0 ? $" (random, seed {r.Settings.Seed.ToString(CultureInfo.InvariantCulture)})" : "");

    private static void WriteText(Result r, TextWriter w)
    {
        var l = r.Latency;
        var s = r.Settings;
        double gmacs = ProfileReport.GMacsPerSecond(r.Plan.TotalMacs, l.MedianMs);
        w.WriteLine($"model       {r.Path}");
        w.WriteLine($"inputs      {InputsText(r)}");
        w.WriteLine($"threads     {s.Threads}");
        w.WriteLine($"setup       load {Ms(r.LoadMs)}, compile {Ms(r.CompileMs)}, first run {Ms(r.FirstRunMs)} "
            + $"(of which JIT {Ms(r.Jit.LoadMs)}, {Ms(r.Jit.CompileMs)}, {Ms(r.Jit.FirstRunMs)}: {r.Jit.Methods} methods)");
        string profiled = r.Profile is not null || s.Trace is not null ? ", profiled" : "";
        w.WriteLine($"runs        {l.Count} measured in {r.MeasureSeconds.ToString("F1", CultureInfo.InvariantCulture)} s{profiled}, after {r.WarmupRuns} warm-up in {r.WarmupSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
        w.WriteLine($"latency     min {Ms(l.MinMs)}  median {Ms(l.MedianMs)}  p90 {Ms(l.P90Ms)}  max {Ms(l.MaxMs)}  mean {Ms(l.MeanMs)} ± {Ms(l.StdDevMs)}");
        w.WriteLine($"compute     {Units.Count(r.Plan.TotalMacs)} MACs per run ({Units.Si(r.Plan.TotalMacs)}), {gmacs.ToString("F2", CultureInfo.InvariantCulture)} GMAC/s at the median");
        var a = r.Allocated;
        w.WriteLine($"allocated   {Bytes(a.MedianAllThreads)} per run (median over runs, all threads; mean {Bytes(a.MeanAllThreads)}; calling thread {Bytes(a.MeanCallingThread)})");
        w.WriteLine($"arena       {Units.Count(r.Plan.ArenaBytes)} bytes ({Units.Bytes(r.Plan.ArenaBytes)}); lifetime lower bound {Units.Count(r.Plan.ArenaLowerBoundBytes)} bytes ({Units.Bytes(r.Plan.ArenaLowerBoundBytes)})");
        if (r.Profile is { } p)
        {
            w.WriteLine();
            p.WriteText(w);
        }
    }

    private static string Bytes(double perRun) =>
        perRun == Math.Floor(perRun) ? Units.Count((long)perRun) + " bytes" : perRun.ToString("N1", CultureInfo.InvariantCulture) + " bytes";

    private static void WriteJson(Result r, TextWriter output)
    {
        var l = r.Latency;
        var s = r.Settings;
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("model", r.Path);
            w.WriteStartArray("inputs");
            for (int i = 0; i < r.Feeds.Length; i++)
            {
                w.WriteStartObject();
                w.WriteString("name", r.Session.Inputs[i].Name);
                w.WriteString("type", DataTypes.Name(r.Feeds[i].DataType));
                w.WriteStartArray("shape");
                foreach (int d in r.Feeds[i].Shape.Dims) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteBoolean("random_inputs", s.Inputs.Length == 0);
            w.WriteNumber("threads", s.Threads);
            w.WriteNumber("warmup", r.WarmupRuns);
            w.WriteNumber("warmup_s", Math.Round(r.WarmupSeconds, 3));
            w.WriteNumber("runs", l.Count);
            w.WriteBoolean("profiled", r.Profile is not null || s.Trace is not null);
            w.WriteNumber("median_ms", Round(l.MedianMs));
            w.WriteNumber("min_ms", Round(l.MinMs));
            w.WriteNumber("p90_ms", Round(l.P90Ms));
            w.WriteNumber("max_ms", Round(l.MaxMs));
            w.WriteNumber("mean_ms", Round(l.MeanMs));
            w.WriteNumber("stddev_ms", Round(l.StdDevMs));
            w.WriteNumber("allocated_bytes_per_run", r.Allocated.MedianAllThreads);
            w.WriteNumber("allocated_bytes_per_run_mean", Math.Round(r.Allocated.MeanAllThreads, 3));
            w.WriteNumber("allocated_bytes_per_run_calling_thread", Math.Round(r.Allocated.MeanCallingThread, 3));
            w.WriteNumber("arena_bytes", r.Plan.ArenaBytes);
            w.WriteNumber("arena_lower_bound_bytes", r.Plan.ArenaLowerBoundBytes);
            w.WriteNumber("macs", r.Plan.TotalMacs);
            w.WriteNumber("gmacs_per_s", Math.Round(ProfileReport.GMacsPerSecond(r.Plan.TotalMacs, l.MedianMs), 4));
            w.WriteNumber("load_ms", Round(r.LoadMs));
            w.WriteNumber("compile_ms", Round(r.CompileMs));
            w.WriteNumber("first_run_ms", Round(r.FirstRunMs));
            w.WriteNumber("load_jit_ms", Round(r.Jit.LoadMs));
            w.WriteNumber("compile_jit_ms", Round(r.Jit.CompileMs));
            w.WriteNumber("first_run_jit_ms", Round(r.Jit.FirstRunMs));
            w.WriteNumber("setup_jit_methods", r.Jit.Methods);
            w.WriteNumber("measure_s", Math.Round(r.MeasureSeconds, 3));
            if (s.Trace is not null) w.WriteString("trace", Path.GetFullPath(s.Trace));
            r.Profile?.WriteJson(w);
            w.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length));
    }

    private static double Round(double ms) => Math.Round(ms, 6);

    /// <summary>Progress lines on stderr, only for phases that run long (a quick benchmark prints none).</summary>
    private sealed class Progress(TextWriter err, string model)
    {
        private long _start = Stopwatch.GetTimestamp();
        private long _last = Stopwatch.GetTimestamp();

        public void Restart() => _start = _last = Stopwatch.GetTimestamp();

        /// <summary>True when the phase has run, and been quiet, for the progress interval.</summary>
        public bool Due() => Stopwatch.GetElapsedTime(_last) >= ProgressInterval;

        /// <summary>Prints a progress line.</summary>
        public void Write(string message)
        {
            _last = Stopwatch.GetTimestamp();
            err.WriteLine($"bench {model}: {message} ({Stopwatch.GetElapsedTime(_start, _last).TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s)");
        }
    }
}
