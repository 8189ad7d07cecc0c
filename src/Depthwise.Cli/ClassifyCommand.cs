using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Depthwise.Vision;
using Depthwise.Vision.Drawing;
using Depthwise.Vision.Tasks;

namespace Depthwise.Cli;

/// <summary>
/// <c>depthwise classify MODEL IMAGE... [--labels FILE] [--top K] [--score-threshold T] [--roi x,y,w,h]
/// [--allow L1,L2] [--deny ...] [--softmax] [--out FILE] [--json]</c>: the best classes of each image
/// (<see cref="ImageClassifier"/>).
/// </summary>
internal static class ClassifyCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = VisionCommandOptions.Model("Classification");
        var images = VisionCommandOptions.Images();
        var labels = new Option<string>("--labels") { HelpName = "FILE", Description = "Class names, one per line (line i = score i), replacing the model's" };
        var top = new Option<int>("--top") { HelpName = "K", Description = "Report the K best classes (0 = all)", DefaultValueFactory = _ => 5 };
        var threshold = new Option<float?>("--score-threshold") { HelpName = "T", Description = "Drop classes scoring below T (default: the model's metadata, else none)" };
        var roi = new Option<string>("--roi") { HelpName = "x,y,w,h", Description = "Classify only this rectangle (pixels): cropped, then resized to the model" };
        var allow = new Option<string[]>("--allow") { HelpName = "L1,L2", Description = "Report only these class names", AllowMultipleArgumentsPerToken = false };
        var deny = new Option<string[]>("--deny") { HelpName = "L1,L2", Description = "Never report these class names", AllowMultipleArgumentsPerToken = false };
        var softmax = new Option<bool>("--softmax") { Description = "Apply a softmax to the scores first (for models that output logits)" };
        var output = new Option<string>("--out") { HelpName = "FILE", Description = "Write the image with the classes as PNG (a folder for several images)" };
        var json = VisionCommandOptions.Json();
        var threads = VisionCommandOptions.Threads();
        var resize = VisionCommandOptions.Resize();
        var jpeg = VisionCommandOptions.Jpeg();
        var cmd = new Command("classify", "Classify images: the best classes with their scores")
        {
            model, images, labels, top, threshold, roi, allow, deny, softmax, output, json, threads, resize, jpeg,
        };
        cmd.SetAction(p =>
        {
            int k = p.GetValue(top);
            if (k < 0) throw new CliException($"--top must be 0 or more, got {k}");
            var options = new ImageClassifierOptions
            {
                Labels = VisionCommandOptions.Labels(p.GetValue(labels)),
                MaxResults = k == 0 ? -1 : k,
                ScoreThreshold = p.GetValue(threshold),
                AllowLabels = VisionCommandOptions.Names(p.GetValue(allow)),
                DenyLabels = VisionCommandOptions.Names(p.GetValue(deny)),
                Activation = p.GetValue(softmax) ? ScoreActivation.Softmax : ScoreActivation.None,
                Session = VisionCommandOptions.Session(p.GetValue(threads)),
                Interpolation = VisionCommandOptions.Interpolation(p.GetValue(resize)),
            };
            return Execute(p.GetValue(model)!, p.GetValue(images)!, options, VisionCommandOptions.Decode(p.GetValue(jpeg)), VisionCommandOptions.Roi(p.GetValue(roi)), p.GetValue(output), p.GetValue(json), ctx);
        });
        return cmd;
    }

    private static int Execute(string modelArg, string[] images, ImageClassifierOptions options, Vision.Codecs.ImageDecodeOptions decode, (float X, float Y, float W, float H)? roi,
        string? output, bool json, CliContext ctx)
    {
        ImageBatch.Expand(images, out _);
        string path = ModelZoo.Resolve(modelArg, ctx);
        var classifier = VisionCommandOptions.CreateTask(() => new ImageClassifier(path, options));
        return ImageBatch.Run(ctx, images, json, decode,
            image => classifier.Classify(image, VisionCommandOptions.ToRect(roi, image.Width, image.Height)),
            WriteJson, WriteText,
            output is null ? null : new ImageOutput<IReadOnlyList<Classification>>("--out", output, Annotator.DrawClassifications));
    }

    private static void WriteJson(Utf8JsonWriter w, IReadOnlyList<Classification> classes)
    {
        w.WriteStartArray("classes");
        foreach (var c in classes)
        {
            w.WriteStartObject();
            w.WriteNumber("index", c.Index);
            ImageBatch.WriteNullableString(w, "label", c.Label);
            w.WriteNumber("score", c.Score);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteText(TextWriter o, string file, Image image, IReadOnlyList<Classification> classes)
    {
        o.WriteLine(file);
        if (classes.Count == 0)
        {
            o.WriteLine("  (no class passes the filters)");
            return;
        }
        var table = new TextTable("index", "label", "score").AlignRight(0, 2);
        foreach (var c in classes)
            table.Add(c.Index.ToString(CultureInfo.InvariantCulture), c.Label ?? "", ImageBatch.Format(c.Score, "0.0000"));
        table.Write(o);
    }
}
