using System.Diagnostics;

namespace Depthwise.Vision.Tests.Preprocessing;

/// <summary>
/// Where the shared golden files live and how the tests decode them. Decoding goes through Debian's python3 + PIL
/// (libjpeg-turbo, libpng) until Depthwise's own codecs land; this is the one place to swap for them.
/// </summary>
internal static class ReferenceImages
{
    /// <summary>The shared folder (see <see cref="SharedFolder"/>).</summary>
    public static string SharedRoot => SharedFolder.PathOf();

    /// <summary>The MediaPipe golden folder.</summary>
    public static string MediaPipeGolden => Path.Combine(SharedRoot, "golden", "mediapipe");

    private const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> PilProblem = new(() =>
    {
        if (!File.Exists(Python)) return $"{Python} not found";
        var (code, _, err) = RunPython("import PIL.Image");
        return code == 0 ? null : $"python3 cannot import PIL (install python3-pil): {err.Trim()}";
    });

    /// <summary>Skips the test unless <paramref name="path"/> exists and python3 + PIL can decode it.</summary>
    public static void RequireDecodable(string path)
    {
        Skip.IfNot(File.Exists(path), $"golden file {path} not found (set DEPTHWISE_SHARED to the shared folder)");
        Skip.If(PilProblem.Value is not null, PilProblem.Value);
    }

    /// <summary>Decodes an image file (PNG, JPEG...) into an <see cref="Image"/> of the given format, converting with PIL ('L', 'RGB', 'RGBA').</summary>
    public static Image Load(string path, PixelFormat format)
    {
        RequireDecodable(path);
        string mode = format switch { PixelFormat.Gray8 => "L", PixelFormat.Rgb24 => "RGB", _ => "RGBA" };
        string raw = Path.Combine(Path.GetTempPath(), $"depthwise-img-{Guid.NewGuid():N}.raw");
        try
        {
            string script = "import sys, PIL.Image\n" +
                            "im = PIL.Image.open(sys.argv[1]).convert(sys.argv[2])\n" +
                            "open(sys.argv[3], 'wb').write(im.tobytes())\n" +
                            "print(im.size[0], im.size[1])\n";
            var (code, output, err) = RunPython(script, path, mode, raw);
            if (code != 0) throw new InvalidOperationException($"PIL could not decode {path}: {err}");
            var parts = output.Trim().Split(' ');
            int w = int.Parse(parts[0]), h = int.Parse(parts[1]);
            return new Image(w, h, format, File.ReadAllBytes(raw));
        }
        finally
        {
            File.Delete(raw);
        }
    }

    private static (int Code, string Stdout, string Stderr) RunPython(string script, params string[] args)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }
}
