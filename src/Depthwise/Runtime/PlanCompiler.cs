using Depthwise.Graph;
using Depthwise.Ops;
using Depthwise.Tensors;

namespace Depthwise.Runtime;

/// <summary>
/// Turns a graph plus concrete input shapes into an <see cref="ExecutionPlan"/>: infers every shape, folds every node
/// whose inputs are all known (running the same kernels the plan would), creates the remaining kernels, and plans memory.
/// </summary>
internal static class PlanCompiler
{
    /// <summary>Raised when an operator needs, as a constant, a value computed from these graph inputs.</summary>
    internal sealed class NeedsSpecializationException(IReadOnlySet<int> inputs) : Exception("plan must be specialized on input values")
    {
        public IReadOnlySet<int> Inputs { get; } = inputs;
    }

    /// <summary>Largest total bytes a plan may fold into constants.</summary>
    private const long MaxFoldedBytes = 1L << 31;

    public static ExecutionPlan Compile(Graph.Graph graph, IReadOnlyList<Node> order, Shape[] inputShapes, DataType[] inputTypes, Tensor?[] specialized, string? file, int threads = 1)
    {
        var slotOf = new Dictionary<Value, int>();
        var states = new List<ValueState>();
        var names = new List<string>();
        int SlotOf(Value v)
        {
            if (!slotOf.TryGetValue(v, out int s))
            {
                s = states.Count;
                slotOf[v] = s;
                var st = new ValueState();
                if (v.Constant is { } c) { st.IsPresent = true; st.Type = c.DataType; st.Shape = c.Shape; st.Constant = c; st.Quant = v.Quant ?? c.Quant; }
                else st.Quant = v.Quant;
                states.Add(st);
                names.Add(v.Name);
            }
            return s;
        }

        var inputSlots = new int[graph.Inputs.Count];
        for (int i = 0; i < graph.Inputs.Count; i++)
        {
            int s = SlotOf(graph.Inputs[i]);
            inputSlots[i] = s;
            var st = states[s];
            st.IsPresent = true;
            st.Type = inputTypes[i];
            st.Shape = inputShapes[i];
            st.Constant = specialized[i];
        }

        foreach (var v in graph.Outputs) SlotOf(v);

        var steps = new List<(Node Node, Kernel Kernel, int[] In, int[] Out, long Macs)>();
        long folded = 0;
        foreach (var node in order)
        {
            var ins = new int[node.Inputs.Length];
            var inStates = new ValueState[node.Inputs.Length];
            for (int i = 0; i < ins.Length; i++)
            {
                if (node.Inputs[i] is { } v) { ins[i] = SlotOf(v); inStates[i] = states[ins[i]]; }
                else { ins[i] = -1; inStates[i] = new ValueState(); }
            }
            var outs = new int[node.Outputs.Length];
            var outStates = new ValueState[outs.Length];
            for (int i = 0; i < outs.Length; i++) { outs[i] = SlotOf(node.Outputs[i]); outStates[i] = states[outs[i]]; }
            var ctx = new OpContext(node, inStates, outStates, threads);

            for (int i = 0; i < ins.Length; i++)
            {
                if (ins[i] >= 0 && inStates[i].Constant is null && node.Op.RequiresConstantInput(i))
                {
                    var sources = GraphInputsFeeding(graph, node.Inputs[i]!);
                    var newOnes = sources.Where(k => specialized[k] is null).ToHashSet();
                    if (newOnes.Count > 0) throw new NeedsSpecializationException(newOnes);
                    throw ctx.Error($"input {i} ('{node.Inputs[i]!.Name}') must be known when the plan is compiled, but it depends on run-time data");
                }
            }

            Guard(node, file, () => node.Op.InferOutputs(ctx));
            for (int i = 0; i < outs.Length; i++)
                if (!outStates[i].IsPresent)
                    throw new ShapeMismatchException(node.Name, node.Op.OpType, $"output {i} ('{node.Outputs[i].Name}') was not inferred");

            bool allOutputsConstant = outStates.All(s => s.Constant is not null);
            bool allInputsConstant = inStates.All(s => !s.IsPresent || s.Constant is not null);
            if (allOutputsConstant) continue;
            if (allInputsConstant && node.Op.IsFoldable)
            {
                long bytes = outStates.Sum(s => (long)s.Shape.ElementCount * DataTypes.SizeOf(s.Type));
                folded += bytes;
                if (folded <= MaxFoldedBytes)
                {
                    var kernel = Guard(node, file, () => node.Op.CreateKernel(ctx));
                    var results = Guard(node, file, () => ConstantEvaluator.Run(kernel, node, inStates, outStates));
                    for (int i = 0; i < outs.Length; i++) outStates[i].Constant = results[i];
                    continue;
                }
            }
            var k = Guard(node, file, () => node.Op.CreateKernel(ctx));
            long macs = Guard(node, file, () => node.Op.CountMacs(ctx));
            steps.Add((node, k, ins, outs, macs));
        }

        // Locations: inputs and outputs are the caller's buffers, constants stay where they are, the rest go in the arena.
        int slotCount = states.Count;
        var locations = new SlotLocation[slotCount + steps.Count];
        var constants = new List<Tensor?>();
        for (int s = 0; s < slotCount; s++)
        {
            if (states[s].Constant is { } c)
            {
                locations[s] = new SlotLocation(SlotKind.Constant, 0, constants.Count, c.Bytes.Length);
                constants.Add(c);
            }
        }
        var outputSlots = new int[graph.Outputs.Count];
        var copies = new List<(int, int)>();
        var outputOwned = new HashSet<int>();
        for (int i = 0; i < graph.Outputs.Count; i++)
        {
            int s = SlotOf(graph.Outputs[i]);
            outputSlots[i] = s;
            if (!states[s].IsPresent) throw new ModelFormatException($"graph output '{graph.Outputs[i].Name}' is never computed", file);
            bool isInput = Array.IndexOf(inputSlots, s) >= 0;
            if (states[s].Constant is not null || isInput || !outputOwned.Add(s)) copies.Add((i, s));
            else locations[s] = new SlotLocation(SlotKind.Output, 0, i, ByteSize(states[s]));
        }
        for (int i = 0; i < inputSlots.Length; i++)
            locations[inputSlots[i]] = new SlotLocation(SlotKind.Input, 0, i, ByteSize(states[inputSlots[i]]));

        var firstUse = new int[slotCount];
        var lastUse = new int[slotCount];
        Array.Fill(firstUse, -1);
        for (int t = 0; t < steps.Count; t++)
        {
            foreach (int s in steps[t].Out) if (firstUse[s] < 0) { firstUse[s] = t; lastUse[s] = t; }
            foreach (int s in steps[t].In) if (s >= 0) lastUse[s] = t;
        }
        var requests = new List<MemoryPlanner.Request>();
        var requestSlot = new List<int>();
        for (int s = 0; s < slotCount; s++)
        {
            bool inArena = firstUse[s] >= 0 && states[s].Constant is null && locations[s].Kind == SlotKind.Arena && !outputOwned.Contains(s)
                && Array.IndexOf(inputSlots, s) < 0;
            if (!inArena) continue;
            requests.Add(new MemoryPlanner.Request(ByteSize(states[s]), firstUse[s], lastUse[s]));
            requestSlot.Add(s);
        }
        var nodePlans = new NodePlan[steps.Count];
        var scratchSlots = new int[steps.Count];
        for (int t = 0; t < steps.Count; t++)
        {
            int bytes = steps[t].Kernel.ScratchBytes;
            scratchSlots[t] = bytes > 0 ? slotCount + t : -1;
            if (bytes > 0)
            {
                requests.Add(new MemoryPlanner.Request(bytes, t, t));
                requestSlot.Add(slotCount + t);
            }
        }
        var plan = MemoryPlanner.Plan(requests);
        if (plan.ArenaBytes > int.MaxValue - MemoryPlanner.Alignment)
            throw new ModelFormatException($"the activations need {plan.ArenaBytes} bytes, more than one arena can hold", file);
        for (int r = 0; r < requests.Count; r++)
            locations[requestSlot[r]] = new SlotLocation(SlotKind.Arena, plan.Offsets[r], 0, (int)requests[r].Bytes);

        for (int t = 0; t < steps.Count; t++)
            nodePlans[t] = new NodePlan(steps[t].Node, steps[t].Kernel, steps[t].In, steps[t].Out, scratchSlots[t], steps[t].Macs);

        var shapes = new Shape[locations.Length];
        var types = new DataType[locations.Length];
        var slotNames = new string[locations.Length];
        for (int s = 0; s < slotCount; s++) { shapes[s] = states[s].Shape; types[s] = states[s].Type; slotNames[s] = names[s]; }
        for (int t = 0; t < steps.Count; t++) { shapes[slotCount + t] = Shape.Scalar; slotNames[slotCount + t] = $"{steps[t].Node.Name}:scratch"; }

        return new ExecutionPlan(nodePlans, slotNames, shapes, types, locations, constants.ToArray(), inputSlots, outputSlots,
            copies.ToArray(), inputShapes, specialized, plan.ArenaBytes, plan.LowerBoundBytes)
        {
            Pool = threads > 1 ? WorkerPool.Shared(threads) : null,
        };
    }

    private static int ByteSize(ValueState s)
    {
        long b = (long)s.Shape.ElementCount * DataTypes.SizeOf(s.Type);
        return (int)b;
    }

    private static HashSet<int> GraphInputsFeeding(Graph.Graph graph, Value v)
    {
        var found = new HashSet<int>();
        var seen = new HashSet<Value>();
        var stack = new Stack<Value>();
        stack.Push(v);
        while (stack.Count > 0)
        {
            var x = stack.Pop();
            if (!seen.Add(x)) continue;
            int gi = graph.Inputs.IndexOf(x);
            if (gi >= 0) found.Add(gi);
            if (x.Producer is { } p) foreach (var i in p.Inputs) if (i is not null) stack.Push(i);
        }
        return found;
    }

    private static void Guard(Node node, string? file, Action a) => Guard(node, file, () => { a(); return 0; });

    /// <summary>Turns an operator's unexpected exception into an error that names the node.</summary>
    private static T Guard<T>(Node node, string? file, Func<T> f)
    {
        try { return f(); }
        catch (DepthwiseException) { throw; }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException or NotSupportedException or ArithmeticException)
        {
            throw new ShapeMismatchException(node.Name, node.Op.OpType, (file is null ? "" : file + ": ") + e.Message);
        }
    }
}
