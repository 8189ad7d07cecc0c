namespace Depthwise;

/// <summary>The model uses an operator (or an operator variant) that Depthwise does not implement.</summary>
public sealed class UnsupportedOperatorException : DepthwiseException
{
    /// <summary>Creates the exception.</summary>
    public UnsupportedOperatorException(string nodeName, string opType, string domain, long opset, string? detail = null)
        : base($"node '{nodeName}': operator '{(domain.Length == 0 ? "ai.onnx" : domain)}::{opType}' (opset {opset}) is not supported" + (detail is null ? "" : $": {detail}"))
    {
        NodeName = nodeName;
        OpType = opType;
        Domain = domain;
        Opset = opset;
    }

    /// <summary>
    /// Creates the exception for a variant found while a plan is compiled (the IR no longer knows the file's opset,
    /// so <see cref="Opset"/> is -1), e.g. an attribute or input value Depthwise does not implement.
    /// </summary>
    public UnsupportedOperatorException(string nodeName, string opType, string detail)
        : base($"node '{nodeName}': operator '{opType}' is not supported: {detail}")
    {
        NodeName = nodeName;
        OpType = opType;
        Domain = "";
        Opset = -1;
    }

    /// <summary>Name of the node that uses the operator.</summary>
    public string NodeName { get; }

    /// <summary>Operator type, e.g. <c>Conv</c>.</summary>
    public string OpType { get; }

    /// <summary>Operator domain; empty for the default ONNX domain.</summary>
    public string Domain { get; }

    /// <summary>Opset version the model imports for that domain (or the format's version of the op); -1 when not known.</summary>
    public long Opset { get; }
}
