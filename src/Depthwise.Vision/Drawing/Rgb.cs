namespace Depthwise.Vision.Drawing;

/// <summary>An opaque 8-bit RGB colour.</summary>
/// <param name="R">Red.</param>
/// <param name="G">Green.</param>
/// <param name="B">Blue.</param>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>Black.</summary>
    public static Rgb Black => new(0, 0, 0);

    /// <summary>White.</summary>
    public static Rgb White => new(255, 255, 255);

    /// <summary>Perceived brightness 0..255 (Rec. 601 weights).</summary>
    public float Luminance => 0.299f * R + 0.587f * G + 0.114f * B;

    /// <summary>Black or white, whichever reads better on this colour.</summary>
    public Rgb Contrasting => Luminance > 140f ? Black : White;

    /// <summary>The colour as <c>#RRGGBB</c>.</summary>
    public override string ToString() => $"#{R:X2}{G:X2}{B:X2}";

    /// <summary>A colour from hue (0..1, wrapping), saturation and value (0..1).</summary>
    public static Rgb FromHsv(float hue, float saturation, float value)
    {
        float h = (hue - MathF.Floor(hue)) * 6f;
        int sector = Math.Min((int)h, 5);
        float f = h - sector;
        float p = value * (1 - saturation), q = value * (1 - saturation * f), t = value * (1 - saturation * (1 - f));
        var (r, g, b) = sector switch
        {
            0 => (value, t, p),
            1 => (q, value, p),
            2 => (p, value, t),
            3 => (p, q, value),
            4 => (t, p, value),
            _ => (value, p, q),
        };
        return new(ToByte(r), ToByte(g), ToByte(b));
    }

    private static byte ToByte(float v) => (byte)Math.Clamp(MathF.Round(v * 255f), 0f, 255f);
}
