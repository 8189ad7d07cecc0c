using System.Diagnostics;
using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Xunit.Abstractions;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

/// <summary>
/// The layer sequence of MobileNetV2 1.0 at 224×224 (batch-norm folded into conv biases, random weights), built from
/// the neural-net ops: checks the MAC count the published model reports (≈300M) and that the scalar reference
/// kernels run the whole network in reasonable time.
/// </summary>
public class MobileNetV2ShapeTests(ITestOutputHelper output)
{
    private static Graph.Graph Build(out long parameters)
    {
        var g = new Graph.Graph("mobilenetv2");
        long p = 0;
        int seed = 10;
        var x = g.AddInput("input", DataType.Float32, [Dim.Known(1), Dim.Known(3), Dim.Known(224), Dim.Known(224)]);
        int n = 0;
        Value Conv(Value input, int cin, int cout, int k, int stride, int group, bool relu)
        {
            var w = Scaled(Random(seed++, cout, cin / group, k, k), 1f / MathF.Sqrt(cin / group * k * k));
            var b = Scaled(Random(seed++, cout), 0.1f);
            p += w.ElementCount + b.ElementCount;
            int pad = k / 2;
            var node = g.AddNode($"conv{n++}", new ConvOp { Group = group, Strides = [stride, stride], Pads = [pad, pad, pad, pad] },
                [input, g.AddConstant($"w{n}", w), g.AddConstant($"b{n}", b)], [$"c{n}"]);
            if (!relu) return node.Outputs[0];
            return g.AddNode($"relu{n}", new ReluOp(), [node.Outputs[0]], [$"r{n}"]).Outputs[0];
        }

        var h = Conv(x, 3, 32, 3, 2, 1, true);
        int c = 32;
        (int T, int C, int N, int S)[] blocks = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)];
        foreach (var (t, cout, count, s) in blocks)
        {
            for (int i = 0; i < count; i++)
            {
                int stride = i == 0 ? s : 1;
                var y = h;
                int hidden = c * t;
                if (t != 1) y = Conv(y, c, hidden, 1, 1, 1, true);
                y = Conv(y, hidden, hidden, 3, stride, hidden, true);
                y = Conv(y, hidden, cout, 1, 1, 1, false);
                if (stride == 1 && c == cout) y = g.AddNode($"add{n++}", new AddOp(), [h, y], [$"a{n}"]).Outputs[0];
                h = y;
                c = cout;
            }
        }
        h = Conv(h, c, 1280, 1, 1, 1, true);
        h = g.AddNode("pool", new GlobalAveragePoolOp(), [h], ["pooled"]).Outputs[0];
        h = g.AddNode("flatten", new ReshapeOp(), [h, g.AddConstant("shape", Tensor.FromArray(new Shape(2), new long[] { 1, 1280 }))], ["flat"]).Outputs[0];
        var fw = Scaled(Random(seed++, 1000, 1280), 0.03f);
        var fb = Random(seed++, 1000);
        p += fw.ElementCount + fb.ElementCount;
        h = g.AddNode("fc", new GemmOp { TransB = true }, [h, g.AddConstant("fc_w", fw), g.AddConstant("fc_b", fb)], ["logits"]).Outputs[0];
        g.AddOutput(h);
        parameters = p;
        return g;
    }

    private static Tensor Scaled(Tensor t, float k)
    {
        var s = t.AsSpan<float>();
        for (int i = 0; i < s.Length; i++) s[i] *= k;
        return t;
    }

    [Fact]
    public void ReportsPublishedMacsAndParametersAndRuns()
    {
        var graph = Build(out long parameters);
        var session = new InferenceSession(graph, new SessionOptions { EnableProfiling = true });
        var input = Random(99, 1, 3, 224, 224);
        var plan = session.GetPlan([input]);
        Assert.InRange(plan.TotalMacs, 294_000_000L, 306_000_000L);
        Assert.InRange(parameters, 3_430_000L, 3_570_000L);

        var sw = Stopwatch.StartNew();
        var logits = session.Run(input)[0];
        var first = sw.Elapsed;
        sw.Restart();
        session.Run(input);
        output.WriteLine($"MobileNetV2 shapes: {plan.TotalMacs / 1e6:f1}M MACs, {parameters / 1e6:f2}M params; first run {first.TotalMilliseconds:f0} ms, second {sw.Elapsed.TotalMilliseconds:f0} ms");
        foreach (var grp in session.GetProfile().GroupBy(p => p.OpType))
            output.WriteLine($"  {grp.Key}: {grp.Sum(p => p.Total.TotalMilliseconds):f0} ms total");
        Assert.Equal(new Shape(1, 1000), logits.Shape);
        Assert.All(logits.ToArray<float>(), v => Assert.True(float.IsFinite(v)));
    }
}
