namespace Depthwise.Conformance;

public class ConformanceDocTests
{
    private const string Sample = """
        # Title
        | op | note |
        |----|------|
        | Relu | not this table |

        | Test | Reason |
        |------|--------|
        | `test_cast_DOUBLE_to_FLOAT` | double is not a Depthwise type |
        | test_max_uint* | uint16/32/64 are not Depthwise types |

        | test_after_table | ignored: the table ended at the blank line |
        """;

    [Fact]
    public void ReadsTheTestReasonTableOnly()
    {
        var list = ConformanceDoc.ReadExclusions(Sample);
        Assert.Equal(["test_cast_DOUBLE_to_FLOAT", "test_max_uint*"], list.Patterns.Order(StringComparer.Ordinal));
        Assert.Equal("double is not a Depthwise type", list.Reasons["test_cast_DOUBLE_to_FLOAT"]);
        Assert.True(list.Matches("test_cast_DOUBLE_to_FLOAT"));
        Assert.False(list.Matches("test_cast_DOUBLE_to_FLOAT16"));
        Assert.True(list.Matches("test_max_uint16"));
        Assert.False(list.Matches("test_max_int16"));
        Assert.False(list.Matches("test_after_table"));
    }

    [Fact]
    public void RejectsDuplicatesMissingReasonsAndAMissingTable()
    {
        Assert.Throws<InvalidDataException>(() => ConformanceDoc.ReadExclusions("| test | reason |\n|--|--|\n| a | x |\n| a | y |\n"));
        Assert.Throws<InvalidDataException>(() => ConformanceDoc.ReadExclusions("| test | reason |\n|--|--|\n| a |  |\n"));
        Assert.Throws<InvalidDataException>(() => ConformanceDoc.ReadExclusions("no table here\n"));
    }

    [Fact]
    public void TheRepositoryDocParses()
    {
        var list = ConformanceDoc.ReadExclusions(File.ReadAllText(ConformanceDoc.Path));
        Assert.All(list.Patterns, p => Assert.StartsWith("test_", p, StringComparison.Ordinal));
    }
}
