using Depthwise.Formats.Onnx;
using Depthwise.Formats.TFLite;

namespace Depthwise.Formats;

/// <summary>
/// Loads a model file of any supported format into the graph IR, detecting the format from the content: TensorFlow
/// Lite models carry the FlatBuffers file identifier "TFL3" at bytes 4..8; everything else is read as ONNX.
/// </summary>
public static class ModelLoader
{
    /// <summary>Loads a model from a file.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="DepthwiseException">The file is not a valid or supported model.</exception>
    public static Graph.Graph Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"no such model file: {path}", path);
        Span<byte> head = stackalloc byte[8];
        int n;
        using (var fs = File.OpenRead(path)) n = fs.ReadAtLeast(head, 8, throwOnEndOfStream: false);
        return TfLiteImporter.IsTfLite(head[..n]) ? TfLiteImporter.Import(path) : OnnxImporter.Import(path);
    }

    /// <summary>Loads a model from bytes; <paramref name="source"/> names them in errors.</summary>
    /// <exception cref="DepthwiseException">The bytes are not a valid or supported model.</exception>
    public static Graph.Graph Load(ReadOnlyMemory<byte> bytes, string? source = null) =>
        TfLiteImporter.IsTfLite(bytes.Span) ? TfLiteImporter.Import(bytes, source) : OnnxImporter.Import(bytes, source);
}
