using System.Diagnostics;
using SharpDistill.Torch;
using SharpDistill.Torch.Serialization;

namespace SharpDistill.Tests.Distributed;

/// <summary>
/// Two real worker processes on localhost, joined through c10d's TCPStore and gloo: the averaged
/// gradients are the single-process gradients of the concatenated batch, the ranks keep identical
/// weights, and a killed worker stops the other with a message naming it.
/// </summary>
public class MultiProcessTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    [Fact]
    public void TwoRanksAverageToTheSingleProcessGradientAndStayIdentical()
    {
        using var dir = new TempDirectory();
        using var workers = new WorkerProcesses();
        var port = ProcessGroup.FreeLocalPort();
        const string steps = "4";
        var rank0 = workers.Start(0, 2, port, "steps", dir.Path, steps);
        var rank1 = workers.Start(1, 2, port, "steps", dir.Path, steps);
        var single = workers.Start(null, 1, 0, "steps", dir.Path, steps);
        workers.WaitSucceeded(rank0, Limit);
        workers.WaitSucceeded(rank1, Limit);
        workers.WaitSucceeded(single, Limit);

        using var scope = new TensorScope();
        var reference = SafeTensors.Load(Path.Combine(dir.Path, "grads_single.safetensors"));
        foreach (var rank in new[] { "rank0", "rank1" })
        {
            var averaged = SafeTensors.Load(Path.Combine(dir.Path, $"grads_{rank}.safetensors"));
            Assert.Equal(reference.Tensors.Keys.Order(), averaged.Tensors.Keys.Order());
            foreach (var (name, expected) in reference.Tensors)
            {
                var error = Distance(averaged.Tensors[name], expected);
                var size = Distance(expected, null);
                Assert.True(error <= 1e-6 * size + 1e-12, $"{rank} {name}: |averaged - single| = {error:g3}, |single| = {size:g3}");
            }
        }
        var weights0 = SafeTensors.Load(Path.Combine(dir.Path, "weights_rank0.safetensors"));
        var weights1 = SafeTensors.Load(Path.Combine(dir.Path, "weights_rank1.safetensors"));
        var weightsSingle = SafeTensors.Load(Path.Combine(dir.Path, "weights_single.safetensors"));
        foreach (var (name, w0) in weights0.Tensors)
        {
            Assert.Equal(w0.ToArray<double>(), weights1.Tensors[name].ToArray<double>()); // bit for bit
            var drift = Distance(w0, weightsSingle.Tensors[name]);
            Assert.True(drift <= 1e-9 * Distance(w0, null), $"{name}: 2-process weights drift {drift:g3} from the single process's");
        }
    }

    /// <summary>Euclidean distance of two float64 tensors (from zero when <paramref name="b"/> is null).</summary>
    private static double Distance(Tensor a, Tensor? b)
    {
        var x = a.ToArray<double>();
        var y = b?.ToArray<double>() ?? new double[x.Length];
        Assert.Equal(x.Length, y.Length);
        double sum = 0;
        for (var i = 0; i < x.Length; i++) sum += (x[i] - y[i]) * (x[i] - y[i]);
        return Math.Sqrt(sum);
    }

    [Fact]
    public void KillingOneWorkerStopsTheOtherWithAMessageNamingIt()
    {
        using var workers = new WorkerProcesses();
        var port = ProcessGroup.FreeLocalPort();
        var rank0 = workers.Start(0, 2, port, "wait");
        var rank1 = workers.Start(1, 2, port, "wait");
        var joined = Stopwatch.StartNew();
        while (!(workers.Output(rank0).Contains("joined") && workers.Output(rank1).Contains("joined")))
        {
            Assert.True(joined.Elapsed < Limit, $"the workers did not join: {workers.Error(rank0)} {workers.Error(rank1)}");
            Assert.False(rank0.HasExited || rank1.HasExited, $"a worker exited early: {workers.Error(rank0)} {workers.Error(rank1)}");
            Thread.Sleep(200);
        }
        rank1.Kill();
        var clock = Stopwatch.StartNew();
        Assert.True(rank0.WaitForExit(TimeSpan.FromSeconds(60)), "rank 0 was still running 60 s after rank 1 was killed");
        rank0.WaitForExit();
        Assert.Equal(4, rank0.ExitCode);
        var error = workers.Error(rank0);
        Assert.Contains("rank 0 of 2: lost contact with rank 1", error);
        Assert.DoesNotContain("   at ", error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }
}
