using System.CommandLine;
using Depthwise.Vision;
using Depthwise.Vision.Codecs;
using Depthwise.Vision.Drawing;
using Depthwise.Vision.Tasks;

namespace Depthwise.Cli;

/// <summary>
/// <c>depthwise embed MODEL IMAGE... [--json] [--raw] [--out FILE]</c>: an L2-normalized feature vector per image
/// (<see cref="ImageEmbedder"/>) and, for two or more images, their pairwise cosine similarities.
/// </summary>
internal static class EmbedCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = VisionCommandOptions.Model("Embedding (feature vector)");
        var images = VisionCommandOptions.Images();
        var raw = new Option<bool>("--raw") { Description = "Keep the model's vectors as they are (no L2 normalization)" };
        var output = new Option<string>("--out")
        {
            HelpName = "FILE",
            Description = $"Write the similarity table as a PNG: thumbnails along the top and side, the cosine similarity in each cell (at most {MaxPictureImages} images)",
        };
        var json = VisionCommandOptions.Json();
        var threads = VisionCommandOptions.Threads();
        var resize = VisionCommandOptions.Resize();
        var jpeg = VisionCommandOptions.Jpeg();
        var cmd = new Command("embed", "Embed images: a feature vector per image and the cosine similarity of every pair") { model, images, raw, output, json, threads, resize, jpeg };
        cmd.SetAction(p => Execute(p.GetValue(model)!, p.GetValue(images)!,
            new ImageEmbedderOptions
            {
                L2Normalize = !p.GetValue(raw),
                Session = VisionCommandOptions.Session(p.GetValue(threads)),
                Interpolation = VisionCommandOptions.Interpolation(p.GetValue(resize)),
            },
            VisionCommandOptions.Decode(p.GetValue(jpeg)), p.GetValue(output), p.GetValue(json), ctx));
        return cmd;
    }

    private static int Execute(string modelArg, string[] imageArgs, ImageEmbedderOptions options, ImageDecodeOptions decode, string? output, bool json, CliContext ctx)
    {
        var files = ImageBatch.Expand(imageArgs, out bool fromFolder);
        bool single = files.Count == 1 && !fromFolder;
        if (output is not null && files.Count > MaxPictureImages)
            throw new CliException($"--out draws at most {MaxPictureImages} images; {files.Count} were given");
        string path = ModelZoo.Resolve(modelArg, ctx);
        var embedder = VisionCommandOptions.CreateTask(() => new ImageEmbedder(path, options));
        // Every embedding is needed before the similarities can be printed.
        var names = new List<string>();
        var embeddings = new List<Embedding>();
        var thumbnails = new List<Image>();
        var progress = fromFolder ? new ProgressBar(ctx.Err, files.Count) : null;
        int failed = 0;
        for (int i = 0; i < files.Count; i++)
        {
            progress?.Update(i, files[i]);
            try
            {
                var image = ImageDecoder.Decode(files[i], decode);
                var embedding = embedder.Embed(image);
                embeddings.Add(embedding);
                names.Add(files[i]);
                if (output is not null) thumbnails.Add(Thumbnail(image, PictureCell));
            }
            catch (Exception e) when (!single && e is DepthwiseException or IOException)
            {
                failed++;
                progress?.Clear();
                ImageBatch.ReportFailure(ctx, json, files[i], e);
            }
        }
        progress?.Finish();
        var similarity = new float[embeddings.Count, embeddings.Count];
        for (int a = 0; a < embeddings.Count; a++)
            for (int b = 0; b < embeddings.Count; b++)
                similarity[a, b] = Embedding.CosineSimilarity(embeddings[a], embeddings[b]);
        if (json) WriteJson(ctx.Out, single, names, embeddings, similarity);
        else WriteText(ctx.Out, names, embeddings, similarity);
        if (output is not null && thumbnails.Count > 0)
        {
            Annotator.DrawSimilarity(thumbnails, similarity, PictureCell).SavePng(output);
            if (!json) ctx.Out.WriteLine($"wrote {output}");
        }
        if (failed > 0)
        {
            ctx.Err.WriteLine($"error: {failed} of {files.Count} images failed");
            return DepthwiseCli.ExitUserError;
        }
        return DepthwiseCli.ExitSuccess;
    }

    /// <summary>The most images --out draws (the picture stays within 16384 px).</summary>
    private const int MaxPictureImages = 100;

    /// <summary>The side of a cell of the --out picture.</summary>
    private const int PictureCell = 160;

    /// <summary>A copy of <paramref name="image"/> no larger than <paramref name="size"/> on its long side (kept so that a folder does not hold every full image).</summary>
    private static Image Thumbnail(Image image, int size)
    {
        float fit = Math.Min(1f, (float)size / Math.Max(image.Width, image.Height));
        int w = Math.Max(1, (int)MathF.Round(image.Width * fit)), h = Math.Max(1, (int)MathF.Round(image.Height * fit));
        var canvas = new Canvas(new Image(w, h, PixelFormat.Rgb24));
        canvas.DrawImage(image, 0, 0, w, h);
        return canvas.Image;
    }

    private static void WriteJson(TextWriter output, bool single, List<string> names, List<Embedding> embeddings, float[,] similarity)
    {
        for (int i = 0; i < embeddings.Count; i++)
        {
            int row = i;
            ImageBatch.WriteJsonObject(output, indented: single, w =>
            {
                if (!single) w.WriteString("image", names[row]);
                w.WriteNumber("dimension", embeddings[row].Dimension);
                w.WriteStartArray("embedding");
                foreach (float v in embeddings[row].Vector) w.WriteNumberValue(v);
                w.WriteEndArray();
                if (!single)
                {
                    // Cosine similarity to every image, in the order of the lines.
                    w.WriteStartArray("cosine_similarity");
                    for (int j = 0; j < embeddings.Count; j++) w.WriteNumberValue(similarity[row, j]);
                    w.WriteEndArray();
                }
            });
        }
    }

    private static void WriteText(TextWriter o, List<string> names, List<Embedding> embeddings, float[,] similarity)
    {
        for (int i = 0; i < embeddings.Count; i++)
        {
            var v = embeddings[i].Vector;
            string head = string.Join(" ", v.Take(6).Select(x => ImageBatch.Format(x, "0.0000")));
            o.WriteLine($"{names[i]}: {v.Length} values, norm {ImageBatch.Format(embeddings[i].Norm, "0.000")}  [{head}{(v.Length > 6 ? " ..." : "")}]");
        }
        if (embeddings.Count < 2) return;
        o.WriteLine();
        o.WriteLine("cosine similarity");
        var short_ = names.Select(Path.GetFileName).ToArray();
        var table = new TextTable(["", .. short_!]).AlignRight([.. Enumerable.Range(1, names.Count)]);
        for (int a = 0; a < names.Count; a++)
            table.Add([short_[a]!, .. Enumerable.Range(0, names.Count).Select(b => ImageBatch.Format(similarity[a, b], "0.000"))]);
        table.Write(o);
    }
}
