using System.Globalization;

namespace Depthwise.Conformance.TfLiteSynthetic;

/// <summary>One tiny model of the synthetic TFLite suite.</summary>
/// <param name="Name">File stem (.cache/tflite-synthetic/&lt;name&gt;.tflite) and test row.</param>
/// <param name="Summary">What it holds: the operators and variants, one per output.</param>
/// <param name="OracleArgs">Extra tflite-oracle options for its seeded inputs (e.g. "--range -6,6"); empty for the defaults.</param>
/// <param name="Build">Writes the model's bytes (deterministic: the same bytes every time).</param>
internal sealed record SyntheticModel(string Name, string Summary, string OracleArgs, Func<byte[]> Build);

/// <summary>
/// The catalogue of synthetic TFLite models: one or a few per operator and variant the shared real models do not
/// exercise, each a few KB with seeded weights, realistic quantization and awkward shapes (7×5×3, stride 2, SAME and
/// VALID). Several variants of one operator share a model as separate outputs (one oracle run each model), each output
/// named after its variant. tools/tflite-synthetic-references.sh writes them with <see cref="Program"/> and records
/// TFLite's outputs; <c>TfLiteSyntheticTests</c> holds Depthwise to them.
/// </summary>
internal static partial class SyntheticModels
{
    /// <summary>Every model, in catalogue order.</summary>
    public static IReadOnlyList<SyntheticModel> All { get; } =
    [
        .. ActivationModels(),
        .. BinaryModels(),
        .. TensorModels(),
        .. ConvModels(),
        .. QuantizationModels(),
        .. FloatAndReluModels(),
    ];

    /// <summary>The model called <paramref name="name"/>.</summary>
    public static SyntheticModel Get(string name) => All.FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"no synthetic model '{name}'", nameof(name));

    /// <summary>Writes every model to <paramref name="dir"/> (only files whose bytes changed) and the list the oracle script reads.</summary>
    public static void WriteAll(string dir)
    {
        Directory.CreateDirectory(dir);
        var manifest = new List<string>();
        foreach (var m in All)
        {
            var bytes = m.Build();
            string file = Path.Combine(dir, m.Name + ".tflite");
            if (!File.Exists(file) || !File.ReadAllBytes(file).AsSpan().SequenceEqual(bytes)) File.WriteAllBytes(file, bytes);
            manifest.Add($"{m.Name}\t{m.OracleArgs}");
        }
        foreach (var stale in Directory.GetFiles(dir, "*.tflite"))
            if (!All.Any(m => m.Name == Path.GetFileNameWithoutExtension(stale))) File.Delete(stale);
        File.WriteAllLines(Path.Combine(dir, "models.tsv"), manifest);
    }

    /// <summary>A writer and a data source seeded from the model's name (stable across runs and .NET versions).</summary>
    private static (TfLiteModelWriter W, SyntheticData D) Start(string name)
    {
        uint hash = 2166136261;
        foreach (char c in name) hash = unchecked((hash ^ c) * 16777619);
        return (new TfLiteModelWriter(string.Create(CultureInfo.InvariantCulture, $"Depthwise synthetic TFLite model '{name}'")), new SyntheticData(hash));
    }

    private static SyntheticModel Model(string name, string summary, Action<TfLiteModelWriter, SyntheticData> build, string oracleArgs = "") =>
        new(name, summary, oracleArgs, () =>
        {
            var (w, d) = Start(name);
            build(w, d);
            return w.Build();
        });

    private static int Count(int[] shape) => shape.Aggregate(1, (a, d) => a * d);
}
