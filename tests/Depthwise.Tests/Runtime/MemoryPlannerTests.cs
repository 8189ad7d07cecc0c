using Depthwise.Runtime;

namespace Depthwise.Tests.Runtime;

public class MemoryPlannerTests
{
    [Fact]
    public void OverlappingLifetimesNeverShareBytes()
    {
        var rnd = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            var reqs = new List<MemoryPlanner.Request>();
            int n = rnd.Next(1, 40);
            for (int i = 0; i < n; i++)
            {
                int a = rnd.Next(0, 30), len = rnd.Next(0, 6);
                reqs.Add(new MemoryPlanner.Request(rnd.Next(1, 5000), a, a + len));
            }
            var plan = MemoryPlanner.Plan(reqs);
            Assert.True(plan.ArenaBytes >= plan.LowerBoundBytes);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(0, plan.Offsets[i] % MemoryPlanner.Alignment);
                Assert.True(plan.Offsets[i] + MemoryPlanner.PaddedSize(reqs[i].Bytes) <= plan.ArenaBytes);
                for (int j = i + 1; j < n; j++)
                {
                    bool timeOverlap = reqs[i].FirstStep <= reqs[j].LastStep && reqs[j].FirstStep <= reqs[i].LastStep;
                    if (!timeOverlap) continue;
                    long ai = plan.Offsets[i], bi = ai + MemoryPlanner.PaddedSize(reqs[i].Bytes);
                    long aj = plan.Offsets[j], bj = aj + MemoryPlanner.PaddedSize(reqs[j].Bytes);
                    Assert.True(bi <= aj || bj <= ai, $"requests {i} and {j} overlap in time and space");
                }
            }
        }
    }

    [Fact]
    public void AChainReusesMemory()
    {
        // a -> b -> c -> d, each 1 KiB: at most two alive at once.
        var reqs = Enumerable.Range(0, 4).Select(i => new MemoryPlanner.Request(1024, i, i + 1)).ToList();
        var plan = MemoryPlanner.Plan(reqs);
        Assert.Equal(2 * MemoryPlanner.PaddedSize(1024), plan.ArenaBytes);
        Assert.Equal(plan.LowerBoundBytes, plan.ArenaBytes);
    }
}
