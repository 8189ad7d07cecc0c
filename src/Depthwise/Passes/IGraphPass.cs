namespace Depthwise.Passes;

/// <summary>
/// One rewrite of a graph, in place. A pass only rewrites: it never runs the graph (folding constants goes through
/// the same kernels the runtime uses), leaves a valid graph behind, keeps graph inputs and outputs (names, types,
/// layouts) as they were, and is idempotent once it has nothing left to do, so a <see cref="PassManager"/> can run
/// it to a fixed point.
/// </summary>
public interface IGraphPass
{
    /// <summary>Short name for logs and reports (e.g. <c>ConstantFolding</c>).</summary>
    string Name { get; }

    /// <summary>Rewrites <paramref name="graph"/>; returns true when it changed something.</summary>
    bool Run(Graph.Graph graph);
}
