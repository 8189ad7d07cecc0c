using System.Diagnostics;
using System.Globalization;

namespace Depthwise.Vision.Tests.Codecs;

/// <summary>What PIL decoded from one file: pixels in the layout our decoders are specified to produce, or its error.</summary>
internal sealed record PilImage(int Width, int Height, int Channels, byte[] Pixels, string? Error);

/// <summary>
/// Shared helpers of the codec tests: where ../shared is, and PIL (Debian python3-pil) as the reference decoder.
/// PIL runs once per batch of files in a child process; its pixels are mapped to the output formats our decoders
/// promise (gray → 1 channel, colour → RGB, anything with alpha or tRNS → RGBA, 16-bit gray rounded to 8 bits).
/// </summary>
internal static class CodecTestKit
{
    private const string Python = "/usr/bin/python3";

    /// <summary>The shared data directory (holding images/ and golden/), or null when it is not there.</summary>
    public static string? SharedDir => SharedFolder.Root;

    /// <summary>Null when python3 with PIL and numpy can run here, else why not.</summary>
    public static string? PilUnavailable => PilProbe.Value;

    /// <summary>Skips the calling test (with the reason) when PIL cannot run.</summary>
    public static void RequirePil()
    {
        string? why = PilUnavailable;
        Skip.If(why is not null, why);
    }

    /// <summary>Skips the calling test when ../shared is not present.</summary>
    public static void RequireShared() =>
        Skip.If(SharedDir is null, "../shared is not present next to the repository (set DEPTHWISE_SHARED to its path)");

    private static readonly Lazy<string?> PilProbe = new(() =>
    {
        if (!File.Exists(Python))
            return $"{Python} is not installed";
        try
        {
            var (code, _, err) = Run(Python, ["-c", "import PIL, numpy"]);
            return code == 0 ? null : $"python3 cannot import PIL/numpy: {err.Trim()}";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"python3 does not run: {e.Message}";
        }
    });

    /// <summary>Shared PNG and BMP files (images and goldens), sorted; empty when ../shared is absent.</summary>
    public static IReadOnlyList<string> SharedImages(params string[] extensions)
    {
        if (SharedDir is null)
            return [];
        var files = new List<string>();
        foreach (var sub in new[] { "images", "golden" })
        {
            var dir = Path.Combine(SharedDir, sub);
            if (Directory.Exists(dir))
                files.AddRange(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                    .Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant())));
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>Decodes <paramref name="files"/> with PIL, in one python process.</summary>
    public static PilImage[] PilDecode(IReadOnlyList<string> files)
    {
        var dir = Directory.CreateTempSubdirectory("dw-pil-");
        try
        {
            var script = Path.Combine(dir.FullName, "pil_reference.py");
            File.WriteAllText(script, PilScript);
            var (code, stdout, stderr) = Run(Python, [script, dir.FullName, .. files]);
            Assert.True(code == 0, $"the PIL script failed: {stderr}");
            var result = new PilImage[files.Count];
            foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(' ', 3);
                int i = int.Parse(parts[0], CultureInfo.InvariantCulture);
                if (parts[1] == "ERR")
                {
                    result[i] = new PilImage(0, 0, 0, [], parts[2]);
                    continue;
                }
                var dims = parts[2].Split(' ');
                result[i] = new PilImage(int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(dims[0], CultureInfo.InvariantCulture),
                    int.Parse(dims[1], CultureInfo.InvariantCulture), File.ReadAllBytes(Path.Combine(dir.FullName, $"{i}.raw")), null);
            }
            for (int i = 0; i < result.Length; i++)
                Assert.True(result[i] is not null, $"PIL printed nothing for {files[i]}");
            return result;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Asserts that our image equals PIL's decode of the same file, pixel for pixel.</summary>
    public static void AssertSameAsPil(Image ours, PilImage pil, string what)
    {
        Assert.True(pil.Error is null, $"{what}: PIL failed: {pil.Error}");
        Assert.True(ours.Width == pil.Width && ours.Height == pil.Height && ours.Channels == pil.Channels,
            $"{what}: ours {ours.Width}x{ours.Height}x{ours.Channels}, PIL {pil.Width}x{pil.Height}x{pil.Channels}");
        int first = ours.Pixels.AsSpan().CommonPrefixLength(pil.Pixels);
        if (first < ours.Pixels.Length || ours.Pixels.Length != pil.Pixels.Length)
        {
            int p = first / ours.Channels;
            Assert.Fail($"{what}: first difference at pixel ({p % ours.Width}, {p / ours.Width}) channel {first % ours.Channels}: ours {ours.Pixels[first]}, PIL {(first < pil.Pixels.Length ? pil.Pixels[first] : -1)}");
        }
    }

    /// <summary>A bit-at-a-time CRC-32 (PNG/zlib polynomial), written independently of the decoder's table version.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc >> 1) ^ (0xEDB88320 & (0u - (crc & 1)));
        }
        return ~crc;
    }

    private static (int Code, string Out, string Err) Run(string exe, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }

    // Maps PIL's modes to the formats our decoders promise; prints "i width height channels" or "i ERR message".
    private const string PilScript = """
        import sys
        import numpy as np
        from PIL import Image

        out = sys.argv[1]
        for i, f in enumerate(sys.argv[2:]):
            try:
                im = Image.open(f)
                im.load()
                mode = im.mode
                key = im.info.get('transparency')
                if mode in ('I;16', 'I;16B', 'I'):
                    v = np.asarray(im).astype(np.int64)
                    g = ((v + 128) // 257).astype(np.uint8)
                    a = g if key is None else np.dstack([g, g, g, np.where(v == key, 0, 255).astype(np.uint8)])
                elif mode in ('1', 'L') and key is None:
                    a = np.asarray(im.convert('L'))
                elif mode in ('LA', 'RGBA', 'PA') or key is not None:
                    a = np.asarray(im.convert('RGBA'))
                else:
                    a = np.asarray(im.convert('RGB'))
                a = np.ascontiguousarray(a, dtype=np.uint8)
                c = 1 if a.ndim == 2 else a.shape[2]
                with open(f'{out}/{i}.raw', 'wb') as w:
                    w.write(a.tobytes())
                print(i, im.size[0], im.size[1], c, flush=True)
            except Exception as e:
                print(i, 'ERR', type(e).__name__ + ': ' + str(e).replace('\n', ' '), flush=True)
        """;
}
