using Depthwise.Tensors;

namespace Depthwise.Runtime;

/// <summary>Accumulated time of one plan step over the profiled runs.</summary>
/// <param name="NodeName">The step's graph node.</param>
/// <param name="OpType">The node's operator type.</param>
/// <param name="Total">The step's time summed over <paramref name="Runs"/> runs.</param>
/// <param name="Runs">How many runs were profiled.</param>
/// <param name="Macs">Multiply-accumulates of one run of the step.</param>
public sealed record NodeProfile(string NodeName, string OpType, TimeSpan Total, int Runs, long Macs)
{
    /// <summary>Index of the step in the plan.</summary>
    public int Step { get; init; }

    /// <summary>Shapes of the step's outputs.</summary>
    public IReadOnlyList<Shape> OutputShapes { get; init; } = [];

    /// <summary>Mean time of one run of the step (zero when no run was profiled).</summary>
    public TimeSpan Mean => Runs == 0 ? TimeSpan.Zero : Total / Runs;

    /// <summary>Multiply-accumulates per second, in billions, over the profiled runs (0 when no time was measured).</summary>
    public double GMacsPerSecond => Total > TimeSpan.Zero ? Macs * (double)Runs / Total.TotalSeconds / 1e9 : 0;
}
