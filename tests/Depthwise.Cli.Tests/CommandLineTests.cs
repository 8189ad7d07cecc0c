namespace Depthwise.Cli.Tests;

public class CommandLineTests
{
    [Fact]
    public void NoArgumentsPrintsHelp()
    {
        using var cli = new CliRunner();
        var r = cli.Run();
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("depthwise [command] [options]", r.Out);
        foreach (var c in new[] { "inspect", "run", "verify" }) Assert.Contains(c, r.Out);
    }

    [Fact]
    public void CommandHelpNamesItsOptions()
    {
        using var cli = new CliRunner();
        var r = cli.Run("run", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("--input", r.Out);
        Assert.Contains("--output-dir", r.Out);
    }

    [Fact]
    public void UnknownCommandsAndOptionsAreUsageErrors()
    {
        using var cli = new CliRunner();
        var r = cli.Run("frobnicate");
        RunCommandTests.AssertUserError(r, "frobnicate");
        Assert.Contains("usage: depthwise --help", r.Err);
        r = cli.Run("inspect", "m.onnx", "--bogus");
        RunCommandTests.AssertUserError(r, "--bogus");
        Assert.Contains("usage: depthwise inspect --help", r.Err);
    }

    [Fact]
    public void MissingAndCorruptModelsAreOneLineErrors()
    {
        using var cli = new CliRunner();
        RunCommandTests.AssertUserError(cli.Run("inspect", cli.PathOf("missing.onnx")), "no such model file");
        File.WriteAllBytes(cli.PathOf("junk.onnx"), [0x0a, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3]);
        RunCommandTests.AssertUserError(cli.Run("inspect", cli.PathOf("junk.onnx")), "junk.onnx");
        RunCommandTests.AssertUserError(cli.Run("run", cli.PathOf("junk.onnx")), "junk.onnx");
    }

    [SkippableFact]
    public void UnsupportedOperatorsAreOneLineErrors()
    {
        TestModels.RequireNodeTests();
        using var cli = new CliRunner();
        RunCommandTests.AssertUserError(cli.Run("run", Path.Combine(TestModels.NodeTests, "test_cos")), "'ai.onnx::Cos' (opset 7) is not supported");
    }
}
