using System.CommandLine;
using System.Diagnostics;
using System.Text;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Cli;

/// <summary>
/// <c>depthwise run MODEL [--input NAME=FILE.npy | --input FILE.npy]... [--output-dir DIR]</c>: runs the model once
/// and writes every output as <c>DIR/&lt;output name&gt;.npy</c>. Without inputs it makes seeded random ones.
/// </summary>
internal static class RunCommand
{
    /// <summary>Default output folder, relative to the current directory.</summary>
    public const string DefaultOutputDir = "outputs";

    public static Command Create(CliContext ctx)
    {
        var model = new Argument<string>("MODEL") { Description = ModelZoo.ArgumentHelp };
        var inputs = new Option<string[]>("--input", "-i")
        {
            Description = "An input as NAME=FILE.npy, or FILE.npy for the next input in model order (repeat for each input). "
                + "Without any, seeded random inputs of the declared shapes (unknown dims = 1) are used",
            HelpName = "NAME=FILE.npy|FILE.npy",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var outputDir = new Option<string>("--output-dir", "-o") { HelpName = "DIR", Description = $"Folder for the outputs (default ./{DefaultOutputDir})" };
        var seed = new Option<int>("--seed") { HelpName = "N", Description = "Seed of the random inputs made when no --input is given", DefaultValueFactory = _ => 0 };
        var cmd = new Command("run", "Run a model once and write its outputs as .npy files") { model, inputs, outputDir, seed };
        cmd.SetAction(p => Execute(p.GetValue(model)!, p.GetValue(inputs) ?? [], p.GetValue(outputDir), p.GetValue(seed), ctx));
        return cmd;
    }

    private static int Execute(string modelArg, string[] inputArgs, string? outputDir, int seed, CliContext ctx)
    {
        string path = ModelZoo.Resolve(modelArg, ctx);
        var session = InferenceSession.Load(path);
        var feeds = inputArgs.Length == 0 ? RandomInputs(session, seed, ctx) : ReadInputs(session, inputArgs);

        var sw = Stopwatch.StartNew();
        session.GetPlan(feeds);   // compile first, so the run time below is the run alone
        double compileSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var outputs = session.Run(feeds);
        double runSeconds = sw.Elapsed.TotalSeconds;

        string dir = outputDir ?? DefaultOutputDir;
        Directory.CreateDirectory(dir);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var table = new TextTable("output", "type", "shape", "file");
        for (int i = 0; i < outputs.Length; i++)
        {
            string stem = FileStem(session.Outputs[i].Name);
            string file = stem + ".npy";
            for (int k = 1; !used.Add(file); k++) file = $"{stem}_{k}.npy";
            string target = Path.Combine(dir, file);
            Npy.Write(target, outputs[i]);
            table.Add(session.Outputs[i].Name, DataTypes.Name(outputs[i].DataType), outputs[i].Shape.ToString(), target);
        }
        ctx.Out.WriteLine($"ran {modelArg} in {Units.Seconds(runSeconds)} (plan compiled in {Units.Seconds(compileSeconds)})");
        table.Write(ctx.Out);
        ctx.Err.WriteLine($"wrote {outputs.Length} output{(outputs.Length == 1 ? "" : "s")} to {Path.GetFullPath(dir)}");
        return DepthwiseCli.ExitSuccess;
    }

    /// <summary>The file name stem for an output: characters outside [A-Za-z0-9_.-] become '_'.</summary>
    internal static string FileStem(string outputName)
    {
        var sb = new StringBuilder(outputName.Length);
        foreach (char c in outputName)
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '_');
        string s = sb.ToString();
        // "", "." and ".." would name no file or a folder; keep them inside DIR.
        return s.Length == 0 || s.All(c => c == '.') ? "_" + s : s;
    }

    internal static Tensor[] ReadInputs(InferenceSession session, string[] inputArgs)
    {
        var names = session.Inputs.Select(i => i.Name).ToArray();
        var feeds = new Tensor?[names.Length];
        var positional = new List<string>();
        foreach (var arg in inputArgs)
        {
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            // NAME=FILE when NAME is an input of the model; otherwise the whole argument is a file name.
            int index = eq > 0 ? Array.IndexOf(names, arg[..eq]) : -1;
            if (index < 0)
            {
                if (eq > 0 && !File.Exists(arg))
                    throw new CliException($"--input {arg}: the model has no input '{arg[..eq]}' (inputs: {string.Join(", ", names)})");
                positional.Add(arg);
                continue;
            }
            if (feeds[index] is not null) throw new CliException($"--input {arg}: input '{names[index]}' is given twice");
            feeds[index] = Npy.Read(arg[(eq + 1)..]);
        }
        int next = 0;
        foreach (var file in positional)
        {
            while (next < feeds.Length && feeds[next] is not null) next++;
            if (next == feeds.Length)
                throw new CliException($"--input {file}: every input already has a file (the model takes {names.Length}: {string.Join(", ", names)})");
            feeds[next] = Npy.Read(file);
        }
        var missing = names.Where((_, i) => feeds[i] is null).ToArray();
        if (missing.Length > 0)
            throw new CliException($"no --input for {string.Join(", ", missing.Select(m => $"'{m}'"))} (give NAME=FILE.npy, or one FILE.npy per input in model order)");
        return feeds.Select(f => f!).ToArray();
    }

    internal static Tensor[] RandomInputs(InferenceSession session, int seed, CliContext ctx)
    {
        var shapes = session.DefaultInputShapes();
        var rng = new Random(seed);
        var feeds = new Tensor[shapes.Length];
        for (int i = 0; i < feeds.Length; i++)
        {
            var info = session.Inputs[i];
            feeds[i] = RandomTensor(info.DataType, shapes[i], rng, info.Name);
            string range = DataTypes.IsFloat(info.DataType) ? "uniform [0,1)" : info.DataType == DataType.Bool ? "random true/false" : "integers in [0,4)";
            ctx.Err.WriteLine($"no --input given: using a random input '{info.Name}' {DataTypes.Name(info.DataType)}{shapes[i]} ({range}, seed {seed})");
        }
        return feeds;
    }

    /// <summary>A tensor of random values: floats uniform in [0,1), integers in [0,4) (small enough to be valid indices and sizes), bools 0/1.</summary>
    internal static Tensor RandomTensor(DataType type, Shape shape, Random rng, string name)
    {
        var t = Tensor.Zeros(type, shape);
        switch (type)
        {
            case DataType.Float32: foreach (ref var x in t.AsSpan<float>()) x = rng.NextSingle(); break;
            case DataType.Float16: foreach (ref var x in t.AsSpan<Half>()) x = (Half)rng.NextSingle(); break;
            case DataType.UInt8: foreach (ref var x in t.AsSpan<byte>()) x = (byte)rng.Next(4); break;
            case DataType.Int8: foreach (ref var x in t.AsSpan<sbyte>()) x = (sbyte)rng.Next(4); break;
            case DataType.Int32: foreach (ref var x in t.AsSpan<int>()) x = rng.Next(4); break;
            case DataType.Int64: foreach (ref var x in t.AsSpan<long>()) x = rng.Next(4); break;
            case DataType.Bool: foreach (ref var x in t.Bytes.Span) x = (byte)rng.Next(2); break;
            default: throw new CliException($"cannot make a random value for input '{name}' of type {DataTypes.Name(type)}; pass --input");
        }
        return t;
    }
}
