namespace Depthwise;

/// <summary>Base type of every error Depthwise raises on purpose. Catch this to handle all engine errors.</summary>
public abstract class DepthwiseException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    protected DepthwiseException(string message, Exception? inner = null) : base(message, inner) { }
}
