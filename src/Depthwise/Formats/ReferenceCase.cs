using System.Diagnostics;
using System.Globalization;
using Depthwise.Runtime;
using Depthwise.Tensors;

namespace Depthwise.Formats;

/// <summary>One model output compared with its reference.</summary>
/// <param name="Index">The output's position in the model's output list (= the <c>output_&lt;i&gt;.npy</c> number).</param>
/// <param name="Name">The model's name for the output.</param>
/// <param name="Comparison">The verdict of <see cref="TensorComparison"/>.</param>
public sealed record OutputComparison(int Index, string Name, ComparisonResult Comparison);

/// <summary>What <see cref="ReferenceCase.Run"/> found.</summary>
/// <param name="Outputs">One comparison per model output, in model order.</param>
/// <param name="Problem">
/// A disagreement that is not about values: the reference holds a different number of outputs than the model makes
/// (null when the counts agree).
/// </param>
/// <param name="RunMilliseconds">The time of the one run that was compared (plan compilation excluded).</param>
public sealed record ReferenceCaseResult(IReadOnlyList<OutputComparison> Outputs, string? Problem, double RunMilliseconds)
{
    /// <summary>True when every output passed and nothing else disagreed.</summary>
    public bool Passed => Problem is null && Outputs.All(o => o.Comparison.Passed);
}

/// <summary>
/// A reference case: inputs and the outputs another engine (TensorFlow Lite, ONNX Runtime) produced for them, as
/// <c>input_&lt;i&gt;.npy</c> and <c>output_&lt;i&gt;.npy</c> numbered in the model's input and output order — the layout
/// the TFLite oracle and <c>tools/ort-references.sh</c> write (with a <c>meta.json</c> beside them). Runs a model on the
/// inputs and judges each output with <see cref="TensorComparison"/>; used by <c>depthwise verify MODEL --expected DIR</c>
/// and the conformance tests alike.
/// </summary>
public static class ReferenceCase
{
    /// <summary>The file of input <paramref name="index"/> in <paramref name="dir"/>.</summary>
    public static string InputFile(string dir, int index) => Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"input_{index}.npy"));

    /// <summary>The file of reference output <paramref name="index"/> in <paramref name="dir"/>.</summary>
    public static string OutputFile(string dir, int index) => Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"output_{index}.npy"));

    /// <summary>True when <paramref name="dir"/> holds at least <c>output_0.npy</c>.</summary>
    public static bool IsReferenceCase(string dir) => File.Exists(OutputFile(dir, 0));

    /// <summary>Reads <c>input_0.npy</c> … <c>input_&lt;count−1&gt;.npy</c>.</summary>
    /// <exception cref="FileNotFoundException">An input file is missing.</exception>
    /// <exception cref="ModelFormatException">An input file is not a valid .npy file.</exception>
    public static Tensor[] ReadInputs(string dir, int count)
    {
        ArgumentNullException.ThrowIfNull(dir);
        var inputs = new Tensor[count];
        for (int i = 0; i < count; i++)
        {
            string file = InputFile(dir, i);
            if (!File.Exists(file))
                throw new FileNotFoundException($"no {Path.GetFileName(file)} in {dir} (the model takes {count} input{(count == 1 ? "" : "s")}: input_0.npy … input_{count - 1}.npy, in model order)", file);
            inputs[i] = Npy.Read(file);
        }
        return inputs;
    }

    /// <summary>How many consecutive <c>output_&lt;i&gt;.npy</c> files <paramref name="dir"/> holds, from 0.</summary>
    public static int CountOutputs(string dir)
    {
        int n = 0;
        while (File.Exists(OutputFile(dir, n))) n++;
        return n;
    }

    /// <summary>
    /// Runs <paramref name="session"/> on the inputs in <paramref name="inputsDir"/> and compares every output with the
    /// reference in <paramref name="expectedDir"/> (the same folder, for the oracles' layout).
    /// </summary>
    /// <exception cref="FileNotFoundException">An input file is missing.</exception>
    /// <exception cref="DepthwiseException">A file is invalid, an input does not fit the model, or running fails.</exception>
    public static ReferenceCaseResult Run(InferenceSession session, string inputsDir, string expectedDir, ComparisonTolerance? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(expectedDir);
        var inputs = ReadInputs(inputsDir, session.Inputs.Count);
        int references = CountOutputs(expectedDir);
        if (references == 0) throw new FileNotFoundException($"no output_0.npy in {expectedDir}", OutputFile(expectedDir, 0));

        session.GetPlan(inputs);   // compile first: the time below is the run alone
        var sw = Stopwatch.StartNew();
        var outputs = session.Run(inputs);
        double ms = sw.Elapsed.TotalMilliseconds;

        var compared = new List<OutputComparison>(outputs.Length);
        for (int i = 0; i < Math.Min(outputs.Length, references); i++)
            compared.Add(new OutputComparison(i, session.Outputs[i].Name, TensorComparison.Compare(Npy.Read(OutputFile(expectedDir, i)), outputs[i], tolerance)));
        string? problem = references == outputs.Length ? null
            : string.Create(CultureInfo.InvariantCulture, $"the reference has {references} output{(references == 1 ? "" : "s")} (output_0.npy … output_{references - 1}.npy), the model makes {outputs.Length}");
        return new ReferenceCaseResult(compared, problem, ms);
    }
}
