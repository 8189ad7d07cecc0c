using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

public class GlobalAveragePoolOpTests
{
    [Theory]
    [InlineData(new[] { 1, 3, 5, 5 })]
    [InlineData(new[] { 2, 17, 7, 3 })]
    [InlineData(new[] { 2, 5, 1, 1 })]
    [InlineData(new[] { 1, 4, 9 })]
    [InlineData(new[] { 2, 3, 2, 3, 4 })]
    public void AveragesEachPlane(int[] dims)
    {
        var x = Random(41, dims);
        var xs = x.ToArray<float>();
        int plane = Count(dims[2..]);
        var expected = Enumerable.Range(0, dims[0] * dims[1]).Select(p => (float)xs.Skip(p * plane).Take(plane).Average(v => (double)v)).ToArray();
        var outDims = dims.Select((d, i) => i < 2 ? d : 1).ToArray();
        AssertClose(new Shape(outDims), expected, GraphFactory.RunOp(new GlobalAveragePoolOp(), [x])[0]);
    }

    // The node tests' models import opset 1, below the importer's floor of 7; GlobalAveragePool has not changed since 1.
    [SkippableFact]
    public void PassesOnnxNodeTests()
    {
        AssertNodeTestPassesAtOpset("test_globalaveragepool", 7);
        AssertNodeTestPassesAtOpset("test_globalaveragepool_precomputed", 7);
    }
}
