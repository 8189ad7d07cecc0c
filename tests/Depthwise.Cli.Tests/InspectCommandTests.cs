using System.Text.Json;

namespace Depthwise.Cli.Tests;

public class InspectCommandTests
{
    [Fact]
    public void PrintsInputsOutputsOpsParametersAndPlan()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteSmallNet(cli.PathOf("net.onnx"));
        var r = cli.Run("inspect", model);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"input\s+x\s+float32\s+\[N,3,4,4\]", r.Out);
        Assert.Matches(@"output\s+out/logits:0\s+float32\s+\[N,48\]", r.Out);
        Assert.Contains("3 nodes, 3 types", r.Out);
        Assert.Matches(@"\n\s+Add\s+1\n", r.Out);
        Assert.Matches(@"\n\s+Relu\s+1\n", r.Out);
        // shape: 2 int64 (16 bytes) + bias: 48 float32 (192 bytes)
        Assert.Contains("parameters  50 (208 B in 2 constant tensors)", r.Out);
        Assert.Contains("for input shapes [1,3,4,4] (unknown dims = 1)", r.Out);
        Assert.Matches(@"\n\s+0\s+relu\s+Relu\s+\[1,3,4,4\]\s+0\n", r.Out);
        Assert.Matches(@"\n\s+2\s+classifier\s+Add\s+\[1,48\]\s+0\n", r.Out);
        Assert.Contains("MACs        0 (0)", r.Out);
        Assert.Matches(@"activations [\d,]+ bytes \(.*\) arena; lifetime lower bound [\d,]+ bytes", r.Out);
        Assert.Equal("", r.Err);
    }

    [Fact]
    public void JsonIsOneObjectWithTheSameFacts()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteSmallNet(cli.PathOf("net.onnx"));
        var r = cli.Run("inspect", model, "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal(14, root.GetProperty("opset").GetInt32());
        var input = root.GetProperty("inputs")[0];
        Assert.Equal("x", input.GetProperty("name").GetString());
        Assert.Equal("float32", input.GetProperty("type").GetString());
        Assert.Equal("""["N",3,4,4]""", input.GetProperty("shape").GetRawText().Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal));
        Assert.Equal("out/logits:0", root.GetProperty("outputs")[0].GetProperty("name").GetString());
        Assert.Equal(3, root.GetProperty("nodes").GetInt32());
        Assert.Equal(1, root.GetProperty("ops").GetProperty("Reshape").GetInt32());
        Assert.Equal(50, root.GetProperty("parameters").GetProperty("count").GetInt64());
        Assert.Equal(208, root.GetProperty("parameters").GetProperty("bytes").GetInt64());
        var plan = root.GetProperty("plan");
        Assert.Equal(3, plan.GetProperty("steps").GetArrayLength());
        Assert.Equal("classifier", plan.GetProperty("steps")[2].GetProperty("node").GetString());
        Assert.Equal(48, plan.GetProperty("steps")[2].GetProperty("outputShapes")[0][1].GetInt32());
        Assert.Equal(0, plan.GetProperty("totalMacs").GetInt64());
        long arena = plan.GetProperty("arenaBytes").GetInt64(), bound = plan.GetProperty("arenaLowerBoundBytes").GetInt64();
        // Relu's and Reshape's outputs (192 bytes each, padded) are both alive while Reshape runs.
        Assert.True(bound >= 2 * 192 && arena >= bound, $"arena {arena}, bound {bound}");
    }

    [SkippableFact]
    public void AcceptsATestCaseFolderAndCountsNodeTestModels()
    {
        TestModels.RequireNodeTests();
        using var cli = new CliRunner();
        var r = cli.Run("inspect", Path.Combine(TestModels.NodeTests, "test_add_bcast"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"input\s+y\s+float32\s+\[5\]", r.Out);
        Assert.Contains("parameters  0 (0 B in 0 constant tensors)", r.Out);
    }

    [Fact]
    public void AModelWhosePlanCannotCompileStillShowsWhatItCanAndFailsWithOneLine()
    {
        using var cli = new CliRunner();
        var model = TestModels.WriteSmallNet(cli.PathOf("net.onnx"), reshapeTo: [5, -1]);   // 48 elements do not split by 5
        var r = cli.Run("inspect", model);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("3 nodes, 3 types", r.Out);
        Assert.Contains("not available: node 'flatten' (Reshape)", r.Out);
        Assert.StartsWith("error: cannot compile a plan for input shapes [1,3,4,4]: node 'flatten' (Reshape)", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);

        r = cli.Run("inspect", model, "--json");
        Assert.True(r.ExitCode == 2, r.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(r.Out);
        Assert.Contains("flatten", doc.RootElement.GetProperty("plan").GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
