namespace Depthwise.Vision;

/// <summary>An image file is malformed, truncated, of an unsupported kind, or larger than the configured limit.</summary>
public sealed class ImageFormatException : DepthwiseException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what was expected.</param>
    /// <param name="file">The file being read, when known.</param>
    /// <param name="offset">The byte offset where the problem was found, when known.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public ImageFormatException(string message, string? file = null, long? offset = null, Exception? inner = null)
        : base(Compose(message, file, offset), inner)
    {
        File = file;
        Offset = offset;
    }

    /// <summary>The file being read, when known.</summary>
    public string? File { get; }

    /// <summary>The byte offset of the problem, when known.</summary>
    public long? Offset { get; }

    private static string Compose(string message, string? file, long? offset) => (file, offset) switch
    {
        (null, null) => message,
        (not null, null) => $"{file}: {message}",
        (null, not null) => $"at byte {offset}: {message}",
        _ => $"{file}: at byte {offset}: {message}",
    };
}
