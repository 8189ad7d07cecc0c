using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Depthwise.Formats.TFLite;

/// <summary>
/// Reads TFLite model metadata (tensorflow_lite_support metadata_schema.fbs, file identifier "M001"): the model's
/// "TFLITE_METADATA" buffer is a nested FlatBuffer, and the files it names (labels, score calibration) are packed in
/// a ZIP archive appended to the .tflite file, read here with <see cref="ZipArchive"/>. A model without metadata gives
/// null; malformed metadata is a <see cref="ModelFormatException"/> like any other part of the file.
/// </summary>
internal static class TfLiteMetadataReader
{
    /// <summary>The name of the metadata entry that holds the metadata FlatBuffer.</summary>
    public const string MetadataName = "TFLITE_METADATA";

    /// <summary>The file identifier of the metadata FlatBuffer.</summary>
    public const string FileIdentifier = "M001";

    /// <summary>Largest associated file read (labels files are a few kB; anything this big is not a label list).</summary>
    public const int MaxAssociatedFileBytes = 16 << 20;

    /// <summary>Most bytes read from the archive in total.</summary>
    public const int MaxArchiveBytes = 64 << 20;

    // Field numbers of metadata_schema.fbs.
    private const int ModelName = 0, ModelDescription = 1, ModelVersion = 2, ModelSubgraphs = 3, ModelAuthor = 4, ModelLicense = 5,
        ModelFiles = 6;
    private const int SubInputs = 2, SubOutputs = 3;
    private const int TensorName = 0, TensorDescription = 1, TensorContent = 3, TensorProcessUnits = 4, TensorStats = 5, TensorFiles = 6;
    private const int ContentPropertiesType = 0;
    private const int ImageColorSpaceField = 0, ImageDefaultSize = 1, SizeWidth = 0, SizeHeight = 1;
    private const int ProcessUnitOptionsType = 0;
    private const int NormalizationMean = 0, NormalizationStd = 1;
    private const int CalibrationTransformation = 0, CalibrationDefaultScore = 1;
    private const int ThresholdGlobal = 0;
    private const int StatsMax = 0, StatsMin = 1;
    private const int FileName = 0, FileDescription = 1, FileType = 2, FileLocale = 3;
    private const byte ContentImage = 2;
    private const byte UnitNormalization = 1, UnitScoreCalibration = 2, UnitScoreThresholding = 3;

    /// <summary>The model's metadata, or null when it has none.</summary>
    public static ModelMetadata? Read(TfLiteModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int entry = -1;
        for (int i = 0; i < model.Metadata.Count; i++)
            if (model.Metadata[i].Name == MetadataName) { entry = i; break; }
        if (entry < 0) return null;
        string path = $"model.metadata[{entry}] '{MetadataName}'";
        var bytes = model.BufferData(model.Metadata[entry].Buffer, path);
        if (bytes.Length == 0) return null;
        var reader = model.Reader.OpenNested(bytes, FileIdentifier, "TFLite metadata FlatBuffer");
        using var archive = PackedFiles.Open(model.Reader.Memory, model.Reader.Source);
        var root = reader.Root(path);
        var subgraphs = root.Tables(ModelSubgraphs, "subgraph_metadata");
        IReadOnlyList<TensorMetadata> inputs = [], outputs = [];
        if (subgraphs.Count > 0)
        {
            var sg = subgraphs[0];
            inputs = ReadTensors(sg.Tables(SubInputs, "input_tensor_metadata"), archive, model.Reader.Source);
            outputs = ReadTensors(sg.Tables(SubOutputs, "output_tensor_metadata"), archive, model.Reader.Source);
        }
        return new ModelMetadata
        {
            Name = root.String(ModelName, "name"),
            Description = root.String(ModelDescription, "description"),
            Version = root.String(ModelVersion, "version"),
            Author = root.String(ModelAuthor, "author"),
            License = root.String(ModelLicense, "license"),
            Inputs = inputs,
            Outputs = outputs,
            AssociatedFiles = ReadFiles(root.Tables(ModelFiles, "associated_files"), archive),
        };
    }

    private static TensorMetadata[] ReadTensors(FlatTableVector tensors, PackedFiles archive, string? source)
    {
        var result = new TensorMetadata[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            float[]? mean = null, std = null;
            ScoreTransformation? transformation = null;
            float defaultScore = 0;
            float? threshold = null;
            var units = t.Tables(TensorProcessUnits, "process_units");
            for (int u = 0; u < units.Count; u++)
            {
                var (type, options) = units[u].Union(ProcessUnitOptionsType, "options");
                if (options is not { } o) continue;
                switch (type)
                {
                    case UnitNormalization:
                        mean = o.Floats(NormalizationMean, "mean");
                        std = o.Floats(NormalizationStd, "std");
                        break;
                    case UnitScoreCalibration:
                        transformation = o.U8(CalibrationTransformation, "score_transformation") switch
                        {
                            1 => ScoreTransformation.Log,
                            2 => ScoreTransformation.InverseLogistic,
                            _ => ScoreTransformation.Identity,
                        };
                        defaultScore = o.F32(CalibrationDefaultScore, "default_score");
                        break;
                    case UnitScoreThresholding:
                        threshold = o.F32(ThresholdGlobal, "global_score_threshold");
                        break;
                }
            }
            bool isImage = false;
            var colorSpace = ImageColorSpace.Unknown;
            int? width = null, height = null;
            if (t.Table(TensorContent, "content") is { } content)
            {
                var (type, props) = content.Union(ContentPropertiesType, "content_properties");
                if (type == ContentImage && props is { } p)
                {
                    isImage = true;
                    colorSpace = p.U8(ImageColorSpaceField, "color_space") switch
                    {
                        1 => ImageColorSpace.Rgb,
                        2 => ImageColorSpace.Grayscale,
                        _ => ImageColorSpace.Unknown,
                    };
                    if (p.Table(ImageDefaultSize, "default_size") is { } size)
                    {
                        width = (int)Math.Min(size.U32(SizeWidth, "width"), int.MaxValue);
                        height = (int)Math.Min(size.U32(SizeHeight, "height"), int.MaxValue);
                    }
                }
            }
            float[]? min = null, max = null;
            if (t.Table(TensorStats, "stats") is { } stats)
            {
                max = stats.Floats(StatsMax, "max");
                min = stats.Floats(StatsMin, "min");
            }
            var files = ReadFiles(t.Tables(TensorFiles, "associated_files"), archive);
            ScoreCalibration? calibration = null;
            if (transformation is { } tr)
            {
                var file = files.FirstOrDefault(f => f.Kind == AssociatedFileKind.TensorAxisScoreCalibration && f.Contents is not null);
                calibration = new ScoreCalibration(tr, defaultScore, file is null ? null : ParseCalibration(file, source, t.Path));
            }
            result[i] = new TensorMetadata
            {
                Name = t.String(TensorName, "name"),
                Description = t.String(TensorDescription, "description"),
                Mean = mean,
                Std = std,
                IsImage = isImage,
                ColorSpace = colorSpace,
                DefaultWidth = width,
                DefaultHeight = height,
                Min = min,
                Max = max,
                Labels = FirstLines(files, AssociatedFileKind.TensorAxisLabels),
                ValueLabels = FirstLines(files, AssociatedFileKind.TensorValueLabels),
                ScoreCalibration = calibration,
                ScoreThreshold = threshold,
                AssociatedFiles = files,
            };
        }
        return result;
    }

    private static AssociatedFile[] ReadFiles(FlatTableVector files, PackedFiles archive)
    {
        var result = new AssociatedFile[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            var f = files[i];
            string name = f.String(FileName, "name") ?? "";
            var kind = f.U8(FileType, "type") switch
            {
                1 => AssociatedFileKind.Descriptions,
                2 => AssociatedFileKind.TensorAxisLabels,
                3 => AssociatedFileKind.TensorValueLabels,
                4 => AssociatedFileKind.TensorAxisScoreCalibration,
                5 => AssociatedFileKind.Vocabulary,
                _ => AssociatedFileKind.Unknown,
            };
            result[i] = new AssociatedFile(name, kind, f.String(FileDescription, "description"), f.String(FileLocale, "locale"),
                archive.Read(name));
        }
        return result;
    }

    /// <summary>The lines of the first file of <paramref name="kind"/> whose contents are packed (a final empty line dropped).</summary>
    private static string[]? FirstLines(AssociatedFile[] files, AssociatedFileKind kind)
    {
        foreach (var f in files)
            if (f.Kind == kind && f.Contents is { } c) return Lines(c.Span);
        return null;
    }

    private static string[] Lines(ReadOnlySpan<byte> text)
    {
        var lines = Encoding.UTF8.GetString(text).Split('\n');
        for (int i = 0; i < lines.Length; i++) lines[i] = lines[i].TrimEnd('\r');
        return lines.Length > 0 && lines[^1].Length == 0 ? lines[..^1] : lines;
    }

    /// <summary>One line per score index: empty, or "scale,slope,offset[,min_score]".</summary>
    private static ScoreCalibrationParameters?[] ParseCalibration(AssociatedFile file, string? source, string path)
    {
        var lines = Lines(file.Contents!.Value.Span);
        var result = new ScoreCalibrationParameters?[lines.Length];
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0) continue;
            var parts = line.Split(',');
            var v = new float[parts.Length];
            bool ok = parts.Length is 3 or 4;
            for (int k = 0; ok && k < parts.Length; k++)
                ok = float.TryParse(parts[k].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out v[k]);
            if (!ok)
                throw new ModelFormatException($"score calibration file '{file.Name}' line {i + 1} is '{line}'; expected 3 or 4 comma-separated numbers (scale, slope, offset[, min_score])", source, path);
            result[i] = new ScoreCalibrationParameters(v[0], v[1], v[2], v.Length == 4 ? v[3] : null);
        }
        return result;
    }

    /// <summary>
    /// The ZIP archive appended to the model, read entry by entry as the metadata names them (with a total size
    /// budget, so an archive of huge or repeated entries cannot exhaust memory). The archive is found from its
    /// end-of-central-directory record and its start computed from it, so archives whose offsets count from the start
    /// of the .tflite file and those whose offsets count from their own start both open. Whatever
    /// <see cref="ZipArchive"/> throws on malformed bytes becomes a <see cref="ModelFormatException"/>.
    /// </summary>
    private sealed class PackedFiles : IDisposable
    {
        private readonly ZipArchive? _zip;
        private readonly string? _source;
        private readonly Dictionary<string, ReadOnlyMemory<byte>?> _read = new(StringComparer.Ordinal);
        private long _budget = MaxArchiveBytes;

        private PackedFiles(ZipArchive? zip, string? source)
        {
            _zip = zip;
            _source = source;
        }

        public static PackedFiles Open(ReadOnlyMemory<byte> file, string? source)
        {
            var span = file.Span;
            // The end record is 22 bytes plus a comment of up to 64 kB.
            int eocd = -1;
            for (int p = span.Length - 22; p >= 0 && p >= span.Length - 22 - 0xFFFF; p--)
            {
                if (span[p] == 0x50 && span[p + 1] == 0x4B && span[p + 2] == 5 && span[p + 3] == 6) { eocd = p; break; }
            }
            if (eocd < 0) return new PackedFiles(null, source);
            long cdSize = BinaryPrimitives.ReadUInt32LittleEndian(span[(eocd + 12)..]);
            long cdOffset = BinaryPrimitives.ReadUInt32LittleEndian(span[(eocd + 16)..]);
            long start = eocd - cdSize - cdOffset;
            if (start < 0)
                throw new ModelFormatException($"the ZIP archive of associated files is inconsistent (a central directory of {cdSize} bytes at {cdOffset} before its end record at byte {eocd})", source, $"byte {eocd}");
            return Guard(source, start, () => new PackedFiles(new ZipArchive(new ReadOnlyMemoryStream(file[(int)start..]), ZipArchiveMode.Read), source));
        }

        /// <summary>The contents of the entry named <paramref name="name"/>, or null when the archive has no such entry.</summary>
        public ReadOnlyMemory<byte>? Read(string name)
        {
            if (_zip is null || name.Length == 0) return null;
            if (_read.TryGetValue(name, out var done)) return done;
            var result = Guard<ReadOnlyMemory<byte>?>(_source, 0, () =>
            {
                var e = _zip.GetEntry(name);
                if (e is null) return null;
                if (e.Length > MaxAssociatedFileBytes || e.Length > _budget)
                    throw new ModelFormatException($"associated file '{name}' is {e.Length} bytes; at most {Math.Min(MaxAssociatedFileBytes, _budget)} more are read", _source, $"zip entry '{name}'");
                _budget -= e.Length;
                using var s = e.Open();
                var buffer = new byte[e.Length];
                int n = s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                if (n != buffer.Length)
                    throw new ModelFormatException($"associated file '{name}' holds {n} bytes, not the {e.Length} its header claims", _source, $"zip entry '{name}'");
                return buffer;
            });
            _read[name] = result;
            return result;
        }

        public void Dispose() => _zip?.Dispose();

        private static T Guard<T>(string? source, long at, Func<T> read)
        {
            try { return read(); }
            catch (ModelFormatException) { throw; }
            // ZipArchive parses untrusted bytes; whatever it throws on them is a format error.
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new ModelFormatException($"the ZIP archive of associated files packed with the model is unreadable ({e.GetType().Name}: {e.Message})", source, $"byte {at}", e);
            }
        }
    }

    /// <summary>A read-only, seekable stream over memory (ZipArchive needs seeking; no copy of the model is made).</summary>
    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : Stream
    {
        private int _pos;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => memory.Length;

        public override long Position
        {
            get => _pos;
            set => _pos = (int)Math.Clamp(value, 0, memory.Length);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, memory.Length - _pos);
            memory.Span.Slice(_pos, n).CopyTo(buffer);
            _pos += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            long target = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _pos + offset,
                _ => memory.Length + offset,
            };
            if (target < 0) throw new IOException("seek before the start of the stream");
            Position = target;
            return _pos;
        }

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
