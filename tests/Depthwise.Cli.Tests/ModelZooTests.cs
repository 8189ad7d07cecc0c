namespace Depthwise.Cli.Tests;

public class ModelZooTests
{
    [Fact]
    public void AZooNameUsesTheCachedExport()
    {
        using var cli = new CliRunner();
        cli.Home = cli.PathOf("home");
        Directory.CreateDirectory(cli.PathOf("home", ".cache", "models"));
        TestModels.WriteSmallNet(cli.PathOf("home", ".cache", "models", "mobilenet_v2.onnx"));
        var r = cli.Run("inspect", "mobilenet_v2");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(cli.PathOf("home", ".cache", "models", "mobilenet_v2.onnx"), r.Out);
        Assert.Equal("", r.Err);   // no export, no progress line
    }

    [Fact]
    public void AZooNameWithoutTheExporterSaysWhatIsMissing()
    {
        using var cli = new CliRunner();
        cli.Home = cli.PathOf("home");
        Directory.CreateDirectory(cli.Home);
        RunCommandTests.AssertUserError(cli.Run("inspect", "efficientnet_b0"), Path.Combine("tools", "export_torchvision.py"));
        Assert.False(Directory.Exists(cli.PathOf("home", ".cache", "models", "efficientnet_b0.onnx")));
    }

    [Fact]
    public void AnUnknownNameListsTheZoo()
    {
        using var cli = new CliRunner();
        RunCommandTests.AssertUserError(cli.Run("inspect", "resnet50"), "mobilenet_v3_small");
    }

    [Fact]
    public void TheHomeIsFoundAboveTheExecutable()
    {
        // The test assembly lives under tests/Depthwise.Cli.Tests/bin/... in the repository, like the CLI under .build/cli.
        var home = DepthwiseHome.Find(new CliContext(TextWriter.Null, TextWriter.Null));
        Assert.True(File.Exists(Path.Combine(home, "test.sh")), home);
        Assert.True(File.Exists(Path.Combine(home, "Depthwise.slnx")), home);
    }
}
