namespace Depthwise;

/// <summary>A model file (or an in-memory graph) is malformed: truncated, corrupt, inconsistent or beyond a size limit.</summary>
public sealed class ModelFormatException : DepthwiseException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what was expected.</param>
    /// <param name="file">The file being read, when known.</param>
    /// <param name="location">Where in the file or graph: a byte offset, a field path or a node name.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public ModelFormatException(string message, string? file = null, string? location = null, Exception? inner = null)
        : base(Compose(message, file, location), inner)
    {
        File = file;
        Location = location;
    }

    /// <summary>The file being read, when known.</summary>
    public string? File { get; }

    /// <summary>Where in the file or graph the problem is (offset, field path or node name), when known.</summary>
    public string? Location { get; }

    private static string Compose(string message, string? file, string? location)
    {
        var where = (file, location) switch
        {
            (null, null) => "",
            (not null, null) => $"{file}: ",
            (null, not null) => $"{location}: ",
            _ => $"{file}: {location}: ",
        };
        return where + message;
    }
}
