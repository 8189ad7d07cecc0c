using Depthwise.Ops;
using Depthwise.Tensors;
using static Depthwise.Tests.Ops.NeuralNetTestData;

namespace Depthwise.Tests.Ops;

public class GlobalMaxPoolOpTests
{
    [Theory]
    [InlineData(new[] { 1, 3, 5, 5 })]
    [InlineData(new[] { 2, 17, 7, 3 })]
    [InlineData(new[] { 2, 5, 1, 1 })]
    [InlineData(new[] { 1, 4, 9 })]
    [InlineData(new[] { 2, 3, 2, 3, 4 })]
    public void TakesEachPlanesMaximum(int[] dims)
    {
        var x = Random(42, dims);
        var xs = x.ToArray<float>();
        int plane = Count(dims[2..]);
        var expected = Enumerable.Range(0, dims[0] * dims[1]).Select(p => xs.Skip(p * plane).Take(plane).Max()).ToArray();
        var outDims = dims.Select((d, i) => i < 2 ? d : 1).ToArray();
        AssertClose(new Shape(outDims), expected, GraphFactory.RunOp(new GlobalMaxPoolOp(), [x])[0], 0, 0);
    }

    // The node tests' models import opset 1, below the importer's floor of 7; GlobalMaxPool has not changed since 1.
    [SkippableFact]
    public void PassesOnnxNodeTests()
    {
        AssertNodeTestPassesAtOpset("test_globalmaxpool", 7);
        AssertNodeTestPassesAtOpset("test_globalmaxpool_precomputed", 7);
    }
}
