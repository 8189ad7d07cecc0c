using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Conformance;

public class OrtPeerTests
{
    [SkippableFact]
    public void OrtAndDepthwiseAgreeOnANodeTestModel()
    {
        Skip.If(OrtPeer.Unavailable is not null, OrtPeer.Unavailable);
        const string model = "/usr/share/libonnx-testdata/data/node/test_add_bcast/model.onnx";
        Skip.IfNot(File.Exists(model), "ONNX node tests not installed (libonnx-testdata)");
        var session = InferenceSession.Load(model);
        var rnd = new Random(3);
        var inputs = session.DefaultInputShapes().Select(s =>
            Tensor.FromArray(s, Enumerable.Range(0, s.ElementCount).Select(_ => (float)rnd.NextDouble() - 0.5f).ToArray())).ToArray();
        var ours = session.Run(inputs);
        var theirs = OrtPeer.Run(model, inputs);
        Assert.Equal(theirs[session.Outputs[0].Name].ToArray<float>(), ours[0].ToArray<float>());
    }
}
