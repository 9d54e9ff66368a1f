using System.Diagnostics;
using SharpDistill.Torch.Demo;
using SharpDistill.Torch.Optim;
using Xunit.Abstractions;

namespace SharpDistill.Torch.Tests.Engine;

/// <summary>Proofs that the engine neither leaks over a long run nor fails to learn.</summary>
public class EngineProofTests
{
    private readonly ITestOutputHelper output;

    public EngineProofTests(ITestOutputHelper output) => this.output = output;

    /// <summary>
    /// Runs with one intra-op thread: these tensors are tiny, and on a busy 2-core CI machine
    /// libtorch's worker threads contend with other processes and slow each step by an order of magnitude.
    /// </summary>
    private static IDisposable OneThread()
    {
        var previous = TorchRuntime.Threads;
        TorchRuntime.Threads = 1;
        return new Restore(() => TorchRuntime.Threads = previous);
    }

    private sealed class Restore(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    /// <summary>Resident set size of this process in bytes (Linux /proc/self/status, VmRSS in kB).</summary>
    private static long ResidentBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024;
    }

    [Fact]
    public void ThousandTrainingStepsDoNotLeak()
    {
        const int steps = 1000;
        using var threads = OneThread();
        var baseline = LiveTensors.Settled();
        TorchRuntime.ManualSeed(1);
        using var generator = new Generator(1);
        long liveAt100 = 0, rssAt100 = 0, liveAt1000 = 0, rssAt1000 = 0;
        var clock = Stopwatch.StartNew();
        using (var model = TinyCnn.Create(8, 4))
        using (var sgd = new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.01, Momentum = 0.9, WeightDecay = 5e-4 }))
        {
            for (var step = 1; step <= steps; step++)
            {
                using (new TensorScope())
                {
                    var x = Tensors.Randn(new long[] { 8, 1, 8, 8 }, generator);
                    var y = Tensors.RandInt(0, 4, new long[] { 8 }, generator);
                    var loss = F.CrossEntropy(model.Forward(x), y);
                    sgd.ZeroGrad();
                    loss.Backward();
                    sgd.Step();
                    Assert.True(double.IsFinite(loss.ToDouble()));
                }
                if (step == 100 || step == steps)
                {
                    // Grads are cleared so that the count reflects only model, buffers and optimizer state.
                    sgd.ZeroGrad();
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    var live = TorchRuntime.LiveTensorCount;
                    var rss = ResidentBytes();
                    if (step == 100) (liveAt100, rssAt100) = (live, rss);
                    else (liveAt1000, rssAt1000) = (live, rss);
                }
            }
        }
        var after = LiveTensors.Settled();
        output.WriteLine($"live tensors: baseline {baseline}, at step 100 {liveAt100}, at step {steps} {liveAt1000}, after disposal {after}");
        output.WriteLine($"RSS: step 100 {rssAt100 / 1048576.0:F1} MiB, step {steps} {rssAt1000 / 1048576.0:F1} MiB, " +
                         $"growth {(rssAt1000 - rssAt100) / 1048576.0:F2} MiB; {steps} steps in {clock.Elapsed.TotalSeconds:F1} s");

        // 5 parameters (the conv has no bias) + 3 BN buffers + 5 momentum buffers stay alive during training, nothing else.
        Assert.Equal(baseline + 13, liveAt100);
        Assert.Equal(liveAt100, liveAt1000);
        Assert.Equal(baseline, after);
        Assert.True(rssAt1000 - rssAt100 < 30L * 1024 * 1024, $"RSS grew by {(rssAt1000 - rssAt100) / 1048576.0:F1} MiB between steps 100 and {steps}");
    }

    [Fact]
    public void SmallCnnLearnsTheSyntheticProblem()
    {
        using var threads = OneThread();
        var baseline = LiveTensors.Settled();
        var options = new SyntheticTrainingOptions { Epochs = 8, Seed = 42 }; // 8 × 32 = 256 SGD steps
        var result = SyntheticTraining.Run(options, e => output.WriteLine(
            $"epoch {e.Epoch}: lr {e.LearningRate:F4} train loss {e.TrainLoss:F4} acc {e.TrainAccuracy:P1} | test loss {e.TestLoss:F4} acc {e.TestAccuracy:P1} ({e.Elapsed.TotalSeconds:F2} s)"));
        output.WriteLine($"final held-out accuracy {result.FinalTestAccuracy:P2} after {result.Elapsed.TotalSeconds:F1} s, {result.ParameterCount} parameters");

        // The same kind of network untrained is near chance (4 classes): the accuracy comes from training.
        TorchRuntime.ManualSeed(42);
        using (var generator = new Generator(42))
        using (var untrained = TinyCnn.Create(8, QuadrantImages.Classes))
        using (var scope = new TensorScope())
        {
            var (images, labels) = QuadrantImages.Generate(1024, 8, generator);
            var (_, chance) = SyntheticTraining.Evaluate(untrained, images, labels, 256);
            output.WriteLine($"untrained accuracy {chance:P1}");
            Assert.True(chance < 0.5, $"an untrained network scores {chance:P1}");
        }

        Assert.Equal(8, result.Epochs.Count);
        Assert.True(result.FinalTestAccuracy >= 0.98, $"held-out accuracy {result.FinalTestAccuracy:P2} < 98 %");
        Assert.True(result.Epochs[^1].TrainLoss < result.Epochs[0].TrainLoss, "the training loss must fall");
        Assert.Equal(baseline, LiveTensors.Settled());
    }

    [Fact]
    public void TheDemoIsReproducibleForASeed()
    {
        using var threads = OneThread();
        var options = new SyntheticTrainingOptions { Epochs = 1, TrainSamples = 128, TestSamples = 128, Seed = 5 };
        var a = SyntheticTraining.Run(options);
        var b = SyntheticTraining.Run(options);
        Assert.Equal(a.Epochs[0].TrainLoss, b.Epochs[0].TrainLoss);
        Assert.Equal(a.Epochs[0].TestAccuracy, b.Epochs[0].TestAccuracy);
        var c = SyntheticTraining.Run(options with { Seed = 6 });
        Assert.NotEqual(a.Epochs[0].TrainLoss, c.Epochs[0].TrainLoss);
    }

    [Fact]
    public void QuadrantImagesEncodeTheClassInTheBrightQuadrant()
    {
        using var scope = new TensorScope();
        using var generator = new Generator(3);
        var (images, labels) = QuadrantImages.Generate(64, 8, generator, brightness: 1, noise: 0);
        Assert.Equal(new long[] { 64, 1, 8, 8 }, images.Shape);
        Assert.Equal(DType.Int64, labels.DType);
        var pixels = images.ToArray<float>();
        var classes = labels.ToArray<long>();
        for (var n = 0; n < 64; n++)
        {
            // Without noise the bright quadrant is exactly 1 above the rest.
            float At(int y, int x) => pixels[n * 64 + y * 8 + x];
            var quadrantMeans = new[] { At(0, 0), At(0, 7), At(7, 0), At(7, 7) };
            Assert.Equal(classes[n], Array.IndexOf(quadrantMeans, quadrantMeans.Max()));
            Assert.Equal(1f, quadrantMeans.Max() - quadrantMeans.Min(), 5);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => QuadrantImages.Generate(4, 7, generator));
    }
}
