using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Depthwise.Tensors;
using Depthwise.Vision.Postprocessing;
using Depthwise.Vision.Preprocessing;
using Depthwise.Vision.Tests.Preprocessing;
using Xunit.Abstractions;

namespace Depthwise.Vision.Tests.Postprocessing;

/// <summary>
/// The whole MediaPipe face detection graph (face_detection_short_range.pbtxt) around the real model, run by TensorFlow
/// Lite itself through shared/tools/tflite-oracle: our ImageToTensor → TFLite → our decoder, weighted NMS and
/// projection must reproduce MediaPipe's expected detection for sergey.png. The oracle needs Chromium and an
/// installed copy of the tool (npm ci), so the test runs only when $DEPTHWISE_TFLITE_ORACLE names its wrapper script.
/// </summary>
public partial class BlazeFaceOracleTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void ShortRangeGraphReproducesMediaPipesSergeyDetection()
    {
        string? oracle = Environment.GetEnvironmentVariable("DEPTHWISE_TFLITE_ORACLE");
        Skip.If(oracle is null || !File.Exists(oracle), "set DEPTHWISE_TFLITE_ORACLE to an installed tflite-oracle script to run the model with TFLite");
        string model = Path.Combine(ReferenceImages.SharedRoot, "models", "tflite", "face_detection_short_range.tflite");
        string expectedPath = Path.Combine(ReferenceImages.MediaPipeGolden, "face_detection_short_range_sergey_expected_detection.pbtxt");
        Skip.IfNot(File.Exists(model) && File.Exists(expectedPath), "face detection model or expected detection not found");
        var image = ReferenceImages.Load(Path.Combine(ReferenceImages.SharedRoot, "images", "mediapipe", "sergey.png"), PixelFormat.Rgb24);

        // FaceDetection graph: ImageToTensor with keep_aspect_ratio, range [-1, 1], BORDER_ZERO, 128 × 128.
        var converter = new ImageToTensorConverter(new()
        {
            OutputWidth = 128, OutputHeight = 128, KeepAspectRatio = true, BorderMode = BorderMode.Zero,
            Normalization = TensorNormalization.Range(-1f, 1f),
        });
        var input = converter.Convert(image);

        string dir = Path.Combine(Path.GetTempPath(), $"depthwise-blazeface-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string inputPath = Path.Combine(dir, "input.npy");
            Npy.Write(inputPath, input.Tensor);
            var psi = new ProcessStartInfo(oracle!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { model, Path.Combine(dir, "out"), "--input", inputPath }) psi.ArgumentList.Add(a);
            using (var p = Process.Start(psi)!)
            {
                var stdout = p.StandardOutput.ReadToEndAsync();
                string stderr = p.StandardError.ReadToEnd();
                p.WaitForExit();
                Assert.True(p.ExitCode == 0, $"tflite-oracle failed ({p.ExitCode}): {stderr}{stdout.Result}");
            }
            var outputs = new[] { Npy.Read(Path.Combine(dir, "out", "output_0.npy")), Npy.Read(Path.Combine(dir, "out", "output_1.npy")) };
            var boxes = outputs.Single(t => t.Shape[-1] == 16).ToFloatArray();
            var scores = outputs.Single(t => t.Shape[-1] == 1).ToFloatArray();

            var decoder = new TensorsToDetections(TensorsToDetectionsOptions.BlazeFaceShortRange, SsdAnchorGenerator.Generate(SsdAnchorOptions.BlazeFaceShortRange));
            var raw = decoder.Decode(boxes, scores);
            var kept = NonMaxSuppression.Apply(raw, NonMaxSuppressionOptions.BlazeFace);
            var faces = DetectionProjection.ToImageNormalized(kept, input.Transform);

            var face = Assert.Single(faces);
            var want = ParseExpected(File.ReadAllText(expectedPath));
            output.WriteLine($"score {face.Score} (MediaPipe {want[0]}), box {face.Box}");
            float[] got = [face.Score, face.Box.XMin, face.Box.YMin, face.Box.Width, face.Box.Height, .. face.Keypoints.SelectMany(k => new[] { k.X, k.Y })];
            Assert.Equal(want.Length, got.Length);
            float worst = 0;
            for (int i = 0; i < want.Length; i++) worst = Math.Max(worst, Math.Abs(want[i] - got[i]));
            output.WriteLine($"max abs difference from MediaPipe's detection: {worst}");
            Assert.True(worst < 1e-5f, $"max abs difference {worst} from MediaPipe's detection");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    // score, xmin, ymin, width, height, then x, y per keypoint: the numbers in the text format's order.
    private static float[] ParseExpected(string text)
        => NumberField().Matches(text).Select(m => float.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();

    [GeneratedRegex(@"(?:score|xmin|ymin|width|height|x|y):\s*([-0-9.eE+]+)")]
    private static partial Regex NumberField();
}
