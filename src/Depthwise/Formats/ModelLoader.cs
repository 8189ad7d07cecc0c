using Depthwise.Formats.Onnx;

namespace Depthwise.Formats;

/// <summary>Loads a model file of any supported format into the graph IR, detecting the format from the content.</summary>
public static class ModelLoader
{
    /// <summary>Loads a model from a file.</summary>
    public static Graph.Graph Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"no such model file: {path}", path);
        Span<byte> head = stackalloc byte[8];
        int n;
        using (var fs = File.OpenRead(path)) n = fs.ReadAtLeast(head, 8, throwOnEndOfStream: false);
        CheckNotTflite(head[..n], path);
        return OnnxImporter.Import(path);
    }

    /// <summary>Loads a model from bytes; <paramref name="source"/> names them in errors.</summary>
    public static Graph.Graph Load(ReadOnlyMemory<byte> bytes, string? source = null)
    {
        CheckNotTflite(bytes.Span, source);
        return OnnxImporter.Import(bytes, source);
    }

    private static void CheckNotTflite(ReadOnlySpan<byte> head, string? source)
    {
        if (head.Length >= 8 && head[4..8].SequenceEqual("TFL3"u8))
            throw new ModelFormatException("this is a TensorFlow Lite model; TFLite import is not available yet (only ONNX models load)", source);
    }
}
