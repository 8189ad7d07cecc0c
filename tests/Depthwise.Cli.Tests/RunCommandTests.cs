using Depthwise.Tensors;

namespace Depthwise.Cli.Tests;

public class RunCommandTests
{
    private static float[] Expected(float[] x)
    {
        var bias = TestModels.Bias;
        int n = x.Length / 48;
        var y = new float[x.Length];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < 48; i++) y[b * 48 + i] = Math.Max(0, x[b * 48 + i]) + bias[i];
        return y;
    }

    private static Tensor Input(int batch, int seed)
    {
        var rng = new Random(seed);
        var data = Enumerable.Range(0, batch * 48).Select(_ => rng.NextSingle() * 4 - 2).ToArray();
        return Tensor.FromArray(new Shape(batch, 3, 4, 4), data);
    }

    [Fact]
    public void NamedInputGivesTheExactOutputUnderASanitizedName()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteSmallNet(cli.PathOf("net.onnx"));
        var x = Input(2, 1);   // the batch is dynamic: 2 works as well as the default 1
        Npy.Write(cli.PathOf("x.npy"), x);
        var r = cli.Run("run", model, "--input", "x=" + cli.PathOf("x.npy"), "--output-dir", cli.PathOf("out"));
        Assert.True(r.ExitCode == 0, r.ToString());
        var y = Npy.Read(cli.PathOf("out", "out_logits_0.npy"));
        Assert.Equal(new Shape(2, 48), y.Shape);
        Assert.Equal(Expected(x.ToArray<float>()), y.ToArray<float>());
        Assert.Contains("out/logits:0", r.Out);
        Assert.Contains("wrote 1 output to " + cli.PathOf("out"), r.Err);
    }

    [Fact]
    public void UnnamedInputsGoInModelOrder()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteSmallNet(cli.PathOf("net.onnx"));
        var x = Input(1, 2);
        Npy.Write(cli.PathOf("a=b.npy"), x);   // '=' in a file name: 'a' is no input, so it is a path
        var r = cli.Run("run", model, "-i", cli.PathOf("a=b.npy"), "-o", cli.PathOf("out"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(Expected(x.ToArray<float>()), Npy.Read(cli.PathOf("out", "out_logits_0.npy")).ToArray<float>());
    }

    [Fact]
    public void WithoutInputsItMakesSeededRandomOnesAndSaysSo()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteSmallNet(cli.PathOf("net.onnx"));
        var r1 = cli.Run("run", model, "--output-dir", cli.PathOf("a"));
        var r2 = cli.Run("run", model, "--output-dir", cli.PathOf("b"));
        var r3 = cli.Run("run", model, "--output-dir", cli.PathOf("c"), "--seed", "7");
        Assert.True(r1.ExitCode == 0, r1.ToString());
        Assert.Contains("no --input given: using a random input 'x' float32[1,3,4,4] (uniform [0,1), seed 0)", r1.Err);
        var y = Npy.Read(cli.PathOf("a", "out_logits_0.npy")).ToArray<float>();
        var bias = TestModels.Bias;
        for (int i = 0; i < 48; i++) Assert.InRange(y[i] - bias[i], 0f, 1f);   // relu of [0,1) plus the bias
        Assert.Equal(File.ReadAllBytes(cli.PathOf("a", "out_logits_0.npy")), File.ReadAllBytes(cli.PathOf("b", "out_logits_0.npy")));
        Assert.NotEqual(File.ReadAllBytes(cli.PathOf("a", "out_logits_0.npy")), File.ReadAllBytes(cli.PathOf("c", "out_logits_0.npy")));
    }

    [SkippableFact]
    public void TwoInputNodeTestByPosition()
    {
        TestModels.RequireNodeTests();
        using var cli = new CliRunner();
        var dir = TestModels.CopyNodeTest("test_add_bcast", cli.PathOf("case"));
        var xs = Tensor.FromArray(new Shape(3, 4, 5), Enumerable.Range(0, 60).Select(i => (float)i).ToArray());
        var ys = Tensor.FromArray(new Shape(5), [10f, 20f, 30f, 40f, 50f]);
        Npy.Write(cli.PathOf("x.npy"), xs);
        Npy.Write(cli.PathOf("y.npy"), ys);
        var r = cli.Run("run", dir, "--input", cli.PathOf("x.npy"), "--input", cli.PathOf("y.npy"), "--output-dir", cli.PathOf("out"));
        Assert.True(r.ExitCode == 0, r.ToString());
        var sum = Npy.Read(cli.PathOf("out", "sum.npy")).ToArray<float>();
        Assert.Equal(Enumerable.Range(0, 60).Select(i => i + 10f * (i % 5 + 1)).ToArray(), sum);
        // a named input plus a positional one fills the remaining input
        r = cli.Run("run", dir, "-i", "y=" + cli.PathOf("y.npy"), "-i", cli.PathOf("x.npy"), "-o", cli.PathOf("out2"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(sum, Npy.Read(cli.PathOf("out2", "sum.npy")).ToArray<float>());
    }

    [Theory]
    [InlineData("out/logits:0", "out_logits_0")]
    [InlineData("a b\\c", "a_b_c")]
    [InlineData("ok_name-1.2", "ok_name-1.2")]
    [InlineData("..", "_..")]
    [InlineData("", "_")]
    [InlineData("päd", "p_d")]
    public void OutputFileNamesKeepOnlySafeCharacters(string name, string stem) => Assert.Equal(stem, RunCommand.FileStem(name));

    [Fact]
    public void InputMistakesAreOneLineUserErrors()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteSmallNet(cli.PathOf("net.onnx"));
        Npy.Write(cli.PathOf("x.npy"), Input(1, 1));
        Npy.Write(cli.PathOf("int.npy"), Tensor.FromArray(new Shape(1, 3, 4, 4), new int[48]));
        Npy.Write(cli.PathOf("bad.npy"), Tensor.FromArray(new Shape(1, 3, 4, 5), new float[60]));

        AssertUserError(cli.Run("run", model, "-i", "y=" + cli.PathOf("x.npy")), "no input 'y'");
        AssertUserError(cli.Run("run", model, "-i", cli.PathOf("missing.npy")), "missing.npy");
        AssertUserError(cli.Run("run", model, "-i", cli.PathOf("x.npy"), "-i", cli.PathOf("x.npy")), "every input already has a file");
        AssertUserError(cli.Run("run", model, "-i", "x=" + cli.PathOf("x.npy"), "-i", "x=" + cli.PathOf("x.npy")), "given twice");
        AssertUserError(cli.Run("run", model, "-i", cli.PathOf("int.npy")), "int32");
        AssertUserError(cli.Run("run", model, "-i", cli.PathOf("bad.npy")), "[1,3,4,5]");
        File.WriteAllText(cli.PathOf("junk.npy"), "not numpy");
        AssertUserError(cli.Run("run", model, "-i", cli.PathOf("junk.npy")), "not a .npy file");
    }

    internal static void AssertUserError(CliResult r, string fragment)
    {
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.StartsWith("error: ", r.Err, StringComparison.Ordinal);
        Assert.Contains(fragment, r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", r.Err, StringComparison.Ordinal);
    }
}
