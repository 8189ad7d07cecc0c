using Depthwise.Conformance.TfLiteSynthetic;

namespace Depthwise.Conformance;

/// <summary>
/// The test assembly's own entry point (the test host never calls it): <c>dotnet Depthwise.Conformance.dll
/// write-tflite-synthetic DIR</c> writes the synthetic TFLite models and their list for
/// tools/tflite-synthetic-references.sh, which runs TFLite on them.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["write-tflite-synthetic", var dir])
        {
            SyntheticModels.WriteAll(dir);
            Console.WriteLine($"{SyntheticModels.All.Count} synthetic TFLite models in {dir}");
            return 0;
        }
        Console.Error.WriteLine("usage: dotnet Depthwise.Conformance.dll write-tflite-synthetic DIR");
        return 2;
    }
}
