using Depthwise.Vision.Tests.Codecs;

namespace Depthwise.Vision.Tests;

/// <summary>
/// The C reference programs of tools/image-refs (stb_image's decoder, libyuv's scaler), built on first use by
/// tools/build-image-refs.sh into the repository's .cache/image-refs. Like djpeg they are test-time peers; the
/// library never links them. When one cannot be built (no gcc, no libstb-dev / libyuv-dev), the tests that need it
/// skip quoting the build script's reason.
/// </summary>
internal static class ImageReferenceTools
{
    private static readonly Lazy<string?> Folder = new(Build);

    /// <summary>The stb_image decoder (stb-decode INPUT OUTPUT.pnm), or null.</summary>
    public static string? StbDecode => Tool("stb-decode");

    /// <summary>Why <see cref="StbDecode"/> is null.</summary>
    public static string? StbDecodeMissing => Missing("stb-decode");

    /// <summary>The libyuv scaler (libyuv-resize INPUT.ppm W H OUTPUT.ppm [filter]), or null.</summary>
    public static string? LibyuvResize => Tool("libyuv-resize");

    /// <summary>Why <see cref="LibyuvResize"/> is null.</summary>
    public static string? LibyuvResizeMissing => Missing("libyuv-resize");

    private static string? Tool(string name) =>
        Folder.Value is { } dir && File.Exists(Path.Combine(dir, name)) ? Path.Combine(dir, name) : null;

    private static string? Missing(string name)
    {
        if (Tool(name) is not null) return null;
        if (Folder.Value is not { } dir) return "tools/build-image-refs.sh was not found above the test binaries";
        var why = Path.Combine(dir, name + ".missing");
        return $"{name} could not be built: " + (File.Exists(why) ? File.ReadAllText(why).Trim() : "see tools/build-image-refs.sh");
    }

    /// <summary>Runs the build script (it rebuilds only what is out of date) and returns .cache/image-refs, or null without the script.</summary>
    private static string? Build()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "tools", "build-image-refs.sh");
            if (!File.Exists(script)) continue;
            var (code, _, err) = JpegTestTools.Run("/bin/bash", [script], null);
            if (code != 0) throw new InvalidOperationException($"{script} failed ({code}): {err}");
            return Path.Combine(dir.FullName, ".cache", "image-refs");
        }
        return null;
    }

    /// <summary>Decodes <paramref name="file"/> with stb_image's stbi_load; null (with its message) when stb refuses it.</summary>
    public static (Image? Image, string Error) StbLoad(string file, string tempDir)
    {
        var output = Path.Combine(tempDir, "stb.pnm");
        File.Delete(output);
        var (code, _, err) = JpegTestTools.Run(StbDecode!, [file, output], null);
        return code == 0 ? (JpegTestTools.ReadPnm(File.ReadAllBytes(output)), "") : (null, err.Trim());
    }

    /// <summary>Resizes an RGB image with libyuv's ARGBScale (as the TFLite Task Library does) to width × height.</summary>
    public static Image LibyuvScale(Image rgb, int width, int height, string tempDir, string filter = "bilinear")
    {
        var input = Path.Combine(tempDir, "yuv-in.ppm");
        var output = Path.Combine(tempDir, "yuv-out.ppm");
        JpegTestTools.WritePnm(input, rgb);
        JpegTestTools.RunOk(LibyuvResize!, input, width.ToString(System.Globalization.CultureInfo.InvariantCulture),
            height.ToString(System.Globalization.CultureInfo.InvariantCulture), output, filter);
        return JpegTestTools.ReadPnm(File.ReadAllBytes(output));
    }
}
