using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Conformance;

/// <summary>
/// Kernels split their work into chunks chosen from the problem size only, so a whole network must give the same
/// bits on any number of threads. Uses the torchvision exports (made once per run by <see cref="TorchvisionModels"/>;
/// skipped with the reason when PyTorch is not available).
/// </summary>
public class ThreadCountInvarianceTests
{
    [SkippableTheory]
    [InlineData("mobilenet_v2")]
    [InlineData("mobilenet_v3_large")]
    [InlineData("efficientnet_b0")]
    public void OutputsAreBitIdenticalOnOneTwoAndThreeThreads(string model)
    {
        Skip.If(TorchvisionModels.Unavailable is not null, TorchvisionModels.Unavailable);
        string path = TorchvisionModels.PathOf(model);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var session = InferenceSession.Load(path, new SessionOptions { Threads = threads });
            var shape = session.DefaultInputShapes()[0];
            var rnd = new Random(5);
            var data = new float[shape.ElementCount];
            for (int i = 0; i < data.Length; i++) data[i] = (float)(rnd.NextDouble() * 4 - 2);
            var y = session.Run(Tensor.FromArray(shape, data))[0].ToArray<float>();
            if (first is null) first = y;
            else Assert.True(first.AsSpan().SequenceEqual(y), $"{model}: {threads} threads differ from 1 thread");
        }
    }
}
