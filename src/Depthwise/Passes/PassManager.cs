using Depthwise.Graph;

namespace Depthwise.Passes;

/// <summary>
/// Runs an ordered list of passes over a graph, round after round, until a whole round changes nothing (a fixed
/// point) or <see cref="MaxRounds"/> rounds have run. Later passes open opportunities for earlier ones (fusing a
/// residual Add leaves a Conv → Relu for the activation pass; the layout pass moves activations next to their Conv),
/// which the next round picks up. The bound only guards against a pass that keeps changing things; the graph is
/// valid after every pass, so stopping there is safe. At the end the node list is sorted topologically.
/// </summary>
public sealed class PassManager
{
    /// <summary>Rounds run at most unless told otherwise (the six torchvision networks settle in three or four).</summary>
    public const int DefaultMaxRounds = 8;

    /// <summary>Creates a manager for <paramref name="passes"/>, run in this order each round.</summary>
    public PassManager(IEnumerable<IGraphPass> passes, int maxRounds = DefaultMaxRounds)
    {
        ArgumentNullException.ThrowIfNull(passes);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRounds, 1);
        Passes = passes.ToArray();
        MaxRounds = maxRounds;
    }

    /// <summary>The passes, in the order each round runs them.</summary>
    public IReadOnlyList<IGraphPass> Passes { get; }

    /// <summary>Most rounds one <see cref="Run"/> makes.</summary>
    public int MaxRounds { get; }

    /// <summary>What a run did.</summary>
    /// <param name="Rounds">Rounds run (the last one changed nothing unless <paramref name="Converged"/> is false).</param>
    /// <param name="Converged">True when a round changed nothing; false when <see cref="MaxRounds"/> stopped the run.</param>
    /// <param name="Changes">Each pass run that changed the graph, as "round: pass name", in order.</param>
    public sealed record Result(int Rounds, bool Converged, IReadOnlyList<string> Changes)
    {
        /// <summary>True when some pass changed the graph.</summary>
        public bool Changed => Changes.Count > 0;
    }

    /// <summary>Runs the passes over <paramref name="graph"/> in place, to a fixed point.</summary>
    public Result Run(Graph.Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var changes = new List<string>();
        for (int round = 1; round <= MaxRounds; round++)
        {
            bool changed = false;
            foreach (var pass in Passes)
            {
                if (!pass.Run(graph)) continue;
                changed = true;
                changes.Add($"{round}: {pass.Name}");
            }
            if (!changed) return Finish(graph, new Result(round, true, changes));
        }
        return Finish(graph, new Result(MaxRounds, false, changes));
    }

    private static Result Finish(Graph.Graph graph, Result result)
    {
        if (result.Changed) GraphRewriter.SortNodes(graph);
        return result;
    }
}
