using System.Diagnostics;
using System.Text;
using Depthwise.Vision;

namespace Depthwise.Vision.Tests.Codecs;

/// <summary>
/// The peers the JPEG tests compare with: libjpeg-turbo's command-line tools (djpeg, cjpeg, jpegtran; Debian
/// libjpeg-turbo-progs) and Pillow (Debian python3-pil), run in a temporary folder; the shared images folder.
/// Tests skip with the printed reason when a peer is missing.
/// </summary>
internal static class JpegTestTools
{

    /// <summary>The shared images folder (see <see cref="SharedFolder"/>), or null.</summary>
    public static string? SharedImages { get; } = SharedFolder.Root is { } root ? Path.Combine(root, "images") : null;

    /// <summary>Every *.jpg / *.jpeg under the shared images (recursive, any case), sorted; empty without the folder.</summary>
    public static IReadOnlyList<string> SharedJpegs { get; } = SharedImages is null ? [] :
        Directory.EnumerateFiles(SharedImages, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>Null when the libjpeg-turbo tools are on PATH, else why not.</summary>
    public static string? ToolsUnavailable { get; } =
        new[] { "djpeg", "cjpeg", "jpegtran" }.FirstOrDefault(t => FindOnPath(t) is null) is { } missing
            ? $"{missing} is not on PATH (install Debian libjpeg-turbo-progs)" : null;

    /// <summary>Null when /usr/bin/python3 can import PIL, else why not.</summary>
    public static string? PillowUnavailable => LazyPillow.Value;

    private static readonly Lazy<string?> LazyPillow = new(() =>
    {
        if (!File.Exists("/usr/bin/python3")) return "/usr/bin/python3 is missing";
        var (code, _, err) = Run("/usr/bin/python3", ["-c", "import PIL"], null);
        return code == 0 ? null : "Pillow is not installed for /usr/bin/python3 (Debian python3-pil): " + err.Trim();
    });

    /// <summary>A fresh temporary folder, deleted by <see cref="IDisposable.Dispose"/>.</summary>
    public static TempDir NewTempDir() => new(Directory.CreateTempSubdirectory("dw-jpeg-").FullName);

    /// <summary>A temporary folder.</summary>
    public sealed class TempDir(string path) : IDisposable
    {
        /// <summary>Its path.</summary>
        public string Path { get; } = path;

        /// <summary>A file path inside it.</summary>
        public string File(string name) => System.IO.Path.Combine(Path, name);

        /// <inheritdoc/>
        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Runs a program; returns exit code, stdout (as Latin-1 text) and stderr.</summary>
    public static (int Code, string Out, string Err) Run(string exe, IEnumerable<string> args, byte[]? stdin)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            StandardOutputEncoding = Encoding.Latin1,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var errTask = p.StandardError.ReadToEndAsync();
        var outTask = p.StandardOutput.ReadToEndAsync();
        if (stdin is not null)
        {
            p.StandardInput.BaseStream.Write(stdin);
            p.StandardInput.Close();
        }
        p.WaitForExit();
        return (p.ExitCode, outTask.Result, errTask.Result);
    }

    /// <summary>Runs a tool that must succeed.</summary>
    public static void RunOk(string exe, params string[] args)
    {
        var (code, _, err) = Run(exe, args, null);
        if (code != 0) throw new InvalidOperationException($"{exe} {string.Join(' ', args)} failed ({code}): {err}");
    }

    /// <summary>Decodes <paramref name="jpeg"/> with djpeg (PNM output, its defaults otherwise) and reads the result.</summary>
    public static Image Djpeg(string jpeg, string outDir)
    {
        var output = System.IO.Path.Combine(outDir, System.IO.Path.GetFileNameWithoutExtension(jpeg) + ".pnm");
        RunOk("djpeg", "-pnm", "-outfile", output, jpeg);
        return ReadPnm(File.ReadAllBytes(output));
    }

    /// <summary>
    /// Like <see cref="Djpeg"/> for damaged files: djpeg exits with 2 after warnings (data ended early, bad restart
    /// marker...) and still writes the image; returns null when it gave up (exit code 1).
    /// </summary>
    public static Image? DjpegDamaged(byte[] jpeg, string outDir)
    {
        var input = System.IO.Path.Combine(outDir, "damaged.jpg");
        var output = System.IO.Path.Combine(outDir, "damaged.pnm");
        File.WriteAllBytes(input, jpeg);
        File.Delete(output);
        var (code, _, _) = Run("djpeg", ["-pnm", "-outfile", output, input], null);
        return code is 0 or 2 && File.Exists(output) && new FileInfo(output).Length > 0 ? ReadPnm(File.ReadAllBytes(output)) : null;
    }

    /// <summary>Runs a Python snippet with Pillow (PIL imported as Image); throws when it fails.</summary>
    public static void Python(string script)
    {
        var (code, _, err) = Run("/usr/bin/python3", ["-c", "from PIL import Image, ImageOps\n" + script], null);
        if (code != 0) throw new InvalidOperationException("python failed: " + err);
    }

    /// <summary>Reads a binary PGM (P5) or PPM (P6) with maxval 255.</summary>
    public static Image ReadPnm(byte[] d)
    {
        int p = 0;
        string Token()
        {
            while (p < d.Length && (char.IsWhiteSpace((char)d[p]) || d[p] == '#'))
            {
                if (d[p] == '#') while (p < d.Length && d[p] != '\n') p++;
                else p++;
            }
            int s = p;
            while (p < d.Length && !char.IsWhiteSpace((char)d[p])) p++;
            return Encoding.ASCII.GetString(d, s, p - s);
        }
        string magic = Token();
        int w = int.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture);
        int h = int.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture);
        int max = int.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture);
        if (max != 255) throw new InvalidDataException("maxval " + max);
        p++;
        var format = magic switch { "P5" => PixelFormat.Gray8, "P6" => PixelFormat.Rgb24, _ => throw new InvalidDataException(magic) };
        var pixels = d.AsSpan(p, w * h * (int)format).ToArray();
        return new Image(w, h, format, pixels);
    }

    /// <summary>Writes a binary PGM/PPM (input for cjpeg).</summary>
    public static void WritePnm(string path, Image image)
    {
        using var f = File.Create(path);
        var header = Encoding.ASCII.GetBytes($"{(image.Format == PixelFormat.Gray8 ? "P5" : "P6")}\n{image.Width} {image.Height}\n255\n");
        f.Write(header);
        f.Write(image.Pixels);
    }

    /// <summary>Largest per-channel difference and how many channel values differ; the images must have the same shape.</summary>
    public static (int Max, long Count) Compare(Image expected, Image actual)
    {
        Assert.Equal(expected.Format, actual.Format);
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        int max = 0;
        long count = 0;
        var a = expected.Pixels;
        var b = actual.Pixels;
        for (int i = 0; i < a.Length; i++)
        {
            int diff = Math.Abs(a[i] - b[i]);
            if (diff != 0) count++;
            if (diff > max) max = diff;
        }
        return (max, count);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
