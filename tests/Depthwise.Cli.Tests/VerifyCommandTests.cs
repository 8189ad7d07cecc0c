using System.Text.Json;

namespace Depthwise.Cli.Tests;

public class VerifyCommandTests
{
    /// <summary>A folder of three cases: one passes, one has a wrong expected output, one uses an operator we lack.</summary>
    private static string MakeSuite(CliRunner cli)
    {
        var suite = cli.PathOf("suite");
        TestModels.CopyNodeTest("test_relu", Path.Combine(suite, "a_relu"));
        var bad = TestModels.CopyNodeTest("test_relu", Path.Combine(suite, "b_wrong_expectation"));
        // Expect relu(x) == x: wrong wherever x < 0.
        File.Copy(Path.Combine(bad, "test_data_set_0", "input_0.pb"), Path.Combine(bad, "test_data_set_0", "output_0.pb"), overwrite: true);
        TestModels.CopyNodeTest("test_cos", Path.Combine(suite, "c_cos"));
        Directory.CreateDirectory(Path.Combine(suite, "not_a_case"));
        return suite;
    }

    [SkippableFact]
    public void ReportsEachCaseAndTheTotalsAndFailsWhenOneFails()
    {
        TestModels.RequireNodeTests();
        using var cli = new CliRunner();
        var suite = MakeSuite(cli);
        var r = cli.Run("verify", suite, "--json", cli.PathOf("report.json"));
        Assert.True(r.ExitCode == 1, r.ToString());
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Equal("PASS a_relu", lines[0]);
        Assert.StartsWith("FAIL b_wrong_expectation: test_data_set_0: output 0 ('y'): element ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("SKIP c_cos: ", lines[2], StringComparison.Ordinal);
        Assert.Contains("Cos", lines[2], StringComparison.Ordinal);
        Assert.Equal("1 passed, 1 failed, 1 skipped", lines[3]);

        using var doc = JsonDocument.Parse(File.ReadAllText(cli.PathOf("report.json")));
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("passed").GetInt32());
        Assert.Equal(1, root.GetProperty("failed").GetInt32());
        Assert.Equal(1, root.GetProperty("skipped").GetInt32());
        var cases = root.GetProperty("cases");
        Assert.Equal(3, cases.GetArrayLength());
        Assert.Equal("pass", cases[0].GetProperty("status").GetString());
        Assert.Equal(0, cases[0].GetProperty("maxAbsError").GetDouble());
        Assert.Equal("fail", cases[1].GetProperty("status").GetString());
        Assert.True(cases[1].GetProperty("maxAbsError").GetDouble() > 0);
        Assert.Equal(Path.Combine(suite, "c_cos"), cases[2].GetProperty("path").GetString());
    }

    [SkippableFact]
    public void SeveralFoldersAndSingleCasesPassWithExitZero()
    {
        TestModels.RequireNodeTests();
        using var cli = new CliRunner();
        var r = cli.Run("verify", Path.Combine(TestModels.NodeTests, "test_add_bcast"), Path.Combine(TestModels.NodeTests, "test_relu"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("PASS test_add_bcast\nPASS test_relu\n2 passed, 0 failed, 0 skipped\n", r.Out.ReplaceLineEndings("\n"));
    }

    [SkippableFact]
    public void ToleranceOptionsReachTheRunner()
    {
        TestModels.RequireNodeTests();
        using var cli = new CliRunner();
        var suite = MakeSuite(cli);
        // relu(x) vs x differs by at most |min(x,0)| < 10 for these inputs: a huge atol makes the wrong case pass.
        var r = cli.Run("verify", Path.Combine(suite, "b_wrong_expectation"), "--atol", "10");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [SkippableFact]
    public void JsonWithoutAFilePrintsTheObjectInsteadOfTheText()
    {
        TestModels.RequireNodeTests();
        using var cli = new CliRunner();
        var r = cli.Run("verify", Path.Combine(TestModels.NodeTests, "test_relu"), "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(1, doc.RootElement.GetProperty("passed").GetInt32());
        Assert.Equal("test_relu", doc.RootElement.GetProperty("cases")[0].GetProperty("name").GetString());
    }

    [Fact]
    public void FoldersWithoutCasesAreUserErrors()
    {
        using var cli = new CliRunner();
        RunCommandTests.AssertUserError(cli.Run("verify", cli.PathOf("nope")), "no such folder");
        Directory.CreateDirectory(cli.PathOf("empty"));
        RunCommandTests.AssertUserError(cli.Run("verify", cli.PathOf("empty")), "holds none");
        RunCommandTests.AssertUserError(cli.Run("verify"), "DIR");
    }
}
