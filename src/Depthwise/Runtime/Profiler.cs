using System.Diagnostics;
using Depthwise.Tensors;

namespace Depthwise.Runtime;

/// <summary>
/// Times the steps of the runs of one <see cref="ExecutionPlan"/>: the total time of each step and of whole runs over
/// the recorded runs, and, when created with a trace capacity, the timestamps of every step of the first runs (a
/// timeline, e.g. for a Chrome trace). Hand it to <see cref="InferenceSession.Run(ReadOnlySpan{Tensor}, ReadOnlySpan{Tensor}, Profiler)"/>
/// for exactly the runs to measure (not the warm-up), or let the session keep one with
/// <see cref="SessionOptions.EnableProfiling"/>.
/// </summary>
/// <remarks>
/// Recording allocates nothing (every buffer is sized here) and is safe from concurrent runs: totals are added
/// atomically and each traced run claims its own row. Steps are timed back to back with one timestamp between
/// consecutive steps, so their times add up to the run's time less the binding of buffers and the copying of outputs.
/// A step's time is wall-clock time on the calling thread, so it stays right when a kernel splits work over threads.
/// Read the results (and <see cref="Reset"/>) only while no run is recording.
/// </remarks>
public sealed class Profiler
{
    private readonly long[] _stepTicks;
    private readonly long[] _trace;     // per traced run: run start, steps start, end of each step, run end
    private readonly int[] _traceThreads;
    private readonly int _rowLength;
    private long _runTicks;
    private int _runs;
    private int _traceRows;             // rows claimed; may pass the capacity (those runs are not traced)
    private long _origin;

    /// <summary>Creates a profiler for <paramref name="plan"/> that also keeps the timeline of the first <paramref name="traceRuns"/> recorded runs.</summary>
    /// <param name="plan">The plan whose runs are recorded (from <see cref="InferenceSession.GetPlan(ReadOnlySpan{Tensor})"/>).</param>
    /// <param name="traceRuns">How many runs to keep step timestamps for (0: totals only).</param>
    public Profiler(ExecutionPlan plan, int traceRuns = 0)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfNegative(traceRuns);
        Plan = plan;
        _stepTicks = new long[plan.Steps.Count];
        _rowLength = plan.Steps.Count + 3;
        if ((long)traceRuns * _rowLength > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(traceRuns), traceRuns, $"a trace of {traceRuns} runs of {plan.Steps.Count} steps is too large");
        TraceCapacity = traceRuns;
        _trace = new long[traceRuns * _rowLength];
        _traceThreads = new int[traceRuns];
        _origin = Stopwatch.GetTimestamp();
    }

    /// <summary>The plan whose runs this profiler records.</summary>
    public ExecutionPlan Plan { get; }

    /// <summary>How many runs' timelines are kept (the first ones recorded).</summary>
    public int TraceCapacity { get; }

    /// <summary>Runs recorded to completion since creation or <see cref="Reset"/>.</summary>
    public int Runs => Volatile.Read(ref _runs);

    /// <summary>Total wall-clock time of the recorded runs (from taking the frame to the last output copy).</summary>
    public TimeSpan RunTime => Duration(Interlocked.Read(ref _runTicks));

    /// <summary>Total time of step <paramref name="step"/> over the recorded runs.</summary>
    public TimeSpan StepTime(int step) => Duration(Interlocked.Read(ref _stepTicks[step]));

    /// <summary>Forgets every recorded run (e.g. after a warm-up), keeping the buffers.</summary>
    public void Reset()
    {
        Array.Clear(_stepTicks);
        Array.Clear(_trace);
        Array.Clear(_traceThreads);
        _runTicks = 0;
        _runs = 0;
        _traceRows = 0;
        _origin = Stopwatch.GetTimestamp();
    }

    /// <summary>One entry per plan step, in plan order: node, operator, output shapes, MACs and total time over <see cref="Runs"/> runs.</summary>
    public IReadOnlyList<NodeProfile> GetNodeProfiles()
    {
        int runs = Runs;
        var result = new NodeProfile[_stepTicks.Length];
        for (int s = 0; s < result.Length; s++)
        {
            var step = Plan.Steps[s];
            result[s] = new NodeProfile(step.Node.Name, step.Node.Op.OpType, StepTime(s), runs, step.Macs)
            {
                Step = s,
                OutputShapes = step.OutputShapes(Plan),
            };
        }
        return result;
    }

    /// <summary>
    /// The timelines of the traced runs, in the order they started recording: each run's start and end and each step's
    /// start and end, as offsets from the profiler's creation (or last <see cref="Reset"/>).
    /// </summary>
    public IReadOnlyList<RunTrace> GetTrace()
    {
        int rows = Math.Min(Volatile.Read(ref _traceRows), TraceCapacity);
        int steps = _stepTicks.Length;
        var result = new List<RunTrace>(rows);
        for (int r = 0; r < rows; r++)
        {
            int b = r * _rowLength;
            if (_trace[b + _rowLength - 1] == 0) continue;   // claimed by a run that did not finish
            var starts = new TimeSpan[steps];
            var ends = new TimeSpan[steps];
            for (int s = 0; s < steps; s++)
            {
                starts[s] = Offset(_trace[b + 1 + s]);
                ends[s] = Offset(_trace[b + 2 + s]);
            }
            result.Add(new RunTrace(_traceThreads[r], Offset(_trace[b]), Offset(_trace[b + _rowLength - 1]), starts, ends));
        }
        return result;
    }

    /// <summary>Starts recording a run: returns its trace row, or -1 when it is not traced.</summary>
    internal int BeginRun(long runStart)
    {
        if (TraceCapacity == 0) return -1;
        int row = Interlocked.Increment(ref _traceRows) - 1;
        if (row >= TraceCapacity) return -1;
        _traceThreads[row] = Environment.CurrentManagedThreadId;
        _trace[row * _rowLength] = runStart;
        return row;
    }

    /// <summary>Records that the steps of a run start at <paramref name="timestamp"/>.</summary>
    internal void BeginSteps(int row, long timestamp)
    {
        if (row >= 0) _trace[row * _rowLength + 1] = timestamp;
    }

    /// <summary>Records step <paramref name="step"/> of a run, which ended at <paramref name="end"/> after <paramref name="ticks"/> ticks.</summary>
    internal void EndStep(int row, int step, long ticks, long end)
    {
        Interlocked.Add(ref _stepTicks[step], ticks);
        if (row >= 0) _trace[row * _rowLength + 2 + step] = end;
    }

    /// <summary>Records the end of a run that started at <paramref name="start"/>.</summary>
    internal void EndRun(int row, long start, long end)
    {
        Interlocked.Add(ref _runTicks, end - start);
        if (row >= 0) _trace[row * _rowLength + _rowLength - 1] = end;
        Interlocked.Increment(ref _runs);
    }

    private TimeSpan Offset(long timestamp) => Duration(timestamp - _origin);

    private static TimeSpan Duration(long ticks) => Stopwatch.GetElapsedTime(0, ticks);
}

/// <summary>
/// The timeline of one traced run: the managed thread it ran on, when it started and ended, and when each plan step
/// started and ended (offsets from the profiler's origin; step <c>i</c> starts where step <c>i - 1</c> ends).
/// </summary>
/// <param name="ThreadId">The managed thread that ran it.</param>
/// <param name="Start">When the run started.</param>
/// <param name="End">When the run ended (after the output copies).</param>
/// <param name="StepStarts">When each step started, in plan order.</param>
/// <param name="StepEnds">When each step ended, in plan order.</param>
public sealed record RunTrace(int ThreadId, TimeSpan Start, TimeSpan End, IReadOnlyList<TimeSpan> StepStarts, IReadOnlyList<TimeSpan> StepEnds);
