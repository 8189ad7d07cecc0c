namespace Depthwise.Passes;

/// <summary>How much <see cref="GraphOptimizer"/> (and so an <c>InferenceSession</c>) rewrites a graph before compiling it.</summary>
public enum OptimizationLevel
{
    /// <summary>The graph runs as imported.</summary>
    None,

    /// <summary>Constant folding and dead-node elimination: the same operators, fewer of them.</summary>
    Basic,

    /// <summary>
    /// Basic, plus BatchNormalization folding into convolutions, activation and residual-add fusion into Conv, and
    /// the channels-last (NHWC) layout for convolution networks. The default.
    /// </summary>
    All,
}
