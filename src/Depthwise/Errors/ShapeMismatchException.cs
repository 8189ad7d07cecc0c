namespace Depthwise;

/// <summary>Types or shapes in a graph do not agree (found while inferring shapes or compiling a plan).</summary>
public sealed class ShapeMismatchException : DepthwiseException
{
    /// <summary>Creates the exception for a node.</summary>
    public ShapeMismatchException(string nodeName, string opType, string message)
        : base($"node '{nodeName}' ({opType}): {message}")
    {
        NodeName = nodeName;
        OpType = opType;
    }

    /// <summary>The node whose inputs or attributes are inconsistent.</summary>
    public string NodeName { get; }

    /// <summary>The node's operator type.</summary>
    public string OpType { get; }
}
