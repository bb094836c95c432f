using System.Diagnostics;

namespace MlNetDeep.Engine.Kernels;

/// <summary>
/// Splits an SGEMM into independent row or column slices of C and runs them on the calling thread plus
/// persistent worker threads (at most <see cref="Environment.ProcessorCount"/> threads in all). Only one
/// caller at a time owns the workers; a concurrent caller simply runs single-threaded.
/// </summary>
internal static unsafe class SgemmThreading
{
    /// <summary>Below this many FLOPs per thread the product is not split.</summary>
    private const long MinFlopsPerThread = 1_000_000;

    private static readonly int s_maxThreads = Math.Clamp(Environment.ProcessorCount, 1, 16);
    private static readonly object s_createLock = new();
    private static Worker[]? s_workers;
    private static int s_busy;

    /// <summary>
    /// Runs <paramref name="body"/> over <paramref name="g"/>, in parallel slices when the product is large enough.
    /// Row slices are multiples of <paramref name="mr"/> rows, column slices multiples of <paramref name="nr"/> columns.
    /// </summary>
    public static void Run(delegate*<in SgemmArgs, void> body, in SgemmArgs g, int mr, int nr)
    {
        long flops = 2L * g.M * g.N * g.K;
        int threads = (int)Math.Min(s_maxThreads, flops / MinFlopsPerThread);
        if (threads < 2 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            body(in g);
            return;
        }

        try
        {
            RunParallel(body, in g, mr, nr, threads);
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    private static void RunParallel(delegate*<in SgemmArgs, void> body, in SgemmArgs g, int mr, int nr, int threads)
    {
        // Split the larger dimension: the duplicated packing (B per row slice, A per column slice) stays small.
        bool byRows = g.M >= g.N;
        int extent = byRows ? g.M : g.N;
        int unit = byRows ? mr : nr;
        int units = (extent + unit - 1) / unit;
        int unitsPerPart = (units + threads - 1) / threads;
        int parts = (units + unitsPerPart - 1) / unitsPerPart;
        if (parts < 2)
        {
            body(in g);
            return;
        }

        Worker[] workers = s_workers ?? CreateWorkers();
        int step = unitsPerPart * unit;
        for (int p = 1; p < parts; p++)
        {
            int start = p * step;
            int size = Math.Min(step, extent - start);
            workers[p - 1].Post(body, byRows ? g.RowSlice(start, size) : g.ColumnSlice(start, size));
        }

        Exception? error = null;
        try
        {
            body(byRows ? g.RowSlice(0, step) : g.ColumnSlice(0, step));
        }
        catch (Exception e)
        {
            error = e;
        }

        for (int p = 1; p < parts; p++)
        {
            error ??= workers[p - 1].WaitDone();
        }

        if (error is not null)
        {
            throw new AggregateException("SGEMM slice failed.", error);
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

    /// <summary>A background thread that spins briefly after each job, then sleeps until the next one.</summary>
    private sealed class Worker
    {
        private const int Idle = 0, Posted = 1, Done = 2;
        private static readonly long s_spinTicks = Stopwatch.Frequency / 2000; // 0.5 ms

        private readonly ManualResetEventSlim _wake = new(false, 0);
        private delegate*<in SgemmArgs, void> _body;
        private SgemmArgs _args;
        private Exception? _error;
        private volatile int _state;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"MlNetDeep SGEMM worker {index}" };
            thread.Start();
        }

        public void Post(delegate*<in SgemmArgs, void> body, in SgemmArgs args)
        {
            _body = body;
            _args = args;
            _error = null;
            _state = Posted; // volatile write publishes the job
            _wake.Set();
        }

        public Exception? WaitDone()
        {
            var spinner = new SpinWait();
            while (_state != Done) spinner.SpinOnce(sleep1Threshold: -1);
            _state = Idle;
            return _error;
        }

        private void Loop()
        {
            while (true)
            {
                long spinUntil = Stopwatch.GetTimestamp() + s_spinTicks;
                while (_state != Posted)
                {
                    if (Stopwatch.GetTimestamp() < spinUntil)
                    {
                        Thread.SpinWait(20);
                        continue;
                    }

                    _wake.Reset();
                    Interlocked.MemoryBarrier();
                    if (_state != Posted) _wake.Wait();
                }

                try
                {
                    _body(in _args);
                }
                catch (Exception e)
                {
                    _error = e;
                }

                _state = Done;
            }
        }
    }
}
