using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Depthwise.Vision;
using Depthwise.Vision.Drawing;
using Depthwise.Vision.Tasks;

namespace Depthwise.Cli;

/// <summary>
/// <c>depthwise segment MODEL IMAGE... [--out mask.png] [--overlay overlay.png] [--confidence conf.png] [--json]</c>:
/// a class per pixel (<see cref="ImageSegmenter"/>), summarized as pixels per class; the mask PNG is 8-bit gray with
/// pixel value = class index.
/// </summary>
internal static class SegmentCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = VisionCommandOptions.Model("Segmentation");
        var images = VisionCommandOptions.Images();
        var labels = new Option<string>("--labels") { HelpName = "FILE", Description = "Class names, one per line (line i = class i), replacing the model's" };
        var output = new Option<string>("--out") { HelpName = "FILE", Description = "Write the class mask: 8-bit gray PNG, pixel = class index (a folder for several images)" };
        var overlay = new Option<string>("--overlay") { HelpName = "FILE", Description = "Write the image with the classes blended over it, with a legend (PNG)" };
        var confidence = new Option<string>("--confidence") { HelpName = "FILE", Description = "One-channel models: write the foreground confidence, 0..255 gray PNG" };
        var json = VisionCommandOptions.Json();
        var threads = VisionCommandOptions.Threads();
        var resize = VisionCommandOptions.Resize();
        var jpeg = VisionCommandOptions.Jpeg();
        var cmd = new Command("segment", "Segment images: the class of every pixel, pixels per class, mask and overlay PNGs")
        {
            model, images, labels, output, overlay, confidence, json, threads, resize, jpeg,
        };
        cmd.SetAction(p =>
        {
            var options = new ImageSegmenterOptions
            {
                Labels = VisionCommandOptions.Labels(p.GetValue(labels)),
                Session = VisionCommandOptions.Session(p.GetValue(threads)),
                Interpolation = VisionCommandOptions.Interpolation(p.GetValue(resize)),
            };
            return Execute(p.GetValue(model)!, p.GetValue(images)!, options, VisionCommandOptions.Decode(p.GetValue(jpeg)), p.GetValue(output), p.GetValue(overlay), p.GetValue(confidence), p.GetValue(json), ctx);
        });
        return cmd;
    }

    private static int Execute(string modelArg, string[] images, ImageSegmenterOptions options, Vision.Codecs.ImageDecodeOptions decode, string? mask, string? overlay, string? confidence,
        bool json, CliContext ctx)
    {
        ImageBatch.Expand(images, out _);
        string path = ModelZoo.Resolve(modelArg, ctx);
        var segmenter = VisionCommandOptions.CreateTask(() => new ImageSegmenter(path, options));
        if (confidence is not null && segmenter.ClassCount != 2)
            throw new CliException("--confidence needs a one-channel (foreground/background) model; this one has several classes");
        return ImageBatch.Run(ctx, images, json, decode, image => segmenter.Segment(image), WriteJson, WriteText,
            mask is null ? null : new ImageOutput<SegmentationResult>("--out", mask, (_, r) => r.ToCategoryImage()),
            overlay is null ? null : new ImageOutput<SegmentationResult>("--overlay", overlay, (image, r) => Annotator.DrawSegmentation(image, r)),
            confidence is null ? null : new ImageOutput<SegmentationResult>("--confidence", confidence, (_, r) => r.ToConfidenceImage()!));
    }

    private static void WriteJson(Utf8JsonWriter w, SegmentationResult r)
    {
        w.WriteNumber("width", r.Width);
        w.WriteNumber("height", r.Height);
        w.WriteStartArray("classes");
        var counts = r.CountPixels();
        for (int c = 0; c < counts.Length; c++)
        {
            if (counts[c] == 0) continue;
            w.WriteStartObject();
            w.WriteNumber("index", c);
            ImageBatch.WriteNullableString(w, "label", r.LabelOf(c));
            w.WriteNumber("pixels", counts[c]);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteText(TextWriter o, string file, Image image, SegmentationResult r)
    {
        var counts = r.CountPixels();
        int present = counts.Count(n => n > 0);
        o.WriteLine($"{file}: {r.Width}x{r.Height}, {present} class{(present == 1 ? "" : "es")}");
        var table = new TextTable("index", "label", "pixels", "share").AlignRight(0, 2, 3);
        for (int c = 0; c < counts.Length; c++)
        {
            if (counts[c] == 0) continue;
            table.Add(c.ToString(CultureInfo.InvariantCulture), r.LabelOf(c) ?? "", counts[c].ToString(CultureInfo.InvariantCulture),
                ImageBatch.Format(100.0 * counts[c] / r.CategoryMask.Length, "0.0") + "%");
        }
        table.Write(o);
    }
}
