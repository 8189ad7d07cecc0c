using System.Runtime.CompilerServices;

namespace Depthwise.Runtime;

/// <summary>
/// One unit of parallel work: <see cref="Execute"/> is called once for every index in [0, count). A struct, so a
/// parallel region allocates nothing. <c>worker</c> (in [0, <see cref="WorkerPool.Threads"/>)) identifies
/// the thread, e.g. to pick its slice of scratch memory; which thread gets which index is not fixed, so results must
/// depend only on the index.
/// </summary>
public interface IParallelWork
{
    /// <summary>Computes work item <paramref name="index"/> on thread <paramref name="worker"/>.</summary>
    void Execute(int index, int worker);
}

/// <summary>
/// A small dedicated pool: <c>Threads - 1</c> background threads plus the calling thread. A parallel region hands out
/// indices from a shared counter; the caller works too and returns when every index is done. Workers spin briefly
/// before sleeping, since an inference runs a hundred short regions back to back. One region runs at a time; a region
/// started while another is running (a second concurrent <c>Run</c>, or a kernel nested inside a region) runs inline
/// on its caller, so there is no deadlock and no oversubscription. Pools are shared per size (<see cref="Shared"/>).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Pools are shared per size and live as long as the process, like their threads.")]
public sealed unsafe class WorkerPool
{
    private static readonly Dictionary<int, WorkerPool> SharedPools = [];

    /// <summary>Largest pool size accepted.</summary>
    public const int MaxThreads = 256;

    private int _busy;   // 0 free, 1 a region is running: not a Monitor, which would let the same thread nest
    // One wake signal per worker: with a shared semaphore a fast worker going back to sleep could take the release
    // meant for a slower one, which would then never wake. AutoResetEvent (an OS event) rather than SemaphoreSlim:
    // waking through a Monitor allocates per-thread bookkeeping the first time a thread signals, which showed up as
    // bytes allocated inside a run when workers had fallen asleep.
    private readonly AutoResetEvent[] _wake;
    private readonly int[] _asleep;
    private readonly int _spinIterations;
    private volatile int _generation;
    private int _next;
    private int _count;
    private int _pending;
    private void* _state;
    private Exception? _error;
    private delegate*<void*, int, int, void> _invoke;

    private WorkerPool(int threads)
    {
        Threads = threads;
        _wake = new AutoResetEvent[threads];
        _asleep = new int[threads];
        for (int w = 0; w < threads; w++) _wake[w] = new AutoResetEvent(false);
        _spinIterations = Environment.ProcessorCount >= threads ? 20_000 : 0;   // never spin on an oversubscribed machine
        for (int w = 1; w < threads; w++)
        {
            int id = w;
            var t = new Thread(() => WorkerLoop(id)) { IsBackground = true, Name = $"depthwise-worker-{threads}-{id}" };
            t.Start();
        }
    }

    /// <summary>Number of threads that run a region (the caller included).</summary>
    public int Threads { get; }

    /// <summary>The process-wide pool of this size (created on first use; threads live for the process).</summary>
    public static WorkerPool Shared(int threads)
    {
        if (threads < 1 || threads > MaxThreads)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"thread count must be 1..{MaxThreads}");
        lock (SharedPools)
        {
            if (!SharedPools.TryGetValue(threads, out var pool))
            {
                pool = new WorkerPool(threads);
                SharedPools.Add(threads, pool);
            }
            return pool;
        }
    }

    /// <summary>
    /// Calls <c>work.Execute(i, worker)</c> for every i in [0, <paramref name="count"/>) on the pool's threads and returns
    /// when all are done. <paramref name="work"/> must stay where it is until then (it is the caller's local).
    /// </summary>
    public void Run<TWork>(ref TWork work, int count) where TWork : struct, IParallelWork
    {
        if (count <= 0) return;
        if (Threads == 1 || count == 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++) work.Execute(i, 0);
            return;
        }
        try
        {
            _state = Unsafe.AsPointer(ref work);
            _invoke = &Invoker<TWork>.Execute;
            _count = count;
            _next = 0;
            _pending = Threads - 1;
            _error = null;
            Interlocked.Increment(ref _generation);
            for (int w = 1; w < Threads; w++)
                if (Volatile.Read(ref _asleep[w]) != 0) _wake[w].Set();
            Drain(0);
            // Always wait for every worker: they read the caller's stack through _state.
            var spin = new SpinWait();
            while (Volatile.Read(ref _pending) > 0) spin.SpinOnce(sleep1Threshold: -1);
            _state = null;
            if (_error is { } e) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private void Drain(int worker)
    {
        var invoke = _invoke;
        void* state = _state;
        int count = _count;
        int i;
        while ((i = Interlocked.Increment(ref _next) - 1) < count)
        {
            try { invoke(state, i, worker); }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
                Interlocked.Exchange(ref _next, count);   // stop handing out work
            }
        }
    }

    private void WorkerLoop(int id)
    {
        int seen = 0;
        while (true)
        {
            int spins = 0;
            while (_generation == seen)
            {
                if (spins++ < _spinIterations) { Thread.SpinWait(20); continue; }
                Interlocked.Exchange(ref _asleep[id], 1);
                if (_generation == seen) _wake[id].WaitOne();   // a stale signal only causes one extra loop
                Interlocked.Exchange(ref _asleep[id], 0);
                spins = 0;
            }
            seen = _generation;
            Drain(id);
            Interlocked.Decrement(ref _pending);
        }
    }

    private static class Invoker<TWork> where TWork : struct, IParallelWork
    {
        public static void Execute(void* state, int index, int worker) => Unsafe.AsRef<TWork>(state).Execute(index, worker);
    }
}
