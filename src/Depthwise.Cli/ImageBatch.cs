using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Depthwise.Vision;
using Depthwise.Vision.Codecs;

namespace Depthwise.Cli;

/// <summary>An annotated or derived image a vision command writes per input image (e.g. <c>--out</c>, <c>--overlay</c>).</summary>
/// <param name="Option">The option that asked for it, for messages.</param>
/// <param name="Path">The file (one image) or folder (several images) to write.</param>
/// <param name="Render">Makes the picture from the input image and the result.</param>
internal sealed record ImageOutput<T>(string Option, string Path, Func<Image, T, Image> Render);

/// <summary>
/// The loop the vision commands share: IMAGE arguments (files, or folders whose images are taken in sorted order with
/// a progress bar on stderr), decoding, the task, then per image a text report or a JSON object (one indented object
/// for a single image; one compact object per line with an "image" field for several) and the requested pictures.
/// With several images a file that cannot be decoded or analyzed is reported (stderr, and a JSON line with "error")
/// and the rest still run; the exit code is then 2.
/// </summary>
internal static class ImageBatch
{
    /// <summary>File extensions taken from a folder (case-insensitive).</summary>
    public static readonly IReadOnlyList<string> ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".pgm", ".pbm", ".pnm"];

    /// <summary>The image files named by the arguments: files as given, folders expanded (top level, image extensions, ordinal order).</summary>
    /// <exception cref="FileNotFoundException">An argument is neither a file nor a folder.</exception>
    /// <exception cref="CliException">No argument, or a folder without images.</exception>
    public static List<string> Expand(IReadOnlyList<string> args, out bool fromFolder)
    {
        fromFolder = false;
        var files = new List<string>();
        foreach (var arg in args)
        {
            if (File.Exists(arg))
            {
                files.Add(arg);
            }
            else if (Directory.Exists(arg))
            {
                fromFolder = true;
                var found = Directory.EnumerateFiles(arg)
                    .Where(f => ImageExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0)
                    throw new CliException($"folder {arg} holds no images ({string.Join(", ", ImageExtensions)})");
                files.AddRange(found);
            }
            else
            {
                throw new FileNotFoundException($"no such image file or folder: {arg}", arg);
            }
        }
        if (files.Count == 0) throw new CliException("give at least one IMAGE");
        return files;
    }

    /// <summary>Decodes every image with <paramref name="decode"/>, runs <paramref name="analyze"/> on it and reports each result as it comes.</summary>
    /// <returns>The exit code: 0, or 2 when some image failed (several images; one image's error propagates).</returns>
    public static int Run<T>(CliContext ctx, IReadOnlyList<string> args, bool json, ImageDecodeOptions decode, Func<Image, T> analyze,
        Action<Utf8JsonWriter, T> writeJson, Action<TextWriter, string, Image, T> writeText, params ImageOutput<T>?[] outputs)
    {
        var files = Expand(args, out bool fromFolder);
        bool single = files.Count == 1 && !fromFolder;
        var wanted = outputs.Where(o => o is not null).Select(o => o!).ToList();
        if (!single)
            foreach (var o in wanted) Directory.CreateDirectory(o.Path);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var progress = fromFolder ? new ProgressBar(ctx.Err, files.Count) : null;
        int failed = 0;
        for (int i = 0; i < files.Count; i++)
        {
            string file = files[i];
            progress?.Update(i, file);
            Image image;
            T result;
            try
            {
                image = ImageDecoder.Decode(file, decode);
                result = analyze(image);
            }
            catch (Exception e) when (!single && e is DepthwiseException or IOException)
            {
                failed++;
                progress?.Clear();
                ReportFailure(ctx, json, file, e);
                continue;
            }
            progress?.Clear();
            if (json)
            {
                if (single) WriteJsonObject(ctx.Out, indented: true, w => writeJson(w, result));
                else WriteJsonLine(ctx.Out, w => { w.WriteString("image", file); writeJson(w, result); });
            }
            else
            {
                writeText(ctx.Out, file, image, result);
            }
            string stem = UniqueStem(names, Path.GetFileNameWithoutExtension(file));
            foreach (var o in wanted)
            {
                string target = single ? o.Path : Path.Combine(o.Path, stem + ".png");
                o.Render(image, result).SavePng(target);
                if (!json) ctx.Out.WriteLine($"  wrote {target}");
            }
        }
        progress?.Finish();
        if (failed > 0)
        {
            ctx.Err.WriteLine($"error: {failed} of {files.Count} images failed");
            return DepthwiseCli.ExitUserError;
        }
        return DepthwiseCli.ExitSuccess;
    }

    /// <summary>Reports an image that failed: one error line on stderr (naming the file once) and, with --json, a line with "error".</summary>
    public static void ReportFailure(CliContext ctx, bool json, string file, Exception e)
    {
        ctx.Err.WriteLine(e.Message.StartsWith(file, StringComparison.Ordinal) ? $"error: {e.Message}" : $"error: {file}: {e.Message}");
        if (json) WriteJsonLine(ctx.Out, w => { w.WriteString("image", file); w.WriteString("error", e.Message); });
    }

    private static string UniqueStem(HashSet<string> used, string stem)
    {
        string name = stem;
        for (int k = 2; !used.Add(name); k++) name = $"{stem}_{k.ToString(CultureInfo.InvariantCulture)}";
        return name;
    }

    /// <summary>Writes one JSON object on one line.</summary>
    public static void WriteJsonLine(TextWriter output, Action<Utf8JsonWriter> body) => WriteJsonObject(output, indented: false, body);

    /// <summary>Writes one JSON object (its properties written by <paramref name="body"/>) followed by a newline.</summary>
    public static void WriteJsonObject(TextWriter output, bool indented, Action<Utf8JsonWriter> body)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length));
    }

    /// <summary>Writes a string property, or null.</summary>
    public static void WriteNullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    /// <summary>Formats a number for text reports (invariant culture).</summary>
    public static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
