using Depthwise.Formats.Onnx.Proto;
using Depthwise.Runtime;
using Depthwise.Tensors;
using Google.Protobuf;

namespace Depthwise.Formats.Onnx;

/// <summary>Outcome of one ONNX test case.</summary>
public enum TestCaseStatus
{
    /// <summary>Every output matched within tolerance.</summary>
    Pass,
    /// <summary>An output differed, or running raised an unexpected error.</summary>
    Fail,
    /// <summary>The case uses something Depthwise does not support (an operator, a data type); the message says what.</summary>
    Skip,
}

/// <summary>Result of running one ONNX test case folder.</summary>
public sealed record TestCaseResult(string Name, TestCaseStatus Status, string Message, double MaxAbsError);

/// <summary>
/// Runs an ONNX backend-style test case: a folder with <c>model.onnx</c> and <c>test_data_set_*/input_*.pb</c>,
/// <c>output_*.pb</c> (serialized TensorProto). Comparison: |actual - expected| ≤ atol + rtol·|expected| elementwise,
/// exact for integers and bools, NaN equal to NaN. Used by <c>depthwise verify</c> and the conformance tests alike.
/// </summary>
public static class OnnxTestCase
{
    /// <summary>Default relative tolerance (as the ONNX backend tests use).</summary>
    public const double DefaultRtol = 1e-3;

    /// <summary>Default absolute tolerance.</summary>
    public const double DefaultAtol = 1e-5;

    /// <summary>True when <paramref name="dir"/> looks like a test case folder.</summary>
    public static bool IsTestCase(string dir) => File.Exists(Path.Combine(dir, "model.onnx"));

    /// <summary>
    /// Runs the test case in <paramref name="dir"/>. Never throws for a problem of the case or the engine: an
    /// unexpected exception (a bug in an operator, say) is a <see cref="TestCaseStatus.Fail"/> naming the exception
    /// and where it was raised, so one broken case cannot stop a run over many.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "A crash of one case is that case's failure.")]
    public static TestCaseResult Run(string dir, double rtol = DefaultRtol, double atol = DefaultAtol)
    {
        ArgumentNullException.ThrowIfNull(dir);
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(dir));
        if (!IsTestCase(dir)) return new(name, TestCaseStatus.Fail, $"no model.onnx in {dir}", 0);
        try
        {
            // Messages name the case's own model file by its full path; "model.onnx" says as much and reads better.
            var r = RunCase(dir, name, rtol, atol);
            return r with { Message = r.Message.Replace(Path.Combine(dir, "model.onnx"), "model.onnx", StringComparison.Ordinal) };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var frame = e.StackTrace?.Split('\n', 2)[0].Trim();
            return new(name, TestCaseStatus.Fail, $"crashed: {e.GetType().Name}: {e.Message}" + (frame is null ? "" : $" ({frame})"), 0);
        }
    }

    private static TestCaseResult RunCase(string dir, string name, double rtol, double atol)
    {
        InferenceSession session;
        try
        {
            session = InferenceSession.Load(Path.Combine(dir, "model.onnx"));
        }
        catch (UnsupportedOperatorException e) { return new(name, TestCaseStatus.Skip, e.Message, 0); }
        catch (ModelFormatException e) when (IsUnsupportedFeature(e)) { return new(name, TestCaseStatus.Skip, e.Message, 0); }
        catch (DepthwiseException e) { return new(name, TestCaseStatus.Fail, "load: " + e.Message, 0); }

        var sets = Directory.GetDirectories(dir, "test_data_set_*").OrderBy(d => d, StringComparer.Ordinal).ToArray();
        if (sets.Length == 0) return new(name, TestCaseStatus.Fail, "no test_data_set_* folder", 0);
        double worst = 0;
        foreach (var set in sets)
        {
            try
            {
                var inputs = ReadTensors(set, "input_", session.Inputs.Count);
                var expected = ReadTensors(set, "output_", -1);
                var outputs = session.Run(inputs);
                if (outputs.Length < expected.Length)
                    return new(name, TestCaseStatus.Fail, $"{Path.GetFileName(set)}: {outputs.Length} outputs, expected {expected.Length}", worst);
                for (int i = 0; i < expected.Length; i++)
                {
                    var msg = Compare(outputs[i], expected[i], rtol, atol, out double err);
                    worst = Math.Max(worst, err);
                    if (msg is not null)
                        return new(name, TestCaseStatus.Fail, $"{Path.GetFileName(set)}: output {i} ('{session.Outputs[i].Name}'): {msg}", worst);
                }
            }
            catch (ModelFormatException e) when (IsUnsupportedFeature(e)) { return new(name, TestCaseStatus.Skip, e.Message, worst); }
            catch (UnsupportedOperatorException e) { return new(name, TestCaseStatus.Skip, e.Message, worst); }
            catch (DepthwiseException e) { return new(name, TestCaseStatus.Fail, $"{Path.GetFileName(set)}: {e.Message}", worst); }
        }
        return new(name, TestCaseStatus.Pass, $"max abs error {worst:g3}", worst);
    }

    /// <summary>
    /// True when a format error says the model uses a feature Depthwise lacks (a data type, an opset, sequence or
    /// optional values) rather than that the file is malformed: such a case is a SKIP, not a FAIL.
    /// </summary>
    private static bool IsUnsupportedFeature(ModelFormatException e) =>
        e.Message.Contains("is not supported", StringComparison.Ordinal)
        || e.Message.Contains("are not supported", StringComparison.Ordinal)
        || e.Message.Contains("only tensor types are supported", StringComparison.Ordinal);

    /// <summary>Reads one serialized TensorProto (.pb) file.</summary>
    public static Tensor ReadTensorFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        TensorProto p;
        try { p = TensorProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException e) { throw new ModelFormatException($"not a serialized TensorProto: {e.Message}", path, inner: e); }
        return OnnxTensors.FromProto(p, path, "tensor", Path.GetDirectoryName(path));
    }

    private static Tensor[] ReadTensors(string set, string prefix, int expectedCount)
    {
        var files = Directory.GetFiles(set, prefix + "*.pb")
            .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();
        if (expectedCount >= 0 && files.Length != expectedCount)
            throw new InputValidationException($"{Path.GetFileName(set)} has {files.Length} input files; the model takes {expectedCount}");
        return files.Select(ReadTensorFile).ToArray();
    }

    /// <summary>Null when equal within tolerance, else a description of the first mismatch.</summary>
    public static string? Compare(Tensor actual, Tensor expected, double rtol, double atol, out double maxAbsError)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        maxAbsError = 0;
        if (actual.DataType != expected.DataType)
            return $"type {DataTypes.Name(actual.DataType)}, expected {DataTypes.Name(expected.DataType)}";
        if (actual.Shape != expected.Shape) return $"shape {actual.Shape}, expected {expected.Shape}";
        if (!DataTypes.IsFloat(actual.DataType))
        {
            var a = actual.ToInt64Array();
            var e = expected.ToInt64Array();
            for (int i = 0; i < a.Length; i++)
                if (a[i] != e[i]) return $"element {i}: {a[i]}, expected {e[i]}";
            return null;
        }
        var af = actual.ToFloatArray();
        var ef = expected.ToFloatArray();
        string? first = null;
        for (int i = 0; i < af.Length; i++)
        {
            double x = af[i], y = ef[i];
            if (double.IsNaN(x) && double.IsNaN(y)) continue;
            if (double.IsInfinity(y) && x == y) continue;
            double err = Math.Abs(x - y);
            if (double.IsNaN(err)) err = double.PositiveInfinity;
            maxAbsError = Math.Max(maxAbsError, err);
            if (err > atol + rtol * Math.Abs(y) && first is null) first = $"element {i}: {x:g7}, expected {y:g7}";
        }
        return first is null ? null : first + $" (max abs error {maxAbsError:g3})";
    }
}
