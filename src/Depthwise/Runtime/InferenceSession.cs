using Depthwise.Formats;
using Depthwise.Graph;
using Depthwise.Passes;
using Depthwise.Tensors;

namespace Depthwise.Runtime;

/// <summary>
/// Runs a model. A session holds the graph and compiles one <see cref="ExecutionPlan"/> per distinct set of input
/// shapes (models with a dynamic batch get one per batch size), caching a few. <see cref="Run(ReadOnlySpan{Tensor}, ReadOnlySpan{Tensor})"/>
/// is thread-safe and, once a plan exists for the shapes, allocates nothing.
/// </summary>
public sealed class InferenceSession
{
    private readonly IReadOnlyList<Node> _order;
    private readonly List<ExecutionPlan> _plans = [];
    private readonly bool[] _specialize;
    private readonly SessionOptions _options;
    private readonly string? _source;
    private Profiler? _profiler;

    /// <summary>
    /// Creates a session for a graph (validated here). Unless <see cref="SessionOptions.OptimizationLevel"/> is None, the
    /// session optimizes a copy: <paramref name="graph"/> itself is not changed, and <see cref="Graph"/> is the copy.
    /// </summary>
    public InferenceSession(Graph.Graph graph, SessionOptions? options = null) : this(graph, options, null, ownsGraph: false) { }

    private InferenceSession(Graph.Graph graph, SessionOptions? options, string? source, bool ownsGraph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        _options = options ?? new SessionOptions();
        if (_options.Threads < 1 || _options.Threads > WorkerPool.MaxThreads)
            throw new ArgumentOutOfRangeException(nameof(options), _options.Threads, $"SessionOptions.Threads must be 1..{WorkerPool.MaxThreads}");
        _source = source;
        graph.Validate(source);
        var level = _options.OptimizationLevel;
        if (level != OptimizationLevel.None)
        {
            // A loaded model's graph belongs to the session; a caller's graph is optimized as a copy.
            if (!ownsGraph) graph = GraphOptimizer.Copy(graph);
            GraphOptimizer.OptimizeInPlace(graph, level);
        }
        Graph = graph;
        _order = graph.TopologicalOrder(source);
        _specialize = new bool[graph.Inputs.Count];
        Inputs = graph.Inputs.Select(v => new TensorInfo(v.Name, v.DataType, v.DeclaredShape)).ToArray();
        Outputs = graph.Outputs.Select(v => new TensorInfo(v.Name, v.DataType, v.DeclaredShape)).ToArray();
        foreach (var v in graph.Inputs)
            if (v.DataType == DataType.Undefined)
                throw new ModelFormatException($"graph input '{v.Name}' has no element type", source, v.Name);
    }

    /// <summary>Loads a model file (ONNX; the format is detected from the content) and creates a session.</summary>
    public static InferenceSession Load(string path, SessionOptions? options = null)
    {
        BackgroundWarmup.StartIfUseful(options);
        return new(ModelLoader.Load(path), options, path, ownsGraph: true);
    }

    /// <summary>Creates a session from model bytes.</summary>
    public static InferenceSession FromBytes(ReadOnlyMemory<byte> model, SessionOptions? options = null)
    {
        BackgroundWarmup.StartIfUseful(options);
        return new(ModelLoader.Load(model, "<bytes>"), options, "<bytes>", ownsGraph: true);
    }

    /// <summary>Creates a session from a stream holding a model.</summary>
    public static InferenceSession FromStream(Stream stream, SessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return FromBytes(ms.GetBuffer().AsMemory(0, (int)ms.Length), options);
    }

    /// <summary>
    /// The graph this session runs: after the optimizations of <see cref="SessionOptions.OptimizationLevel"/> (folded
    /// constants, fused Conv activations and residuals, channels-last layout...), not the graph as imported or given.
    /// Use <see cref="GraphOptimizer"/> or <see cref="OptimizationLevel.None"/> to see the original.
    /// </summary>
    public Graph.Graph Graph { get; }

    /// <summary>Model inputs, in order.</summary>
    public IReadOnlyList<TensorInfo> Inputs { get; }

    /// <summary>Model outputs, in order.</summary>
    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>Runs the model on inputs given in model order; returns new output tensors in model order.</summary>
    public Tensor[] Run(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var plan = GetPlan(inputs);
        var outputs = new Tensor[plan.OutputSlots.Length];
        for (int i = 0; i < outputs.Length; i++)
            outputs[i] = Tensor.Zeros(plan.Types[plan.OutputSlots[i]], plan.Shapes[plan.OutputSlots[i]], Graph.Outputs[i].Quant);
        RunPlan(plan, inputs, outputs, null);
        return outputs;
    }

    /// <summary>Runs the model on named inputs; returns outputs by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var name in inputs.Keys)
            if (!Inputs.Any(i => i.Name == name))
                throw new InputValidationException($"the model has no such input (inputs: {string.Join(", ", Inputs.Select(i => i.Name))})", name);
        var ordered = new Tensor[Inputs.Count];
        for (int i = 0; i < ordered.Length; i++)
            ordered[i] = inputs.TryGetValue(Inputs[i].Name, out var t) ? t : throw new InputValidationException("missing", Inputs[i].Name);
        var outs = Run(ordered);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < outs.Length; i++) result.TryAdd(Outputs[i].Name, outs[i]);
        return result;
    }

    /// <summary>
    /// Runs the model writing into caller-owned output tensors (model order; shapes and types must match the plan,
    /// see <c>GetPlan</c>). Allocates nothing once a plan for these input shapes exists.
    /// </summary>
    public void Run(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) => RunPlan(CheckOutputs(inputs, outputs), inputs, outputs, null);

    /// <summary>
    /// Runs like <see cref="Run(ReadOnlySpan{Tensor}, ReadOnlySpan{Tensor})"/> and times every step into
    /// <paramref name="profiler"/>, which must have been made for the plan of these inputs' shapes (see
    /// <see cref="GetPlan(ReadOnlySpan{Tensor})"/>). The session's own profile (<see cref="SessionOptions.EnableProfiling"/>)
    /// does not see this run. Allocates nothing once the plan exists.
    /// </summary>
    public void Run(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs, Profiler profiler)
    {
        ArgumentNullException.ThrowIfNull(profiler);
        var plan = CheckOutputs(inputs, outputs);
        if (profiler.Plan != plan)
            throw new ArgumentException("the profiler was made for another plan than the one of these inputs' shapes", nameof(profiler));
        RunPlan(plan, inputs, outputs, profiler);
    }

    /// <summary>The plan for <paramref name="inputs"/>, after checking that <paramref name="outputs"/> fit it.</summary>
    private ExecutionPlan CheckOutputs(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        var plan = GetPlan(inputs);
        if (outputs.Length != plan.OutputSlots.Length)
            throw new InputValidationException($"{outputs.Length} output tensors given, the model has {plan.OutputSlots.Length}");
        for (int i = 0; i < outputs.Length; i++)
        {
            int s = plan.OutputSlots[i];
            if (outputs[i] is null || outputs[i].DataType != plan.Types[s] || outputs[i].Shape != plan.Shapes[s])
                throw new InputValidationException($"output tensor must be {DataTypes.Name(plan.Types[s])}{plan.Shapes[s]}", Outputs[i].Name);
        }
        return plan;
    }

    /// <summary>The plan for these inputs' shapes, compiled (and cached) on first use. Validates the inputs.</summary>
    public ExecutionPlan GetPlan(ReadOnlySpan<Tensor> inputs)
    {
        ValidateInputs(inputs);
        lock (_plans)
        {
            for (int i = 0; i < _plans.Count; i++)
            {
                if (_plans[i].Matches(inputs))
                {
                    var hit = _plans[i];
                    if (i != 0) { _plans.RemoveAt(i); _plans.Insert(0, hit); }
                    return hit;
                }
            }
            var plan = Compile(inputs);
            _plans.Insert(0, plan);
            if (_plans.Count > Math.Max(1, _options.MaxCachedPlans)) _plans.RemoveAt(_plans.Count - 1);
            return plan;
        }
    }

    /// <summary>
    /// The plan for given input shapes (unknown values are taken as zeros), e.g. to inspect memory and MACs without data.
    /// </summary>
    public ExecutionPlan GetPlan(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        var zeros = new Tensor[Inputs.Count];
        for (int i = 0; i < zeros.Length; i++) zeros[i] = Tensor.Zeros(Inputs[i].DataType, inputShapes[i]);
        return GetPlan(zeros);
    }

    /// <summary>
    /// The input shapes a model declares, with unknown dimensions replaced by <paramref name="unknownDim"/> (1 by default).
    /// </summary>
    public Shape[] DefaultInputShapes(int unknownDim = 1) =>
        Inputs.Select(i => new Shape((i.Shape ?? []).Select(d => d.IsKnown ? d.Size : unknownDim).ToArray())).ToArray();

    /// <summary>
    /// Per-step profile (plan order) of the runs since profiling was enabled or <see cref="ResetProfile"/>, for the plan
    /// run last; empty unless <see cref="SessionOptions.EnableProfiling"/>. Runs given their own <see cref="Profiler"/> are not in it.
    /// </summary>
    public IReadOnlyList<NodeProfile> GetProfile() => Volatile.Read(ref _profiler)?.GetNodeProfiles() ?? [];

    /// <summary>Clears the session's profile (e.g. after warm-up runs), so that <see cref="GetProfile"/> covers only the runs that follow.</summary>
    public void ResetProfile()
    {
        lock (_plans) _profiler = null;
    }

    private void RunPlan(ExecutionPlan plan, ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs, Profiler? profiler)
    {
        if (profiler is null && _options.EnableProfiling)
        {
            // The session's profile follows the plan run last: a run with other shapes starts a new one.
            lock (_plans)
            {
                if (_profiler?.Plan != plan) _profiler = new Profiler(plan);
                profiler = _profiler;
            }
        }
        plan.Run(inputs, outputs, profiler);
    }

    private void ValidateInputs(ReadOnlySpan<Tensor> inputs)
    {
        if (inputs.Length != Inputs.Count)
            throw new InputValidationException($"{inputs.Length} inputs given, the model takes {Inputs.Count} ({string.Join(", ", Inputs)})");
        for (int i = 0; i < inputs.Length; i++)
        {
            var info = Inputs[i];
            var t = inputs[i] ?? throw new InputValidationException("is null", info.Name);
            if (t.DataType != info.DataType)
                throw new InputValidationException($"has type {DataTypes.Name(t.DataType)}; the model expects {info}", info.Name);
            if (info.Shape is { } declared)
            {
                bool ok = declared.Count == t.Shape.Rank;
                for (int d = 0; ok && d < declared.Count; d++) ok = !declared[d].IsKnown || declared[d].Size == t.Shape[d];
                if (!ok) throw new InputValidationException($"has shape {t.Shape}; the model expects {info}", info.Name);
            }
        }
    }

    private ExecutionPlan Compile(ReadOnlySpan<Tensor> inputs)
    {
        var shapes = new Shape[inputs.Length];
        var types = new DataType[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) { shapes[i] = inputs[i].Shape; types[i] = inputs[i].DataType; }
        for (int attempt = 0; ; attempt++)
        {
            var specialized = new Tensor?[inputs.Length];
            for (int i = 0; i < inputs.Length; i++) if (_specialize[i]) specialized[i] = inputs[i].Clone();
            try
            {
                return PlanCompiler.Compile(Graph, _order, shapes, types, specialized, _source, _options.Threads);
            }
            catch (PlanCompiler.NeedsSpecializationException e) when (attempt < inputs.Length + 1)
            {
                foreach (int i in e.Inputs)
                {
                    if (inputs[i].ElementCount > 1024)
                        throw new InputValidationException($"its values decide tensor shapes, but it has {inputs[i].ElementCount} elements (at most 1024 are supported)", Inputs[i].Name);
                    _specialize[i] = true;
                }
            }
        }
    }
}
