using System.Globalization;
using Depthwise.Vision.Preprocessing;
using Depthwise.Vision.Tasks;
using Xunit.Abstractions;

namespace Depthwise.Vision.Tests.Tasks;

/// <summary>
/// ImageClassifier against the TFLite Task Library's and MediaPipe's goldens (shared/golden/README.md), and top-1
/// accuracy over the 100-image ImageNet sample. The quantized models skip until the quantized operators are in.
/// </summary>
public class ImageClassifierTests(ITestOutputHelper output)
{
    private static ImageClassifier QuantizedV1(ImageClassifierOptions? options = null)
    {
        string model = TaskFixtures.Model("mobilenet_v1_0.25_224_quant.tflite");
        return TaskFixtures.CreateOrSkip(() => new ImageClassifier(model, options));
    }

    [SkippableFact]
    public void QuantizedMobileNetV1SeesACheeseburgerInBurgerJpg()
    {
        var classifier = QuantizedV1(new ImageClassifierOptions { MaxResults = 3 });
        var image = TaskFixtures.LoadImage(TaskFixtures.Shared("images", "tflite-support", "burger.jpg"));
        var top = classifier.Classify(image);
        foreach (var c in top) output.WriteLine($"{c.Index} {c.Label} {c.Score}");
        Assert.Equal(934, top[0].Index);
        Assert.Equal("cheeseburger", top[0].Label);
        // The Task Library's test (image_classifier_test.cc): 0.96 ± 0.01 with its pixel-centre resize.
        Assert.InRange(top[0].Score, 0.95f, 0.97f);
    }

    [SkippableFact]
    public void QuantizedMobileNetV1WithMediaPipesSamplingScoresBurgerJpgExactlyAsMediaPipe()
    {
        // MediaPipe's classifier test (tasks_image_classifier_test.cc) expects 249/256 = 0.97265625 (EXPECT_NEAR 1e-6);
        // its ImageToTensor samples the corners grid, which the options select.
        var classifier = QuantizedV1(new ImageClassifierOptions { MaxResults = 1, Sampling = PixelSampling.Corners, BorderMode = BorderMode.Zero });
        var image = TaskFixtures.LoadImage(TaskFixtures.Shared("images", "tflite-support", "burger.jpg"));
        var top = Assert.Single(classifier.Classify(image));
        output.WriteLine($"{top.Index} {top.Label} {top.Score}");
        Assert.Equal(934, top.Index);
        Assert.Equal(0.97265625f, top.Score, 1e-6f);
    }

    [SkippableFact]
    public void QuantizedMobileNetV1SeesACheeseburgerInBurger224Png()
    {
        var classifier = QuantizedV1(new ImageClassifierOptions { MaxResults = 1 });
        var image = TaskFixtures.LoadImage(TaskFixtures.Shared("images", "tflite-support", "burger-224.png"));
        var top = Assert.Single(classifier.Classify(image));
        output.WriteLine($"{top.Index} {top.Label} {top.Score}");
        Assert.Equal("cheeseburger", top.Label);
        Assert.True(top.Score >= 0.90f, $"score {top.Score}");
    }

    [SkippableFact]
    public void QuantizedMobileNetV1SeesABagelInTheTopLeftCorner()
    {
        var classifier = QuantizedV1(new ImageClassifierOptions { MaxResults = 1 });
        var image = TaskFixtures.LoadImage(TaskFixtures.Shared("images", "tflite-support", "burger-224.png"));
        var top = Assert.Single(classifier.Classify(image, NormalizedRect.FromPixels(0, 0, 100, 100, image.Width, image.Height)));
        output.WriteLine($"{top.Index} {top.Label} {top.Score}");
        Assert.Equal("bagel", top.Label);
        Assert.True(top.Score >= 0.24f, $"score {top.Score}");
    }

    [SkippableFact]
    public void FloatMobileNetV1WithMetadataSeesACheeseburger()
    {
        var classifier = new ImageClassifier(TaskFixtures.Model("mobilenet_v1_0.25_224_1_metadata_1.tflite"), new ImageClassifierOptions { MaxResults = 3 });
        Assert.Equal(1001, classifier.Labels.Count);
        Assert.Equal("mean/std (127.5) / (127.5)", classifier.Preprocessing.Normalization!.Description);
        var image = TaskFixtures.LoadImage(TaskFixtures.Shared("images", "tflite-support", "burger-224.png"));
        var top = classifier.Classify(image);
        foreach (var c in top) output.WriteLine($"{c.Index} {c.Label} {c.Score}");
        Assert.Equal("cheeseburger", top[0].Label);
        Assert.True(top[0].Score > 0.5f);
        Assert.True(top[0].Score >= top[1].Score && top[1].Score >= top[2].Score);
    }

    [SkippableFact]
    public void AllowDenyThresholdAndLimitFilterTheRanking()
    {
        string model = TaskFixtures.Model("mobilenet_v1_0.25_224_1_metadata_1.tflite");
        var image = TaskFixtures.LoadImage(TaskFixtures.Shared("images", "tflite-support", "burger-224.png"));
        var allowed = new ImageClassifier(model, new ImageClassifierOptions { AllowLabels = ["bagel", "hotdog"] }).Classify(image);
        Assert.Equal(2, allowed.Count);
        Assert.All(allowed, c => Assert.Contains(c.Label, new[] { "bagel", "hotdog" }));
        var denied = new ImageClassifier(model, new ImageClassifierOptions { DenyLabels = ["cheeseburger"], MaxResults = 1 }).Classify(image);
        Assert.NotEqual("cheeseburger", Assert.Single(denied).Label);
        var thresholded = new ImageClassifier(model, new ImageClassifierOptions { ScoreThreshold = 0.01f }).Classify(image);
        Assert.All(thresholded, c => Assert.True(c.Score >= 0.01f));
        Assert.NotEmpty(thresholded);
        var e = Assert.Throws<ArgumentException>(() => new ImageClassifier(model, new ImageClassifierOptions { AllowLabels = ["no such class"] }));
        Assert.Contains("no such class", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void RankingAppliesActivationCalibrationAndStableOrder()
    {
        var classifier = new ImageClassifier(TaskFixtures.Model("mobilenet_v1_0.25_224_1_metadata_1.tflite"),
            new ImageClassifierOptions { Labels = ["a", "b", "c"], Activation = ScoreActivation.Softmax });
        var ranked = classifier.Rank([1f, 3f, 1f, 2f]);
        Assert.Equal([1, 3, 0, 2], ranked.Select(c => c.Index));
        Assert.Equal([ "b", null, "a", "c" ], ranked.Select(c => c.Label));
        double e1 = Math.Exp(1), e2 = Math.Exp(2), e3 = Math.Exp(3), sum = 2 * e1 + e2 + e3;
        Assert.Equal(e3 / sum, ranked[0].Score, 5);
        Assert.Equal(e1 / sum, ranked[2].Score, 5);
    }

    [Fact]
    public void ScoreCalibrationFollowsTheMetadataFormula()
    {
        var calibration = new ScoreCalibration(ScoreTransformation.Log, 0.2f,
            [new ScoreCalibrationParameters(1f, 2f, -1f, 0.1f), null, new ScoreCalibrationParameters(0.5f, 1f, 0f, null)]);
        var calibrator = new ScoreCalibrator(calibration);
        Assert.Equal(1 / (1 + Math.Exp(-(2 * Math.Log(0.5) - 1))), calibrator.Calibrate(0, 0.5f), 6);
        Assert.Equal(0.2f, calibrator.Calibrate(0, 0.05f)); // below min_score
        Assert.Equal(0.2f, calibrator.Calibrate(1, 0.9f)); // no parameters for this index
        Assert.Equal(0.5 / (1 + Math.Exp(-Math.Log(0.25))), calibrator.Calibrate(2, 0.25f), 6);
        Assert.Equal(0.2f, calibrator.Calibrate(7, 0.9f)); // beyond the parameter list
    }

    [Fact]
    public void LabelFilesArePlainOrIndexed()
    {
        Assert.Equal(["background", "tench", ""], LabelFile.Parse("background\r\ntench\n\n"));
        Assert.Equal(["person", "", "car"], LabelFile.Parse("0  person\n2: car\n"));
        Assert.Equal(["1 up", "two"], LabelFile.Parse("1 up\ntwo\n"));
    }

    /// <summary>Top-1 of a classifier over shared/images/imagenet-sample (100 images, one per class; 1001-class TFLite
    /// indices, or the 1000-class ONNX/torchvision ones with <paramref name="classes1000"/>).</summary>
    private double Accuracy(ImageClassifier classifier, bool classes1000 = false, int every = 1)
    {
        string dir = Path.GetDirectoryName(TaskFixtures.Shared("images", "imagenet-sample", "index.csv"))!;
        var rows = File.ReadAllLines(Path.Combine(dir, "index.csv")).Skip(1).Select(l => l.Split(',')).Where(r => r[5] == "yes")
            .Where((_, i) => i % every == 0).ToList();
        int correct = 0;
        foreach (var r in rows)
        {
            int expected = int.Parse(r[classes1000 ? 0 : 1], CultureInfo.InvariantCulture);
            var top = classifier.Classify(TaskFixtures.LoadImage(Path.Combine(dir, r[6])))[0];
            if (top.Index == expected) correct++;
            else output.WriteLine($"{r[6]}: expected {expected} {r[4]}, got {top.Index} {top.Label} {top.Score:F3}");
        }
        return (double)correct / rows.Count;
    }

    [SkippableFact]
    public void QuantizedMobileNetV2Top1OnTheImageNetSample()
    {
        string model = TaskFixtures.Model("mobilenet_v2_1.0_224_quant.tflite");
        var labels = LabelFile.Read(TaskFixtures.Shared("labels", "tflite-support", "imagenet_labels_1001.txt"));
        var classifier = TaskFixtures.CreateOrSkip(() => new ImageClassifier(model, new ImageClassifierOptions { Labels = labels, MaxResults = 1 }));
        double accuracy = Accuracy(classifier);
        output.WriteLine($"mobilenet_v2_1.0_224_quant top-1 on the 100-image ImageNet sample: {accuracy:P0}");
        Assert.True(accuracy >= 0.60, $"top-1 accuracy {accuracy:P0} (MobileNetV2 1.0 quantized: ~70 % on ImageNet)");
    }

    [SkippableFact]
    public void OnnxZooInt8MobileNetV2Top1OnTheImageNetSample()
    {
        // NCHW float input without metadata: ImageNet mean/std, the ONNX Model Zoo's pre-processing (and the family default).
        Skip.If(SharedFolder.Missing is not null, SharedFolder.Missing);
        string model = SharedFolder.PathOf("models", "onnx", "mobilenetv2-12-int8.onnx");
        Skip.IfNot(File.Exists(model), $"{model} not found");
        var classifier = TaskFixtures.CreateOrSkip(() => new ImageClassifier(model, new ImageClassifierOptions { MaxResults = 1 }));
        Assert.Same(VisionModel.ImageNetMeanStd, classifier.Preprocessing.Normalization);
        double accuracy = Accuracy(classifier, classes1000: true);
        output.WriteLine($"mobilenetv2-12-int8.onnx top-1 on the 100-image ImageNet sample: {accuracy:P0}");
        Assert.True(accuracy >= 0.60, $"top-1 accuracy {accuracy:P0} (MobileNetV2 int8: ~71 % on ImageNet)");
    }

    [SkippableFact]
    public void FloatMobileNetV1QuarterTop1OnTheImageNetSample()
    {
        var classifier = new ImageClassifier(TaskFixtures.Model("mobilenet_v1_0.25_224_1_metadata_1.tflite"), new ImageClassifierOptions { MaxResults = 1 });
        double accuracy = Accuracy(classifier);
        output.WriteLine($"mobilenet_v1_0.25_224 (float) top-1 on the 100-image ImageNet sample: {accuracy:P0}");
        Assert.True(accuracy >= 0.35, $"top-1 accuracy {accuracy:P0} (MobileNetV1 0.25: ~50 % on ImageNet)");
    }
}
