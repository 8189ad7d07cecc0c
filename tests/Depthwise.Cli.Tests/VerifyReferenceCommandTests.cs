using System.Text.Json;
using Depthwise.Tensors;

namespace Depthwise.Cli.Tests;

/// <summary>
/// <c>depthwise verify MODEL --expected DIR [--inputs DIR]</c> on <see cref="TestModels.WriteTwoOutputNet"/>: a uint8
/// Identity (quantized rule) and a float Relu (float rule), with expected outputs computed here by hand and then
/// perturbed on purpose.
/// </summary>
public class VerifyReferenceCommandTests
{
    private static readonly float[] F = [-1f, 2f, -3f, 4f, -5f, 6f];

    private static byte[] Q() => Enumerable.Range(0, 1000).Select(i => (byte)(i * 7 % 256)).ToArray();

    /// <summary>Writes the inputs and the hand-computed outputs (Identity, Relu) into a new folder <paramref name="name"/>.</summary>
    private static string WriteCase(CliRunner cli, string name = "case", Action<byte[]>? changeQ = null, Action<float[]>? changeF = null)
    {
        var dir = cli.PathOf(name);
        Directory.CreateDirectory(dir);
        var q = Q();
        Npy.Write(Path.Combine(dir, "input_0.npy"), Tensor.FromArray(new Shape(1, 1000), q));
        Npy.Write(Path.Combine(dir, "input_1.npy"), Tensor.FromArray(new Shape(2, 3), F));
        var qOut = (byte[])q.Clone();
        var fOut = F.Select(v => Math.Max(v, 0f)).ToArray();
        changeQ?.Invoke(qOut);
        changeF?.Invoke(fOut);
        Npy.Write(Path.Combine(dir, "output_0.npy"), Tensor.FromArray(new Shape(1, 1000), qOut));
        Npy.Write(Path.Combine(dir, "output_1.npy"), Tensor.FromArray(new Shape(2, 3), fOut));
        return dir;
    }

    private static string Model(CliRunner cli) => TestModels.WriteTwoOutputNet(cli.PathOf("two.onnx"));

    private static string[] Lines(CliResult r) => r.Out.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void PassesWhenEveryOutputIsWithinItsRule()
    {
        using var cli = new CliRunner();
        // 5 of 1000 quantized values one step off (99.5 % equal); the float output off by 1e-5 of its max 6.
        var dir = WriteCase(cli, changeQ: q => { for (int i = 0; i < 5; i++) q[i * 100 + 3]++; }, changeF: f => f[5] += 6e-5f);
        var r = cli.Run("verify", Model(cli), "--expected", dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = Lines(r);
        Assert.StartsWith("model ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("inputs ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("expected ", lines[2], StringComparison.Ordinal);
        Assert.Matches(@"^\s+0\s+q_out\s+uint8\s+\[1,1000\]\s+PASS\s+max \|diff\| 1, 99\.50 % equal", lines[4]);
        Assert.Matches(@"^\s+1\s+f_out\s+float32\s+\[2,3\]\s+PASS\s+max abs err 6\.\d+e-05 = 1e-05 × max\|expected\| 6", lines[5]);
        Assert.StartsWith("PASS: 2 of 2 outputs agree with the reference", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void AQuantizedValueTwoStepsAwayFails()
    {
        using var cli = new CliRunner();
        var dir = WriteCase(cli, changeQ: q => q[17] = (byte)(q[17] + 2));
        var r = cli.Run("verify", Model(cli), "--expected", dir);
        Assert.True(r.ExitCode == 1, r.ToString());
        var lines = Lines(r);
        Assert.Matches(@"q_out\s+uint8\s+\[1,1000\]\s+FAIL\s+max \|diff\| 2, 99\.90 % equal .*; worst at \[0,17\]: expected 121, got 119$", lines[4]);
        Assert.Contains("PASS", lines[5], StringComparison.Ordinal);
        Assert.StartsWith("FAIL: 1 of 2 outputs disagree", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void TooManyQuantizedValuesOneStepAwayFail()
    {
        using var cli = new CliRunner();
        var dir = WriteCase(cli, changeQ: q => { for (int i = 0; i < 11; i++) q[i * 90] ^= 1; });   // 98.9 % equal
        var r = cli.Run("verify", Model(cli), "--expected", dir);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("max |diff| 1, 98.90 % equal", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void FloatToleranceIsRelativeToTheLargestValueAndCanBeChanged()
    {
        using var cli = new CliRunner();
        var dir = WriteCase(cli, changeF: f => f[1] += 1e-3f);   // 1.7e-4 of max 6
        var model = Model(cli);
        var r = cli.Run("verify", model, "--expected", dir);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Matches(@"f_out\s+float32\s+\[2,3\]\s+FAIL\s+max abs err 0\.001 = 0\.000167 × max\|expected\| 6 \(allowed 0\.0001\); worst at \[0,1\]: expected 2\.001, got 2$", Lines(r)[5]);
        var lenient = cli.Run("verify", model, "--expected", dir, "--tolerance", "1e-3");
        Assert.True(lenient.ExitCode == 0, lenient.ToString());
        Assert.Contains("(allowed 0.001)", lenient.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void InputsMayComeFromAnotherFolder()
    {
        using var cli = new CliRunner();
        var inputs = WriteCase(cli, "inputs");
        var expected = WriteCase(cli, "expected");
        File.Delete(Path.Combine(expected, "input_0.npy"));
        File.Delete(Path.Combine(expected, "input_1.npy"));
        var r = cli.Run("verify", Model(cli), "--inputs", inputs, "--expected", expected);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("inputs    " + inputs, r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonGoesToStdoutInsteadOfTheTextOrToAFile()
    {
        using var cli = new CliRunner();
        var dir = WriteCase(cli, changeQ: q => q[17] = (byte)(q[17] + 2));
        var model = Model(cli);
        var r = cli.Run("verify", model, "--expected", dir, "--json");
        Assert.True(r.ExitCode == 1, r.ToString());
        using (var doc = JsonDocument.Parse(r.Out))
        {
            var root = doc.RootElement;
            Assert.False(root.GetProperty("passed").GetBoolean());
            Assert.Equal(1, root.GetProperty("outputs_passed").GetInt32());
            Assert.Equal(1, root.GetProperty("outputs_failed").GetInt32());
            Assert.Equal(1e-4, root.GetProperty("tolerance").GetProperty("relative").GetDouble());
            var q = root.GetProperty("outputs")[0];
            Assert.Equal("q_out", q.GetProperty("name").GetString());
            Assert.Equal("uint8", q.GetProperty("dtype").GetString());
            Assert.Equal("quantized", q.GetProperty("rule").GetString());
            Assert.Equal(2, q.GetProperty("max_abs_diff").GetDouble());
            Assert.Equal(0.999, q.GetProperty("exact_fraction").GetDouble(), 9);
            Assert.Equal(17, q.GetProperty("worst_index").GetInt32());
            Assert.Equal([1, 1000], q.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
            var f = root.GetProperty("outputs")[1];
            Assert.Equal("relative_float", f.GetProperty("rule").GetString());
            Assert.True(f.GetProperty("passed").GetBoolean());
            Assert.Equal(6, f.GetProperty("scale").GetDouble());
        }
        var toFile = cli.Run("verify", model, "--expected", dir, "--json", cli.PathOf("r.json"));
        Assert.Contains("FAIL: 1 of 2 outputs disagree", toFile.Out, StringComparison.Ordinal);
        using var file = JsonDocument.Parse(File.ReadAllText(cli.PathOf("r.json")));
        Assert.Equal(2, file.RootElement.GetProperty("outputs").GetArrayLength());
    }

    [Fact]
    public void ShapesTypesAndOutputCountsMustAgree()
    {
        using var cli = new CliRunner();
        var model = Model(cli);
        var dir = WriteCase(cli);
        Npy.Write(Path.Combine(dir, "output_1.npy"), Tensor.FromArray(new Shape(6), F.Select(v => Math.Max(v, 0f)).ToArray()));
        var shape = cli.Run("verify", model, "--expected", dir);
        Assert.True(shape.ExitCode == 1, shape.ToString());
        Assert.Contains("shape differs: expected [6], got [2,3]", shape.Out, StringComparison.Ordinal);

        Npy.Write(Path.Combine(dir, "output_1.npy"), Tensor.FromArray(new Shape(2, 3), new byte[6]));
        var type = cli.Run("verify", model, "--expected", dir);
        Assert.Contains("type differs: expected uint8, got float32", type.Out, StringComparison.Ordinal);

        var extra = WriteCase(cli, "extra");
        Npy.Write(Path.Combine(extra, "output_2.npy"), Tensor.FromArray(new Shape(1), new float[1]));
        var count = cli.Run("verify", model, "--expected", extra);
        Assert.True(count.ExitCode == 1, count.ToString());
        Assert.Contains("the reference has 3 outputs (output_0.npy … output_2.npy), the model makes 2", count.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void MetaJsonNamesTheReferenceRuntimeAndAModelMismatchIsNoted()
    {
        using var cli = new CliRunner();
        var dir = WriteCase(cli);
        File.WriteAllText(Path.Combine(dir, "meta.json"),
            """{"model": {"sha256": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}, "runtime": {"name": "tfjs-tflite", "package": "@tensorflow/tfjs-tflite@0.0.1-alpha.10"}}""");
        var r = cli.Run("verify", Model(cli), "--expected", dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("(made by tfjs-tflite, @tensorflow/tfjs-tflite@0.0.1-alpha.10)", r.Out, StringComparison.Ordinal);
        Assert.Contains("note: the references in", r.Err, StringComparison.Ordinal);
        Assert.Contains("sha256 001122334455…", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void MisuseIsAUserError()
    {
        using var cli = new CliRunner();
        var model = Model(cli);
        var dir = WriteCase(cli);
        File.Delete(Path.Combine(dir, "input_1.npy"));
        RunCommandTests.AssertUserError(cli.Run("verify", model, "--expected", dir), "no input_1.npy in");
        RunCommandTests.AssertUserError(cli.Run("verify", model, "--expected", cli.PathOf("nope")), "no such folder");
        Directory.CreateDirectory(cli.PathOf("empty"));
        RunCommandTests.AssertUserError(cli.Run("verify", model, "--expected", cli.PathOf("empty")), "holds no output_0.npy");
        RunCommandTests.AssertUserError(cli.Run("verify", model, model, "--expected", dir), "one MODEL");
        RunCommandTests.AssertUserError(cli.Run("verify", model, "--inputs", dir), "--inputs needs --expected");
        RunCommandTests.AssertUserError(cli.Run("verify", model, "--expected", dir, "--rtol", "0.1"), "--tolerance");
        RunCommandTests.AssertUserError(cli.Run("verify", dir, "--tolerance", "0.1"), "--tolerance applies with --expected");
        RunCommandTests.AssertUserError(cli.Run("verify", model, "--expected", dir, "--tolerance", "-1"), "non-negative");
        RunCommandTests.AssertUserError(cli.Run("verify", cli.PathOf("missing.onnx"), "--expected", WriteCase(cli, "ok")), "no such model file");
    }
}
