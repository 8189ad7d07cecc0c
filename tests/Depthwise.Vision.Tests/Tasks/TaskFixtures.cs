using Depthwise.Vision.Codecs;
using Depthwise.Vision.Tests.Preprocessing;

namespace Depthwise.Vision.Tests.Tasks;

/// <summary>
/// Shared models and images for the task tests. Images decode with Depthwise's own codecs; a JPEG falls back to PIL
/// (libjpeg-turbo, see <see cref="ReferenceImages"/>) only while this build has no JPEG decoder. Models that need
/// operators still being built (quantized kernels, "not available yet") skip with that reason, so the tests run for
/// real as soon as those operators are in.
/// </summary>
internal static class TaskFixtures
{
    /// <summary>A model under shared/models/tflite; skips when the shared folder or the file is missing.</summary>
    public static string Model(string fileName)
    {
        Skip.If(SharedFolder.Missing is not null, SharedFolder.Missing);
        string path = SharedFolder.PathOf("models", "tflite", fileName);
        Skip.IfNot(File.Exists(path), $"model {path} not found");
        return path;
    }

    /// <summary>A file under the shared folder; skips when it is missing.</summary>
    public static string Shared(params string[] parts)
    {
        Skip.If(SharedFolder.Missing is not null, SharedFolder.Missing);
        string path = SharedFolder.PathOf(parts);
        Skip.IfNot(File.Exists(path), $"{path} not found");
        return path;
    }

    /// <summary>Decodes an image file (see the class summary for JPEG).</summary>
    public static Image LoadImage(string path)
    {
        try
        {
            return ImageDecoder.Decode(path);
        }
        catch (ImageFormatException e) when (ImageDecoder.Detect(File.ReadAllBytes(path)) == ImageFileFormat.Jpeg && e.Message.Contains("not available", StringComparison.Ordinal))
        {
            return ReferenceImages.Load(path, PixelFormat.Rgb24);
        }
    }

    /// <summary>
    /// Creates a task, skipping when the model needs operators that are not available in this build yet (the TFLite
    /// importer says "not available yet"; ONNX QLinear* operators are being added on other branches).
    /// </summary>
    public static T CreateOrSkip<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (UnsupportedOperatorException e) when (e.Message.Contains("not available yet", StringComparison.Ordinal)
            || e.OpType.StartsWith("QLinear", StringComparison.Ordinal))
        {
            Skip.If(true, $"waits for operators still being built: {e.Message}");
            throw;
        }
    }
}
