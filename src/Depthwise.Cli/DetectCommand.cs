using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Depthwise.Vision;
using Depthwise.Vision.Drawing;
using Depthwise.Vision.Tasks;

namespace Depthwise.Cli;

/// <summary>
/// <c>depthwise detect MODEL IMAGE... [--max-results K] [--score-threshold T] [--labels FILE] [--allow ...]
/// [--deny ...] [--out FILE] [--json]</c>: objects with boxes in image pixels (<see cref="ObjectDetector"/>).
/// </summary>
internal static class DetectCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = VisionCommandOptions.Model("Detection (SSD)");
        var images = VisionCommandOptions.Images();
        var maxResults = new Option<int>("--max-results") { HelpName = "K", Description = "Report at most K objects, best first (0 = all the model gives)", DefaultValueFactory = _ => 0 };
        var threshold = new Option<float?>("--score-threshold") { HelpName = "T", Description = "Drop objects scoring below T (default: the model's metadata; 0.5 for raw SSD outputs)" };
        var labels = new Option<string>("--labels") { HelpName = "FILE", Description = "Class names, one per line (line i = class i), replacing the model's" };
        var allow = new Option<string[]>("--allow") { HelpName = "L1,L2", Description = "Report only these class names", AllowMultipleArgumentsPerToken = false };
        var deny = new Option<string[]>("--deny") { HelpName = "L1,L2", Description = "Never report these class names", AllowMultipleArgumentsPerToken = false };
        var output = new Option<string>("--out") { HelpName = "FILE", Description = "Write the image with boxes and labels as PNG (a folder for several images)" };
        var json = VisionCommandOptions.Json();
        var threads = VisionCommandOptions.Threads();
        var resize = VisionCommandOptions.Resize();
        var jpeg = VisionCommandOptions.Jpeg();
        var cmd = new Command("detect", "Detect objects: class, score and box (pixels) of each")
        {
            model, images, maxResults, threshold, labels, allow, deny, output, json, threads, resize, jpeg,
        };
        cmd.SetAction(p =>
        {
            int k = p.GetValue(maxResults);
            if (k < 0) throw new CliException($"--max-results must be 0 (all) or more, got {k}");
            var options = new ObjectDetectorOptions
            {
                MaxResults = k == 0 ? -1 : k,
                ScoreThreshold = p.GetValue(threshold),
                Labels = VisionCommandOptions.Labels(p.GetValue(labels)),
                AllowLabels = VisionCommandOptions.Names(p.GetValue(allow)),
                DenyLabels = VisionCommandOptions.Names(p.GetValue(deny)),
                Session = VisionCommandOptions.Session(p.GetValue(threads)),
                Interpolation = VisionCommandOptions.Interpolation(p.GetValue(resize)),
            };
            return Execute(p.GetValue(model)!, p.GetValue(images)!, options, VisionCommandOptions.Decode(p.GetValue(jpeg)), p.GetValue(output), p.GetValue(json), ctx);
        });
        return cmd;
    }

    private static int Execute(string modelArg, string[] images, ObjectDetectorOptions options, Vision.Codecs.ImageDecodeOptions decode, string? output, bool json, CliContext ctx)
    {
        ImageBatch.Expand(images, out _);
        string path = ModelZoo.Resolve(modelArg, ctx);
        var detector = VisionCommandOptions.CreateTask(() => new ObjectDetector(path, options));
        return ImageBatch.Run(ctx, images, json, decode, image => detector.Detect(image), WriteJson, WriteText,
            output is null ? null : new ImageOutput<IReadOnlyList<DetectedObject>>("--out", output, Annotator.DrawDetections));
    }

    private static void WriteJson(Utf8JsonWriter w, IReadOnlyList<DetectedObject> objects)
    {
        w.WriteStartArray("detections");
        foreach (var d in objects)
        {
            w.WriteStartObject();
            w.WriteNumber("index", d.Index);
            ImageBatch.WriteNullableString(w, "label", d.Label);
            w.WriteNumber("score", d.Score);
            w.WriteStartObject("box");
            w.WriteNumber("xmin", d.Box.XMin);
            w.WriteNumber("ymin", d.Box.YMin);
            w.WriteNumber("xmax", d.Box.XMax);
            w.WriteNumber("ymax", d.Box.YMax);
            w.WriteEndObject();
            if (d.Keypoints.Count > 0)
            {
                w.WriteStartArray("keypoints");
                foreach (var k in d.Keypoints)
                {
                    w.WriteStartObject();
                    w.WriteNumber("x", k.X);
                    w.WriteNumber("y", k.Y);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteText(TextWriter o, string file, Image image, IReadOnlyList<DetectedObject> objects)
    {
        o.WriteLine($"{file}: {objects.Count} object{(objects.Count == 1 ? "" : "s")} ({image.Width}x{image.Height})");
        if (objects.Count == 0) return;
        var table = new TextTable("index", "label", "score", "xmin", "ymin", "xmax", "ymax").AlignRight(0, 2, 3, 4, 5, 6);
        foreach (var d in objects)
        {
            var b = d.Box;
            table.Add(d.Index.ToString(CultureInfo.InvariantCulture), d.Label ?? "", ImageBatch.Format(d.Score, "0.000"),
                ImageBatch.Format(b.XMin, "0.0"), ImageBatch.Format(b.YMin, "0.0"), ImageBatch.Format(b.XMax, "0.0"), ImageBatch.Format(b.YMax, "0.0"));
        }
        table.Write(o);
    }
}
