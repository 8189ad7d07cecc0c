using System.CommandLine;
using System.Globalization;
using Depthwise.Runtime;
using Depthwise.Vision.Codecs;
using Depthwise.Vision.Preprocessing;

namespace Depthwise.Cli;

/// <summary>Arguments and options the vision commands (classify, detect, faces, segment, embed) share.</summary>
internal static class VisionCommandOptions
{
    /// <summary>The IMAGE... argument.</summary>
    public static Argument<string[]> Images() => new("IMAGE")
    {
        Description = "Image files (PNG, JPEG, BMP, PNM) or folders of them (taken in sorted order)",
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary>The MODEL argument.</summary>
    public static Argument<string> Model(string what) => new("MODEL") { Description = $"{what} model file (.tflite or .onnx)" };

    /// <summary>--json.</summary>
    public static Option<bool> Json() => new("--json")
    {
        Description = "Print JSON: one object for one image; one object per line, with an \"image\" field, for several",
    };

    /// <summary>--threads N.</summary>
    public static Option<int> Threads() => new("--threads")
    {
        HelpName = "N",
        Description = "Threads per inference",
        DefaultValueFactory = _ => 1,
    };

    /// <summary>--resize FILTER: the resampling filter replacing the task's.</summary>
    public static Option<string> Resize()
    {
        var option = new Option<string>("--resize")
        {
            HelpName = "FILTER",
            Description = "Resampling filter replacing the task's bilinear: bilinear, area, nearest, bicubic, or libyuv "
                + "(libyuv ARGBScale's integer bilinear, as the TFLite Task Library resizes)",
        };
        option.AcceptOnlyFromAmong("bilinear", "area", "nearest", "bicubic", "libyuv");
        return option;
    }

    /// <summary>--jpeg DECODER: whose pixels JPEG files decode to.</summary>
    public static Option<string> Jpeg()
    {
        var option = new Option<string>("--jpeg")
        {
            HelpName = "DECODER",
            Description = "JPEG pixels as libjpeg-turbo decodes them (default) or as stb_image does (stb: the TFLite Task Library's loader)",
        };
        option.AcceptOnlyFromAmong("libjpeg-turbo", "stb");
        return option;
    }

    /// <summary>The filter named by --resize, or null for the task's own.</summary>
    public static InterpolationMode? Interpolation(string? name) => name switch
    {
        null => null,
        "bilinear" => InterpolationMode.Bilinear,
        "area" => InterpolationMode.Area,
        "nearest" => InterpolationMode.Nearest,
        "bicubic" => InterpolationMode.Bicubic,
        "libyuv" => InterpolationMode.Libyuv,
        _ => throw new CliException($"--resize: unknown filter '{name}'"),
    };

    /// <summary>The decode options for --jpeg.</summary>
    public static ImageDecodeOptions Decode(string? jpeg) => jpeg switch
    {
        null or "libjpeg-turbo" => ImageDecodeOptions.Default,
        "stb" => new ImageDecodeOptions { JpegCompatibility = JpegCompatibility.StbImage },
        _ => throw new CliException($"--jpeg: unknown decoder '{jpeg}'"),
    };

    /// <summary>Session options for --threads.</summary>
    public static SessionOptions Session(int threads)
    {
        if (threads < 1 || threads > 64) throw new CliException($"--threads must be 1..64, got {threads}");
        return new SessionOptions { Threads = threads };
    }

    /// <summary>A label file given with --labels.</summary>
    public static IReadOnlyList<string>? Labels(string? path)
    {
        if (path is null) return null;
        try
        {
            return Vision.Tasks.LabelFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>Comma-separated names given with --allow/--deny (each option may also repeat).</summary>
    public static IReadOnlyList<string> Names(string[]? values)
        => values is null ? [] : values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToArray();

    /// <summary>An --roi x,y,w,h in pixels.</summary>
    public static (float X, float Y, float W, float H)? Roi(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[4];
        if (parts.Length != 4 || !parts.Select((p, i) => float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])).All(ok => ok))
            throw new CliException($"--roi wants x,y,w,h in pixels, got '{text}'");
        if (!(values[2] > 0 && values[3] > 0) || !values.All(float.IsFinite))
            throw new CliException($"--roi needs a positive width and height, got '{text}'");
        return (values[0], values[1], values[2], values[3]);
    }

    /// <summary>The ROI of <paramref name="roi"/> for an image of this size (whole image when null).</summary>
    /// <exception cref="CliException">The rectangle does not overlap the image.</exception>
    public static NormalizedRect? ToRect((float X, float Y, float W, float H)? roi, int width, int height)
    {
        if (roi is not { } r) return null;
        if (r.X >= width || r.Y >= height || r.X + r.W <= 0 || r.Y + r.H <= 0)
            throw new CliException($"--roi {r.X},{r.Y},{r.W},{r.H} lies outside the {width}x{height} image");
        return NormalizedRect.FromPixels(r.X, r.Y, r.W, r.H, width, height);
    }

    /// <summary>Creates a task, turning option errors (unknown labels...) into one-line user errors.</summary>
    public static T CreateTask<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message);
        }
    }
}
