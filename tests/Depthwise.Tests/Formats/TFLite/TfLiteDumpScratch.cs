using Depthwise.Formats.TFLite;
using Xunit.Abstractions;

namespace Depthwise.Tests.Formats.TFLite;

public sealed class TfLiteDumpScratch(ITestOutputHelper output)
{
    [Fact]
    public void Dump()
    {
        foreach (var f in SharedModels.AllTfLite())
        {
            var m = TfLiteModel.Read(File.ReadAllBytes(f), f);
            output.WriteLine($"== {Path.GetFileName(f)} v{m.Version} subgraphs {m.SubgraphCount} tensors {m.Tensors.Length} ops {m.Operators.Length} meta [{string.Join(",", m.Metadata.Select(x => x.Name))}]");
            foreach (var g in m.Operators.GroupBy(o => m.OperatorCodes[o.OpcodeIndex].Name + " v" + m.OperatorCodes[o.OpcodeIndex].Version + " opt" + o.OptionsType))
                output.WriteLine($"   {g.Key} x{g.Count()}");
            foreach (int i in m.Inputs) output.WriteLine($"   in {m.Tensors[i].Name} {m.Tensors[i].Type} [{string.Join(",", m.Tensors[i].Shape)}] q={m.Tensors[i].Quantization?.Scale?.Length}");
            foreach (int i in m.Outputs) output.WriteLine($"   out {m.Tensors[i].Name} {m.Tensors[i].Type} [{string.Join(",", m.Tensors[i].Shape)}]");
            var types = m.Tensors.GroupBy(t => t.Type).Select(g => $"{g.Key}:{g.Count()}");
            output.WriteLine("   types " + string.Join(" ", types));
            try { Depthwise.Formats.TFLite.TfLiteImporter.Import(File.ReadAllBytes(f), f); output.WriteLine("   IMPORT OK"); }
            catch (DepthwiseException e) { output.WriteLine("   IMPORT FAIL " + e.Message); }
        }
    }
}
