using System.Diagnostics;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// The engine's worker pool: persistent worker threads plus the calling thread (at most
/// <see cref="Environment.ProcessorCount"/> threads in all, 16 at most). Its users: <see cref="Sgemm"/> splits one
/// product into independent row or column slices of C (<see cref="Run"/>); convolution runs fixed batch chunks, the
/// recurrent op runs directions and batch-row chunks of its time loop, and <see cref="ParallelRanges"/> runs
/// memory-bound passes (activations, batch norm, pooling, addition) through <see cref="ParallelFor"/>. Work items are
/// claimed dynamically, so a worker that is descheduled (busy machine) only costs the items it has started. Only one
/// caller at a time owns the workers; a concurrent caller simply runs single-threaded.
/// </summary>
internal static unsafe class WorkerPool
{
    /// <summary>Below this many FLOPs per thread the product is not split.</summary>
    private const long MinFlopsPerThread = 1_000_000;

    /// <summary>Smallest product, in FLOPs, that is split across threads (two threads' worth).</summary>
    internal const long MinParallelFlops = 2 * MinFlopsPerThread;

    /// <summary>Slices per thread, for load balance.</summary>
    private const int SlicesPerThread = 4;

    /// <summary>Smallest slice worth claiming separately, in FLOPs.</summary>
    private const long MinFlopsPerSlice = 16_000_000;

    private static readonly int s_maxThreads = Math.Clamp(Environment.ProcessorCount, 1, 16);
    private static readonly object s_createLock = new();
    private static int s_threadLimit = s_maxThreads;
    private static Worker[]? s_workers;
    private static int s_busy;
    private static Job s_job;

    [ThreadStatic] private static bool t_serial;

    /// <summary>
    /// When true, products started on the current thread run single-threaded: set by callers that already split their
    /// work across threads (convolution over batch chunks), so that the workers are not oversubscribed.
    /// </summary>
    internal static bool Serial
    {
        get => t_serial;
        set => t_serial = value;
    }

    /// <summary>Upper bound on threads per product (tests and benchmarks lower it; 1 = single-threaded).</summary>
    internal static int MaxThreads
    {
        get => s_threadLimit;
        set => s_threadLimit = Math.Clamp(value, 1, s_maxThreads);
    }

    /// <summary>
    /// Runs <paramref name="body"/> over <paramref name="g"/>, in parallel slices when the product is large enough.
    /// Row slices are multiples of <paramref name="mr"/> rows, column slices multiples of <paramref name="nr"/> columns.
    /// </summary>
    public static void Run(delegate*<in SgemmArgs, void> body, in SgemmArgs g, int mr, int nr)
    {
        long flops = 2L * g.M * g.N * g.K;
        int threads = (int)Math.Min(s_threadLimit, flops / MinFlopsPerThread);
        if (threads < 2 || t_serial || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            body(in g);
            return;
        }

        try
        {
            RunParallel(body, in g, mr, nr, threads, flops);
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>
    /// Runs body(0 … count−1) on the calling thread plus the persistent workers (not the thread pool, so a worker still
    /// spinning after an SGEMM is reused rather than competing for a core). Items are claimed dynamically; whatever
    /// depends on which thread ran an item must not affect results. SGEMMs inside the body run single-threaded.
    /// </summary>
    /// <param name="count">Number of work items.</param>
    /// <param name="body">Work item; may be called concurrently for different items.</param>
    internal static void ParallelFor(int count, Action<int> body)
    {
        int threads = Math.Min(s_threadLimit, count);
        if (threads < 2 || t_serial || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }

        try
        {
            s_job = new Job { Item = body, Slices = count, Next = 0 };
            try
            {
                RunJob(threads - 1, "Parallel work item failed.");
            }
            finally
            {
                s_job.Item = null;
            }
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    private static void RunParallel(delegate*<in SgemmArgs, void> body, in SgemmArgs g, int mr, int nr, int threads, long flops)
    {
        // Column slices of a non-transposed A share A in place and pack disjoint parts of B: nothing is duplicated,
        // so they win when there are enough column panels (measured +5-10% at 512³ and 1024³). Otherwise split
        // the larger dimension, so slices stay big enough to amortise their own packing.
        int columnPanels = (g.N + nr - 1) / nr;
        bool byRows = (g.TransA || columnPanels < 4 * threads) && g.M >= g.N;
        int extent = byRows ? g.M : g.N;
        int unit = byRows ? mr : nr;
        int units = (extent + unit - 1) / unit;
        // A multiple of the thread count, so equal slices finish together; more slices only for big products.
        long perThread = Math.Clamp(flops / (MinFlopsPerSlice * threads), 1, SlicesPerThread);
        int slices = (int)Math.Min(units, perThread * threads);
        if (slices < 2)
        {
            body(in g);
            return;
        }

        s_job = new Job
        {
            Body = body, Args = g, ByRows = byRows, Unit = unit, Units = units, Extent = extent, Slices = slices, Next = 0,
        };
        RunJob(Math.Min(threads, slices) - 1, "SGEMM slice failed.");
    }

    /// <summary>
    /// Runs the current <see cref="s_job"/> on the calling thread and <paramref name="helpers"/> workers, waits for all
    /// of them, and rethrows the first failure wrapped with <paramref name="failure"/>.
    /// </summary>
    private static void RunJob(int helpers, string failure)
    {
        Worker[] workers = s_workers ?? CreateWorkers();
        for (int w = 0; w < helpers; w++) workers[w].Post();
        Exception? error = null;
        try
        {
            RunSlices();
        }
        catch (Exception e)
        {
            error = e;
        }

        for (int w = 0; w < helpers; w++) error ??= workers[w].Finish();
        if (error is not null) throw new AggregateException(failure, error);
    }

    /// <summary>Claims and computes slices of the current job until none are left.</summary>
    private static void RunSlices()
    {
        ref Job job = ref s_job;
        while (true)
        {
            int i = Interlocked.Increment(ref job.Next) - 1;
            if (i >= job.Slices) return;
            if (job.Item is not null)
            {
                bool serial = t_serial;
                t_serial = true;
                try { job.Item(i); }
                finally { t_serial = serial; }
                continue;
            }
            // Slice i covers units [i·units/slices, (i+1)·units/slices): sizes differ by at most one unit.
            int start = (int)((long)i * job.Units / job.Slices) * job.Unit;
            int end = Math.Min(job.Extent, (int)((long)(i + 1) * job.Units / job.Slices) * job.Unit);
            int size = end - start;
            SgemmArgs slice = job.ByRows ? job.Args.RowSlice(start, size) : job.Args.ColumnSlice(start, size);
            job.Body(in slice);
        }
    }

    private static Worker[] CreateWorkers()
    {
        lock (s_createLock)
        {
            if (s_workers is null)
            {
                var workers = new Worker[s_maxThreads - 1];
                for (int i = 0; i < workers.Length; i++) workers[i] = new Worker(i);
                s_workers = workers;
            }
            return s_workers;
        }
    }

    /// <summary>The product being split; owned by whoever holds <see cref="s_busy"/>.</summary>
    private struct Job
    {
        public delegate*<in SgemmArgs, void> Body;
        public Action<int>? Item; // set for ParallelFor jobs instead of Body
        public SgemmArgs Args;
        public bool ByRows;
        public int Unit, Units, Extent, Slices, Next;
    }

    /// <summary>A background thread that spins briefly after each job, then sleeps until the next one.</summary>
    private sealed class Worker
    {
        private const int Idle = 0, Posted = 1, Running = 2, Done = 3;
        private static readonly long s_spinTicks = Stopwatch.Frequency / 2000; // 0.5 ms

        private readonly ManualResetEventSlim _wake = new(false, 0);
        private Exception? _error;
        private int _state;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"MlNetDeep worker {index}" };
            thread.Start();
        }

        /// <summary>Invites the worker to help with <see cref="s_job"/>.</summary>
        public void Post()
        {
            _error = null;
            Volatile.Write(ref _state, Posted);
            _wake.Set();
        }

        /// <summary>
        /// Withdraws the invitation if the worker has not taken it up yet, else waits for it to finish its slices.
        /// </summary>
        public Exception? Finish()
        {
            if (Interlocked.CompareExchange(ref _state, Idle, Posted) == Posted) return null;
            var spinner = new SpinWait();
            while (Volatile.Read(ref _state) != Done) spinner.SpinOnce(sleep1Threshold: -1);
            Volatile.Write(ref _state, Idle);
            return _error;
        }

        private void Loop()
        {
            while (true)
            {
                long spinUntil = Stopwatch.GetTimestamp() + s_spinTicks;
                while (Volatile.Read(ref _state) != Posted)
                {
                    if (Stopwatch.GetTimestamp() < spinUntil)
                    {
                        Thread.SpinWait(20);
                        continue;
                    }

                    _wake.Reset();
                    Interlocked.MemoryBarrier();
                    if (Volatile.Read(ref _state) != Posted) _wake.Wait();
                }

                if (Interlocked.CompareExchange(ref _state, Running, Posted) != Posted) continue;
                try
                {
                    RunSlices();
                }
                catch (Exception e)
                {
                    _error = e;
                }

                Volatile.Write(ref _state, Done);
            }
        }
    }
}
