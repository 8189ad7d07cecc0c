namespace Depthwise.Graph;

/// <summary>
/// One dimension of a declared (possibly symbolic) shape: a known size, or a named/unnamed unknown such as a dynamic batch.
/// </summary>
public readonly record struct Dim
{
    /// <summary>A known size.</summary>
    public static Dim Known(int size) => new() { Size = size };

    /// <summary>An unknown size, optionally named (e.g. <c>batch</c>).</summary>
    public static Dim Unknown(string? name = null) => new() { Size = -1, Name = name };

    /// <summary>The size, or -1 when unknown.</summary>
    public int Size { get; init; }

    /// <summary>The symbolic name of an unknown dimension, if it has one.</summary>
    public string? Name { get; init; }

    /// <summary>True when the size is known.</summary>
    public bool IsKnown => Size >= 0;

    /// <inheritdoc />
    public override string ToString() => IsKnown ? Size.ToString(System.Globalization.CultureInfo.InvariantCulture) : Name ?? "?";
}
