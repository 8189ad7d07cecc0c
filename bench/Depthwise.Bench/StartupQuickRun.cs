using System.Diagnostics;
using System.Globalization;
using Depthwise.Formats;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Bench;

/// <summary>
/// `startup-quick MODEL [rounds]`: the steps of a cold start — read the file, import, optimize, compile the plan, first
/// run — repeated in one warm process, so that what is left of `depthwise bench`'s cold figures once every method is
/// compiled shows (the difference is the JIT and first-touch cost). Prints the median of each step.
/// </summary>
internal static class StartupQuickRun
{
    public static void Run(string model, int rounds)
    {
        var read = new List<double>();
        var import = new List<double>();
        var session = new List<double>();
        var compile = new List<double>();
        var first = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var sw = Stopwatch.StartNew();
            var bytes = File.ReadAllBytes(model);
            read.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            var graph = ModelLoader.Load(bytes, model);
            import.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            var s = new InferenceSession(graph, new SessionOptions { BackgroundWarmup = false });
            session.Add(sw.Elapsed.TotalMilliseconds);
            var feeds = s.DefaultInputShapes().Select((shape, i) => Tensor.Zeros(s.Inputs[i].DataType, shape)).ToArray();
            sw.Restart();
            var plan = s.GetPlan(feeds);
            compile.Add(sw.Elapsed.TotalMilliseconds);
            var outputs = Enumerable.Range(0, plan.OutputShapes.Count).Select(i => Tensor.Zeros(plan.OutputTypes[i], plan.OutputShapes[i])).ToArray();
            sw.Restart();
            s.Run(feeds, outputs);
            first.Add(sw.Elapsed.TotalMilliseconds);
        }
        static string Median(List<double> xs, int skip)
        {
            var sorted = xs.Skip(skip).Order().ToArray();
            return sorted[sorted.Length / 2].ToString("F1", CultureInfo.InvariantCulture);
        }
        Console.WriteLine($"{model}: {rounds} rounds; cold = round 1, warm = median of the others (ms)");
        Console.WriteLine("step                 cold    warm");
        foreach (var (name, xs) in new[] { ("read file", read), ("import", import), ("optimize (session)", session), ("compile plan", compile), ("first run", first) })
            Console.WriteLine($"{name,-18} {xs[0],7:F1} {Median(xs, 1),7}");
    }
}
