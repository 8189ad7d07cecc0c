using System.Diagnostics;
using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Tests.Runtime;

public class ProfilerTests
{
    /// <summary>y = x after busy-waiting <see cref="Microseconds"/> µs: a step whose time has a known lower bound.</summary>
    private sealed class SpinOp(int microseconds, long macs) : Op
    {
        public int Microseconds { get; } = microseconds;

        public override string OpType => "Spin";

        public override void InferOutputs(OpContext ctx) => ctx.SetOutput(0, ctx.InputType(0), ctx.InputShape(0));

        public override Kernel CreateKernel(OpContext ctx) => new SpinKernel(Microseconds);

        public override long CountMacs(OpContext ctx) => macs;

        public override bool IsFoldable => false;
    }

    private sealed class SpinKernel(int microseconds) : Kernel
    {
        public override void Run(in KernelContext ctx)
        {
            long until = Stopwatch.GetTimestamp() + microseconds * Stopwatch.Frequency / 1_000_000;
            while (Stopwatch.GetTimestamp() < until) { }
            ctx.InputBytes(0).CopyTo(ctx.OutputBytes(0));
        }
    }

    /// <summary>x → relu → spin (2 ms, 1000 MACs) → relu2 → y, x float32[N,4].</summary>
    private static Graph.Graph SpinChain()
    {
        var g = new Graph.Graph();
        var x = g.AddInput("x", DataType.Float32, [Dim.Unknown("N"), Dim.Known(4)]);
        var a = g.AddNode("relu", new ReluOp(), [x], ["a"]).Outputs[0];
        var b = g.AddNode("spin", new SpinOp(2000, 1000), [a], ["b"]).Outputs[0];
        g.AddOutput(g.AddNode("relu2", new ReluOp(), [b], ["y"]).Outputs[0]);
        return g;
    }

    private static (InferenceSession Session, ExecutionPlan Plan, Tensor[] Inputs, Tensor[] Outputs) Setup(int batch = 1)
    {
        var session = new InferenceSession(SpinChain());
        Tensor[] ins = [Tensor.FromArray(new Shape(batch, 4), new float[batch * 4])];
        var plan = session.GetPlan(ins);
        Tensor[] outs = [Tensor.Zeros(plan.OutputTypes[0], plan.OutputShapes[0])];
        return (session, plan, ins, outs);
    }

    [Fact]
    public void AttributesEachStepsTimeToItsNodeAndCountsRuns()
    {
        var (session, plan, ins, outs) = Setup(batch: 3);
        var profiler = new Profiler(plan);
        for (int i = 0; i < 3; i++) session.Run(ins, outs, profiler);

        Assert.Equal(3, profiler.Runs);
        var nodes = profiler.GetNodeProfiles();
        Assert.Equal(["relu", "spin", "relu2"], nodes.Select(n => n.NodeName));
        Assert.Equal(["Relu", "Spin", "Relu"], nodes.Select(n => n.OpType));
        Assert.Equal([0, 1, 2], nodes.Select(n => n.Step));
        Assert.All(nodes, n => Assert.Equal(3, n.Runs));
        Assert.All(nodes, n => Assert.Equal([new Shape(3, 4)], n.OutputShapes));
        Assert.Equal([0L, 1000L, 0L], nodes.Select(n => n.Macs));

        // The spin step waited at least 2 ms per run, and that time is its own, not its neighbours'.
        var spin = nodes[1];
        Assert.True(spin.Total >= TimeSpan.FromMilliseconds(6), $"spin total {spin.Total}");
        Assert.True(spin.Mean >= TimeSpan.FromMilliseconds(2));
        Assert.True(spin.Total > nodes[0].Total && spin.Total > nodes[2].Total);
        Assert.Equal(1000 * 3 / spin.Total.TotalSeconds / 1e9, spin.GMacsPerSecond, 9);
        Assert.Equal(0, nodes[0].GMacsPerSecond);

        // Steps are timed back to back inside the run, so together they take no longer than the run.
        var steps = nodes.Aggregate(TimeSpan.Zero, (t, n) => t + n.Total);
        Assert.True(steps <= profiler.RunTime, $"steps {steps} > run {profiler.RunTime}");
        Assert.True(profiler.RunTime >= TimeSpan.FromMilliseconds(6));
    }

    [Fact]
    public void TraceKeepsTheFirstRunsWithContiguousStepsInsideEachRun()
    {
        var (session, plan, ins, outs) = Setup();
        var profiler = new Profiler(plan, traceRuns: 2);
        for (int i = 0; i < 3; i++) session.Run(ins, outs, profiler);

        Assert.Equal(3, profiler.Runs);
        var trace = profiler.GetTrace();
        Assert.Equal(2, trace.Count);
        Assert.True(trace[0].End <= trace[1].Start);
        foreach (var run in trace)
        {
            Assert.Equal(Environment.CurrentManagedThreadId, run.ThreadId);
            Assert.Equal(3, run.StepStarts.Count);
            Assert.True(run.Start >= TimeSpan.Zero);
            Assert.True(run.Start <= run.StepStarts[0]);
            for (int s = 0; s < 3; s++)
            {
                Assert.True(run.StepStarts[s] <= run.StepEnds[s]);
                if (s > 0) Assert.Equal(run.StepEnds[s - 1], run.StepStarts[s]);
            }
            Assert.True(run.StepEnds[2] <= run.End);
            Assert.True(run.StepEnds[1] - run.StepStarts[1] >= TimeSpan.FromMilliseconds(2));
        }
    }

    [Fact]
    public void ResetForgetsTheWarmUp()
    {
        var (session, plan, ins, outs) = Setup();
        var profiler = new Profiler(plan, traceRuns: 4);
        for (int i = 0; i < 3; i++) session.Run(ins, outs, profiler);
        profiler.Reset();
        Assert.Equal(0, profiler.Runs);
        Assert.Equal(TimeSpan.Zero, profiler.RunTime);
        Assert.All(profiler.GetNodeProfiles(), n => Assert.Equal(TimeSpan.Zero, n.Total));
        Assert.Empty(profiler.GetTrace());

        session.Run(ins, outs, profiler);
        Assert.Equal(1, profiler.Runs);
        Assert.Single(profiler.GetTrace());
        Assert.True(profiler.GetNodeProfiles()[1].Total >= TimeSpan.FromMilliseconds(2));
    }

    [Fact]
    public void ProfiledRunsAllocateNothingAfterWarmUp()
    {
        var session = new InferenceSession(AddRelu());
        Tensor[] ins = [Tensor.FromArray(new Shape(2, 4), new float[8])];
        var plan = session.GetPlan(ins);
        Tensor[] outs = [Tensor.Zeros(plan.OutputTypes[0], plan.OutputShapes[0])];
        var profiler = new Profiler(plan, traceRuns: 16);
        session.Run(ins, outs, profiler);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 32; i++) session.Run(ins, outs, profiler);   // past the trace capacity, too
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(33, profiler.Runs);
        Assert.Equal(16, profiler.GetTrace().Count);
    }

    [Fact]
    public void SessionProfilingAllocatesNothingOnceItsProfilerExists()
    {
        var session = new InferenceSession(AddRelu(), new SessionOptions { EnableProfiling = true });
        Tensor[] ins = [Tensor.FromArray(new Shape(2, 4), new float[8])];
        var plan = session.GetPlan(ins);
        Tensor[] outs = [Tensor.Zeros(plan.OutputTypes[0], plan.OutputShapes[0])];
        session.Run(ins, outs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) session.Run(ins, outs);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.All(session.GetProfile(), n => Assert.Equal(11, n.Runs));
    }

    [Fact]
    public void SessionProfileCoversRunsSinceResetAndNotRunsWithTheirOwnProfiler()
    {
        var session = new InferenceSession(SpinChain(), new SessionOptions { EnableProfiling = true });
        Assert.Empty(session.GetProfile());
        var x = Tensor.FromArray(new Shape(1, 4), new float[4]);
        session.Run(x);
        session.Run(x);
        Assert.All(session.GetProfile(), n => Assert.Equal(2, n.Runs));

        session.ResetProfile();
        Assert.Empty(session.GetProfile());
        session.Run(x);
        var profile = session.GetProfile();
        Assert.Equal(3, profile.Count);
        Assert.All(profile, n => Assert.Equal(1, n.Runs));

        var plan = session.GetPlan([x]);
        Tensor[] outs = [Tensor.Zeros(plan.OutputTypes[0], plan.OutputShapes[0])];
        var own = new Profiler(plan);
        session.Run([x], outs, own);
        Assert.Equal(1, own.Runs);
        Assert.All(session.GetProfile(), n => Assert.Equal(1, n.Runs));

        // Other shapes run another plan: the session's profile follows it.
        session.Run(Tensor.FromArray(new Shape(2, 4), new float[8]));
        Assert.All(session.GetProfile(), n => Assert.Equal([new Shape(2, 4)], n.OutputShapes));
        Assert.All(session.GetProfile(), n => Assert.Equal(1, n.Runs));
    }

    [Fact]
    public void RejectsAProfilerOfAnotherPlan()
    {
        var (session, _, _, _) = Setup(batch: 1);
        var otherPlan = session.GetPlan([Tensor.FromArray(new Shape(2, 4), new float[8])]);
        var x = Tensor.FromArray(new Shape(1, 4), new float[4]);
        var plan = session.GetPlan([x]);
        Tensor[] outs = [Tensor.Zeros(plan.OutputTypes[0], plan.OutputShapes[0])];
        var e = Assert.Throws<ArgumentException>(() => session.Run([x], outs, new Profiler(otherPlan)));
        Assert.Contains("another plan", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Profiler(plan, traceRuns: -1));
    }

    [Fact]
    public void ConcurrentRunsAllCountAndEachTracedRunHasItsOwnRow()
    {
        var session = new InferenceSession(AddRelu());
        var x = Tensor.FromArray(new Shape(1, 4), new float[4]);
        var plan = session.GetPlan([x]);
        var profiler = new Profiler(plan, traceRuns: 8);
        Parallel.For(0, 64, i =>
        {
            Tensor[] outs = [Tensor.Zeros(plan.OutputTypes[0], plan.OutputShapes[0])];
            session.Run([Tensor.FromArray(new Shape(1, 4), new float[] { i, -i, i, 0 })], outs, profiler);
        });
        Assert.Equal(64, profiler.Runs);
        var trace = profiler.GetTrace();
        Assert.Equal(8, trace.Count);
        Assert.All(trace, run => Assert.True(run.Start <= run.StepStarts[0] && run.StepEnds[^1] <= run.End));
    }

    private static Graph.Graph AddRelu()
    {
        var g = new Graph.Graph();
        var x = g.AddInput("x", DataType.Float32, [Dim.Unknown("N"), Dim.Known(4)]);
        var b = g.AddConstant("b", Tensor.FromArray(new Shape(4), new float[] { -1, 0, 1, 2 }));
        var sum = g.AddNode("add", new AddOp(), [x, b], ["sum"]).Outputs[0];
        g.AddOutput(g.AddNode("relu", new ReluOp(), [sum], ["y"]).Outputs[0]);
        return g;
    }
}
