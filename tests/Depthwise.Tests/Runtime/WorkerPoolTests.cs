using Depthwise.Runtime;

namespace Depthwise.Tests.Runtime;

public class WorkerPoolTests
{
    private struct Square : IParallelWork
    {
        public int[] Out;
        public int[] Workers;

        public void Execute(int index, int worker)
        {
            Out[index] = index * index;
            Interlocked.Increment(ref Workers[worker]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryIndexRunsExactlyOnce(int threads)
    {
        var pool = WorkerPool.Shared(threads);
        for (int count = 0; count < 200; count += 7)
        {
            var work = new Square { Out = new int[count], Workers = new int[threads] };
            Array.Fill(work.Out, -1);
            pool.Run(ref work, count);
            Assert.Equal(Enumerable.Range(0, count).Select(i => i * i), work.Out);
            Assert.Equal(count, work.Workers.Sum());
        }
    }

    private struct Throwing : IParallelWork
    {
        public void Execute(int index, int worker)
        {
            if (index == 5) throw new InvalidOperationException("boom");
        }
    }

    [Fact]
    public void AnExceptionReachesTheCallerAndThePoolStillWorks()
    {
        var pool = WorkerPool.Shared(2);
        var bad = new Throwing();
        Assert.Throws<InvalidOperationException>(() => pool.Run(ref bad, 64));
        var ok = new Square { Out = new int[10], Workers = new int[2] };
        pool.Run(ref ok, 10);
        Assert.Equal(81, ok.Out[9]);
    }

    private struct Nested : IParallelWork
    {
        public WorkerPool Pool;
        public int[] Out;

        public void Execute(int index, int worker)
        {
            var inner = new Square { Out = new int[4], Workers = new int[Pool.Threads] };
            Pool.Run(ref inner, 4);   // runs inline: the pool is busy with the outer region
            Out[index] = inner.Out.Sum();
        }
    }

    [Fact]
    public void ConcurrentAndNestedRegionsRunInlineInsteadOfDeadlocking()
    {
        var pool = WorkerPool.Shared(2);
        Parallel.For(0, 8, _ =>
        {
            var outer = new Nested { Pool = pool, Out = new int[16] };
            pool.Run(ref outer, 16);
            Assert.All(outer.Out, v => Assert.Equal(0 + 1 + 4 + 9, v));
        });
    }

    [Fact]
    public void WakingSleepingWorkersAllocatesNothing()
    {
        // Warm up while the workers spin, then measure regions whose workers have fallen asleep in between:
        // the wake-up path must not allocate either (a Monitor-based signal did, once per signalling thread).
        var pool = WorkerPool.Shared(3);
        var work = new Square { Out = new int[64], Workers = new int[3] };
        pool.Run(ref work, 64);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            Thread.Sleep(30);
            pool.Run(ref work, 64);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(63 * 63, work.Out[63]);
    }

    [Fact]
    public void RegionsAllocateNothing()
    {
        var pool = WorkerPool.Shared(2);
        var work = new Square { Out = new int[100], Workers = new int[2] };
        for (int i = 0; i < 200; i++) pool.Run(ref work, 100);
        // A steady-state window: under full-suite load a one-off runtime allocation (JIT tier-up) can land in one
        // window; an allocation per region would show in every window, so the quietest one must be exactly 0.
        long quietest = long.MaxValue;
        for (int w = 0; w < 5; w++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++) pool.Run(ref work, 100);
            quietest = Math.Min(quietest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, quietest);
    }
}
