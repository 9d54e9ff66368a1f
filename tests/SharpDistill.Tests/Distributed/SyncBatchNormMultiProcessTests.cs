using SharpDistill.Torch;
using SharpDistill.Torch.Serialization;

namespace SharpDistill.Tests.Distributed;

/// <summary>
/// Synchronised batch norm with two real worker processes (gloo on localhost), resnet8 in training
/// mode and float64: each rank computes exactly what one process computes on the concatenated
/// batch, also when the ranks hold different numbers of samples, and the same comparison fails with
/// per-rank batch norm, so it measures the synchronisation.
/// </summary>
public class SyncBatchNormMultiProcessTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);
    private const int World = 2, LocalBatch = 4;

    [Fact]
    public void TwoRanksWithSyncBatchNormComputeTheSingleProcessStepAndPerRankBatchNormDoesNot()
    {
        using var dir = new TempDirectory();
        using var workers = new WorkerProcesses();
        // Small gradient buckets: their all-reduces start from hooks during the backward pass,
        // interleaved with the batch norms' backward collectives on the same process group.
        workers.Environment["SHARPDISTILL_BUCKET_MB"] = "0.01";
        var syncPort = ProcessGroup.FreeLocalPort();
        var plainPort = ProcessGroup.FreeLocalPort();
        var unevenPort = ProcessGroup.FreeLocalPort();
        var all = new[]
        {
            workers.Start(0, World, syncPort, "batchnorm", dir.Path, "sync"), workers.Start(1, World, syncPort, "batchnorm", dir.Path, "sync"),
            workers.Start(0, World, plainPort, "batchnorm", dir.Path, "plain"), workers.Start(1, World, plainPort, "batchnorm", dir.Path, "plain"),
            workers.Start(0, World, unevenPort, "batchnorm", dir.Path, "uneven"), workers.Start(1, World, unevenPort, "batchnorm", dir.Path, "uneven"),
            workers.Start(null, 1, 0, "batchnorm", dir.Path, "plain"),
        };
        foreach (var worker in all) workers.WaitSucceeded(worker, Limit);

        using var scope = new TensorScope();
        var single = SafeTensors.Load(Path.Combine(dir.Path, "bn_plain_single.safetensors")).Tensors;
        var worstPlain = 0.0;
        for (var rank = 0; rank < World; rank++)
        {
            var sync = SafeTensors.Load(Path.Combine(dir.Path, $"bn_sync_rank{rank}.safetensors")).Tensors;
            var uneven = SafeTensors.Load(Path.Combine(dir.Path, $"bn_uneven_rank{rank}.safetensors")).Tensors;
            var plain = SafeTensors.Load(Path.Combine(dir.Path, $"bn_plain_rank{rank}.safetensors")).Tensors;
            Assert.Equal(single.Keys.Order(), sync.Keys.Order());
            foreach (var (name, reference) in single)
            {
                var expected = Expected(name, reference, rank * LocalBatch, LocalBatch);
                var error = RelativeError(Scaled(name, sync[name]), expected);
                Assert.True(error <= 1e-6, $"sync rank {rank} {name}: relative error {error:g3} against the single process");
                worstPlain = Math.Max(worstPlain, RelativeError(Scaled(name, plain[name]), expected));
                var (start, count) = rank == 0 ? (0, 5) : (5, 3);
                error = RelativeError(Scaled(name, uneven[name]), Expected(name, reference, start, count));
                Assert.True(error <= 1e-6, $"uneven (5 + 3) rank {rank} {name}: relative error {error:g3} against the single process");
            }
            if (rank == 1)
            {
                // Running statistics: identical on both ranks (same global statistics), bit for bit.
                var sync0 = SafeTensors.Load(Path.Combine(dir.Path, "bn_sync_rank0.safetensors")).Tensors;
                foreach (var name in single.Keys.Where(k => k.StartsWith("buffer.", StringComparison.Ordinal) && k.Contains("running")))
                    Assert.Equal(Values(sync0[name]), Values(sync[name]));
            }
        }
        // Per-rank statistics (4 of 8 samples) give other outputs, gradients and running statistics.
        Assert.True(worstPlain > 1e-3, $"per-rank batch norm matched the single process too (worst relative error {worstPlain:g3}): the test would not see a missing synchronisation");
    }

    [Fact]
    public void APeerThatLeavesBeforeTheBackwardPassIsADistributedFailure()
    {
        using var dir = new TempDirectory();
        using var workers = new WorkerProcesses();
        var port = ProcessGroup.FreeLocalPort();
        var rank0 = workers.Start(0, World, port, "batchnorm", dir.Path, "die");
        var rank1 = workers.Start(1, World, port, "batchnorm", dir.Path, "die");
        workers.WaitSucceeded(rank1, Limit);
        Assert.True(rank0.WaitForExit(Limit), "rank 0 hung after its peer left");
        rank0.WaitForExit();
        var error = workers.Error(rank0);
        Assert.True(rank0.ExitCode == 4, $"rank 0 exited {rank0.ExitCode}: {error}");
        Assert.Contains("synchronising batch norm gradients", error);
        Assert.DoesNotContain("   at ", error);
    }

    /// <summary>The single process's value that the file of the rank holding samples start … start + count − 1 should hold.</summary>
    private static double[] Expected(string name, Tensor reference, int start, int count) =>
        name is "logits" or "input_grad" ? Values(reference.Narrow(0, start, count)) : Values(reference);

    /// <summary>
    /// A rank's input gradient is that of the sum of all ranks' mean losses (the statistics couple the
    /// shards), i.e. World times the gradient of the global mean loss; parameter gradients are
    /// averaged by the trainer's all-reduce already.
    /// </summary>
    private static double[] Scaled(string name, Tensor value)
    {
        var values = Values(value);
        return name == "input_grad" ? values.Select(v => v / World).ToArray() : values;
    }

    /// <summary>Any tensor's values as doubles (num_batches_tracked is an integer buffer).</summary>
    private static double[] Values(Tensor t) => t.To(DType.Float64).Contiguous().ToArray<double>();

    private static double RelativeError(double[] actual, double[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double difference = 0, size = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            difference += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            size += expected[i] * expected[i];
        }
        return Math.Sqrt(difference) / (Math.Sqrt(size) + 1e-300);
    }
}
