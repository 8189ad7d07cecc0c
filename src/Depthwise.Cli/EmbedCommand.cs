using System.CommandLine;
using Depthwise.Vision.Codecs;
using Depthwise.Vision.Tasks;

namespace Depthwise.Cli;

/// <summary>
/// <c>depthwise embed MODEL IMAGE... [--json] [--raw]</c>: an L2-normalized feature vector per image
/// (<see cref="ImageEmbedder"/>) and, for two or more images, their pairwise cosine similarities.
/// </summary>
internal static class EmbedCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = VisionCommandOptions.Model("Embedding (feature vector)");
        var images = VisionCommandOptions.Images();
        var raw = new Option<bool>("--raw") { Description = "Keep the model's vectors as they are (no L2 normalization)" };
        var json = VisionCommandOptions.Json();
        var threads = VisionCommandOptions.Threads();
        var cmd = new Command("embed", "Embed images: a feature vector per image and the cosine similarity of every pair") { model, images, raw, json, threads };
        cmd.SetAction(p => Execute(p.GetValue(model)!, p.GetValue(images)!,
            new ImageEmbedderOptions { L2Normalize = !p.GetValue(raw), Session = VisionCommandOptions.Session(p.GetValue(threads)) }, p.GetValue(json), ctx));
        return cmd;
    }

    private static int Execute(string modelArg, string[] imageArgs, ImageEmbedderOptions options, bool json, CliContext ctx)
    {
        var files = ImageBatch.Expand(imageArgs, out bool fromFolder);
        bool single = files.Count == 1 && !fromFolder;
        string path = ModelZoo.Resolve(modelArg, ctx);
        var embedder = VisionCommandOptions.CreateTask(() => new ImageEmbedder(path, options));
        // Every embedding is needed before the similarities can be printed.
        var names = new List<string>();
        var embeddings = new List<Embedding>();
        var progress = fromFolder ? new ProgressBar(ctx.Err, files.Count) : null;
        int failed = 0;
        for (int i = 0; i < files.Count; i++)
        {
            progress?.Update(i, files[i]);
            try
            {
                embeddings.Add(embedder.Embed(ImageDecoder.Decode(files[i])));
                names.Add(files[i]);
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
        if (failed > 0)
        {
            ctx.Err.WriteLine($"error: {failed} of {files.Count} images failed");
            return DepthwiseCli.ExitUserError;
        }
        return DepthwiseCli.ExitSuccess;
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
