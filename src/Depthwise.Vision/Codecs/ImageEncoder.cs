namespace Depthwise.Vision.Codecs;

/// <summary>Saving images to files (PNG, the one format we write).</summary>
public static class ImageEncoder
{
    /// <summary>Writes <paramref name="image"/> to <paramref name="path"/> as a PNG file, replacing any file there.</summary>
    /// <param name="image">The image to save.</param>
    /// <param name="path">The file to create.</param>
    public static void SavePng(this Image image, string path)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024);
        PngEncoder.Encode(image, stream);
    }
}
