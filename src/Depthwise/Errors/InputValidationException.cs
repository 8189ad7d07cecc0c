namespace Depthwise;

/// <summary>A caller passed an input the model cannot take: unknown name, wrong type, wrong shape, or an oversized tensor.</summary>
public sealed class InputValidationException : DepthwiseException
{
    /// <summary>Creates the exception.</summary>
    public InputValidationException(string message, string? inputName = null)
        : base(inputName is null ? message : $"input '{inputName}': {message}")
    {
        InputName = inputName;
    }

    /// <summary>The offending input, when one is involved.</summary>
    public string? InputName { get; }
}
