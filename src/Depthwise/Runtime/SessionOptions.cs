using Depthwise.Passes;

namespace Depthwise.Runtime;

/// <summary>Options of an <see cref="InferenceSession"/>.</summary>
public sealed class SessionOptions
{
    /// <summary>When true, every run adds each step's time to a per-node profile (see <see cref="InferenceSession.GetProfile"/>).</summary>
    public bool EnableProfiling { get; set; }

    /// <summary>
    /// Threads that run one inference (the calling thread included): kernels split their work into chunks whose number
    /// depends on the problem, never on this setting, so results are identical for any thread count. Default 1.
    /// Sessions with the same count share one process-wide pool (<see cref="WorkerPool.Shared"/>).
    /// </summary>
    public int Threads { get; set; } = 1;

    /// <summary>How many compiled plans (one per distinct input shape set) the session keeps; older ones are dropped.</summary>
    public int MaxCachedPlans { get; set; } = 8;

    /// <summary>
    /// How much the session rewrites the graph once, when it is created (see <see cref="Passes.GraphOptimizer"/>):
    /// <see cref="OptimizationLevel.All"/> by default; <see cref="OptimizationLevel.None"/> runs the graph as given.
    /// </summary>
    public OptimizationLevel OptimizationLevel { get; set; } = OptimizationLevel.All;

    /// <summary>
    /// When the first model of the process is loaded (<see cref="InferenceSession.Load"/>, <see cref="InferenceSession.FromBytes"/>,
    /// <see cref="InferenceSession.FromStream"/>) and the machine has more than one processor, compile the common kernels
    /// on a background thread while the model loads, by running a tiny built-in network once: the first inference then
    /// spends less time in the JIT compiler. Default true; it never changes results.
    /// </summary>
    public bool BackgroundWarmup { get; set; } = true;
}
