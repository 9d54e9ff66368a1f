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

    /// <summary>
    /// Overlapped (the default) with one 25 MiB bucket; overlapped with small buckets and a layer
    /// that never gets a gradient; and the after-backward path. The small-bucket run must show that
    /// bucket all-reduces really started while the backward pass was still computing gradients.
    /// </summary>
    [Theory]
    [InlineData("overlap", null, false)]
    [InlineData("overlap", "0.02", true)]
    [InlineData("after-backward", null, false)]
    public void TwoRanksAverageToTheSingleProcessGradientAndStayIdentical(string sync, string? bucketMiB, bool unused)
    {
        using var dir = new TempDirectory();
        using var workers = new WorkerProcesses();
        workers.Environment["SHARPDISTILL_GRAD_SYNC"] = sync;
        if (bucketMiB != null) workers.Environment["SHARPDISTILL_BUCKET_MB"] = bucketMiB;
        var port = ProcessGroup.FreeLocalPort();
        const int steps = 4;
        string[] args = ["steps", dir.Path, steps.ToString(), .. unused ? new[] { "unused" } : []];
        var rank0 = workers.Start(0, 2, port, args);
        var rank1 = workers.Start(1, 2, port, args);
        var single = workers.Start(null, 1, 0, args);
        workers.WaitSucceeded(rank0, Limit);
        workers.WaitSucceeded(rank1, Limit);
        workers.WaitSucceeded(single, Limit);
        foreach (var rank in new[] { rank0, rank1 })
        {
            var counters = ReducerCounters(workers.Output(rank));
            if (sync == "after-backward")
            {
                Assert.Null(counters);
                continue;
            }
            Assert.NotNull(counters);
            var c = counters!;
            Assert.Equal(steps, c["steps"]);
            if (bucketMiB == null)
            {
                // resnet8's 0.6 MB of float64 gradients fill one bucket: it starts with the last gradient.
                Assert.Equal(new long[] { 1, steps, 0, 0 }, new[] { c["buckets"], c["during_backward"], c["early"], c["at_finish"] });
                continue;
            }
            Assert.True(c["buckets"] > 10, $"expected many small buckets: {workers.Output(rank)}");
            // Step 1 waits for the unused layer's parameters (in the first bucket, with the last
            // layer's), so every bucket starts at finish; from step 2 on the reducer knows they get
            // no gradient and every bucket starts during backward, most of them early.
            Assert.Equal(c["buckets"], c["at_finish"]);
            Assert.Equal((steps - 1) * c["buckets"], c["during_backward"]);
            Assert.True(c["early"] >= steps - 1, $"no bucket all-reduce started before the backward pass ended: {workers.Output(rank)}");
            Assert.Equal(0, c["redone"]);
        }

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

    /// <summary>The "reducer: name=value ..." line a worker printed, or null.</summary>
    private static Dictionary<string, long>? ReducerCounters(string output)
    {
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("reducer: ", StringComparison.Ordinal));
        return line?["reducer: ".Length..].Trim().Split(' ').Select(p => p.Split('='))
            .ToDictionary(p => p[0], p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
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

    /// <summary>Killed while idle between collectives ("wait"), and in the middle of overlapped training steps with small buckets.</summary>
    [Theory]
    [InlineData("wait", "joined", "agreeing on a stop request")]
    [InlineData("forever", "stepping", "averaging gradients")]
    public void KillingOneWorkerStopsTheOtherWithAMessageNamingIt(string mode, string ready, string during)
    {
        using var workers = new WorkerProcesses();
        workers.Environment["SHARPDISTILL_BUCKET_MB"] = "0.02";
        var port = ProcessGroup.FreeLocalPort();
        var rank0 = workers.Start(0, 2, port, mode);
        var rank1 = workers.Start(1, 2, port, mode);
        var joined = Stopwatch.StartNew();
        while (!(workers.Output(rank0).Contains(ready) && workers.Output(rank1).Contains(ready)))
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
        Assert.Contains("rank 0 of 2: lost contact with rank 1 while " + during, error);
        Assert.DoesNotContain("   at ", error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }
}
