using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Tests.Ops;

public class ReluOpTests
{
    [Fact]
    public void ClampsNegativesForEveryLength()
    {
        for (int n = 0; n < 70; n++)
        {
            var x = Enumerable.Range(0, n).Select(i => (float)(i % 7 - 3)).ToArray();
            var y = GraphFactory.RunOp(new ReluOp(), [Tensor.FromArray(new Shape(n), x)])[0].ToArray<float>();
            Assert.Equal(x.Select(v => Math.Max(v, 0f)), y);
        }
    }

    [SkippableFact]
    public void PassesOnnxNodeTests() => NodeTests.AssertPass("test_relu");
}
