using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Runtime;

/// <summary>
/// A graph compiled for one set of concrete input shapes: steps in order with their kernels, a static memory plan,
/// and a pool of frames. Created by <see cref="InferenceSession"/>; immutable and safe to run from several threads.
/// </summary>
public sealed class ExecutionPlan
{
    private readonly Stack<ExecutionFrame> _frames = new();
    private readonly NodePlan[] _steps;

    internal ExecutionPlan(
        NodePlan[] steps, string[] slotNames, Shape[] shapes, DataType[] types, SlotLocation[] locations, Tensor?[] constants,
        int[] inputSlots, int[] outputSlots, (int Output, int Source)[] outputCopies, Shape[] inputShapes, Tensor?[] specializedInputs,
        long arenaBytes, long arenaLowerBound)
    {
        _steps = steps;
        SlotNames = slotNames;
        Shapes = shapes;
        Types = types;
        Locations = locations;
        Constants = constants;
        InputSlots = inputSlots;
        OutputSlots = outputSlots;
        OutputCopies = outputCopies;
        InputShapes = inputShapes;
        SpecializedInputs = specializedInputs;
        ArenaBytes = arenaBytes;
        ArenaLowerBoundBytes = arenaLowerBound;
    }

    /// <summary>The pool kernels split their work on; null when the plan runs on the calling thread only.</summary>
    internal WorkerPool? Pool { get; init; }

    /// <summary>The steps in execution order (folded nodes are gone).</summary>
    public IReadOnlyList<NodePlan> Steps => _steps;

    /// <summary>Bytes of the activation arena one run needs.</summary>
    public long ArenaBytes { get; }

    /// <summary>The lifetime lower bound of the arena: the most bytes alive at any one step.</summary>
    public long ArenaLowerBoundBytes { get; }

    /// <summary>Total multiply-accumulates of one run.</summary>
    public long TotalMacs => Steps.Sum(s => s.Macs);

    /// <summary>Concrete shapes of the graph outputs.</summary>
    public IReadOnlyList<Shape> OutputShapes => OutputSlots.Select(s => Shapes[s]).ToArray();

    /// <summary>Types of the graph outputs.</summary>
    public IReadOnlyList<DataType> OutputTypes => OutputSlots.Select(s => Types[s]).ToArray();

    /// <summary>The shape of a value of the graph by name, when the plan knows it (null for values folded away unnamed).</summary>
    public Shape? ShapeOf(string valueName)
    {
        int i = Array.IndexOf(SlotNames, valueName);
        return i < 0 ? null : Shapes[i];
    }

    internal string[] SlotNames { get; }
    internal Shape[] Shapes { get; }
    internal DataType[] Types { get; }
    internal SlotLocation[] Locations { get; }
    internal Tensor?[] Constants { get; }
    internal int[] InputSlots { get; }
    internal int[] OutputSlots { get; }
    internal (int Output, int Source)[] OutputCopies { get; }
    internal Shape[] InputShapes { get; }
    internal Tensor?[] SpecializedInputs { get; }
    internal int SlotCount => Locations.Length;

    /// <summary>True when this plan was compiled for these inputs' shapes (and specialized values).</summary>
    internal bool Matches(ReadOnlySpan<Tensor> inputs)
    {
        for (int i = 0; i < InputShapes.Length; i++)
        {
            if (inputs[i].Shape != InputShapes[i]) return false;
            if (SpecializedInputs[i] is { } v && !v.Bytes.Span.SequenceEqual(inputs[i].Bytes.Span)) return false;
        }
        return true;
    }

    /// <summary>Runs the plan: binds the caller's buffers into a pooled frame and runs every step (timing them into <paramref name="profiler"/> when given).</summary>
    internal void Run(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs, Profiler? profiler)
    {
        long runStart = 0;
        int traceRow = -1;
        if (profiler is not null)
        {
            runStart = System.Diagnostics.Stopwatch.GetTimestamp();
            traceRow = profiler.BeginRun(runStart);
        }
        ExecutionFrame? frame;
        lock (_frames) _frames.TryPop(out frame);
        frame ??= new ExecutionFrame(this);
        try
        {
            var slots = frame.Slots;
            for (int i = 0; i < InputSlots.Length; i++) slots[InputSlots[i]] = inputs[i].Bytes;
            for (int i = 0; i < OutputSlots.Length; i++)
                if (Locations[OutputSlots[i]].Kind == SlotKind.Output) slots[OutputSlots[i]] = outputs[i].Bytes;
            if (profiler is null)
            {
                for (int s = 0; s < _steps.Length; s++) _steps[s].Kernel.Run(new KernelContext(frame, _steps[s]));
            }
            else
            {
                // Back to back: one timestamp between consecutive steps, so the step times add up to the steps' span.
                long t = System.Diagnostics.Stopwatch.GetTimestamp();
                profiler.BeginSteps(traceRow, t);
                for (int s = 0; s < _steps.Length; s++)
                {
                    _steps[s].Kernel.Run(new KernelContext(frame, _steps[s]));
                    long now = System.Diagnostics.Stopwatch.GetTimestamp();
                    profiler.EndStep(traceRow, s, now - t, now);
                    t = now;
                }
            }
            foreach (var (o, src) in OutputCopies) slots[src].Span.CopyTo(outputs[o].Bytes.Span);
            profiler?.EndRun(traceRow, runStart, System.Diagnostics.Stopwatch.GetTimestamp());
        }
        finally
        {
            for (int i = 0; i < InputSlots.Length; i++)
                if (Locations[InputSlots[i]].Kind == SlotKind.Input) frame.Slots[InputSlots[i]] = Memory<byte>.Empty;
            for (int i = 0; i < OutputSlots.Length; i++)
                if (Locations[OutputSlots[i]].Kind == SlotKind.Output) frame.Slots[OutputSlots[i]] = Memory<byte>.Empty;
            lock (_frames) _frames.Push(frame);
        }
    }
}
