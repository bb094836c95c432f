using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Engine.Tests;

/// <summary>After warm-up a training step reuses pooled buffers: only a little bookkeeping (closures, shape arrays) is allocated.</summary>
public class AllocationTests
{
    [Fact]
    public void MlpTrainingStepAllocatesNoNewArraysAfterWarmUp()
    {
        // The bench's mlp case: 784-256-128-10, batch 128, SGD.
        var rng = new Rng(42);
        var net = new Sequential(new Linear(784, 256, rng), new Activation(ActivationKind.Relu),
            new Linear(256, 128, rng), new Activation(ActivationKind.Relu), new Linear(128, 10, rng));
        var x = Tensor.Zeros(128, 784);
        for (int i = 0; i < x.Length; i++) x.Span[i] = (float)rng.NextGaussian();
        var labels = Enumerable.Range(0, 128).Select(_ => rng.NextInt(10)).ToArray();
        var sgd = new Sgd(net.Parameters(), 0.1f);
        var tape = new Tape();
        void Step()
        {
            sgd.ZeroGrad();
            tape.Backward(Ops.SoftmaxCrossEntropy(tape, net.Forward(tape, x), labels));
            sgd.Step();
            tape.Reset();
        }

        Step();
        Step();
        // Also warm the unsplit path: when another thread holds the SGEMM workers, this thread's products run whole and
        // need larger thread-local packing buffers than their slices did.
        Kernels.WorkerPool.Serial = true;
        try { Step(); }
        finally { Kernels.WorkerPool.Serial = false; }
        // Tests run in parallel, so the workers may be busy during any one step and hand it a product split that no
        // earlier step used, whose buffers then grow once: the fewest bytes of three steps is what a warm step costs.
        long allocated = long.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Step();
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        // One float buffer of the smallest activation (128×10) alone would be 5 KiB; the whole step's buffers ~1.5 MiB.
        Assert.True(allocated < 4 * 1024, $"a warm training step allocated {allocated} bytes");
    }
}
