using System.Diagnostics;
using SharpDistill.Models;
using SharpDistill.Torch;
using SharpDistill.Torch.Serialization;
using SharpDistill.Training.Logging;

namespace SharpDistill.Cli.Tests;

/// <summary>`launch` runs a tiny Fashion-MNIST distillation in two worker processes, as one run.</summary>
public class LaunchCommandTests : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("sdlaunch").FullName;

    public void Dispose()
    {
        try { Directory.Delete(output, true); } catch (IOException) { }
    }

    /// <summary>The CLI of this build as a child process, its output captured; OpenMP threads sleep when idle.</summary>
    private static ProcessStartInfo Cli(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "SharpDistill.Cli.dll"), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        return start;
    }

    private static (int ExitCode, string Output, string Error) Launch(params string[] args)
    {
        var start = Cli(["launch", .. args]);
        start.Environment["SHARPDISTILL_THREADS"] = "2";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(8)), "launch did not finish");
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private string[] Distill(string teacher, params string[] extra) =>
    [
        "distill", "--method", "crld", "--teacher-checkpoint", teacher, "--set", $"experiment.output_dir={output}",
        "--set", "experiment.name=crld2", "--set", "dataset.train_limit=256", "--set", "dataset.test_limit=100",
        "--set", "solver.epochs=1", "--set", "log.progress=false", "--set", "models.student=resnet8",
        "--set", "models.teacher=resnet8", "--set", "dataset.num_workers=1", .. extra,
    ];

    [FashionMnistFact]
    public void TwoWorkersDistillIntoOneRunDirectoryAndResume()
    {
        var teacher = Path.Combine(output, "teacher.safetensors");
        using (var model = ModelZoo.Create("resnet8", new ModelOptions(10, 1, ModelVariant.TinyImageNet))) model.SaveSafeTensors(teacher);

        var first = Launch(["--nproc-per-node", "2", "--", .. Distill(teacher)]);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("ranks 0..1 of 2", first.Error);
        Assert.Contains("data-parallel: 2 processes", first.Output);
        Assert.Contains("32 of the global batch 64 per process", first.Output);
        Assert.Contains("gradient all-reduce", first.Output);
        Assert.Single(Directory.GetDirectories(output));
        var run = Path.Combine(output, "crld2");
        Assert.True(File.Exists(Path.Combine(run, "checkpoints", "latest.safetensors")));
        Assert.Single(MetricsLog.Read(Path.Combine(run, "metrics.jsonl")));

        var resumed = Launch(["--nproc-per-node", "2", "--", .. Distill(teacher, "--resume", "--set", "solver.epochs=2")]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        var rows = MetricsLog.Read(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal([1, 2], rows.Select(m => m.Epoch));

        // The sharded evaluation, combined over the ranks, is the single-process evaluation of the same weights.
        var eval = CliRunner.Run("eval", Path.Combine(run, "checkpoints", "latest.safetensors"));
        Assert.True(eval.ExitCode == 0, eval.ToString());
        Assert.Contains("(100 images)", eval.Output);
        var top1 = double.Parse(System.Text.RegularExpressions.Regex.Match(eval.Output, @"top-1 ([0-9.]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(top1, rows[^1].TestTop1, 2);

        // A worker that fails (the global batch cannot be split in two) fails the launch, with its message.
        var bad = Launch(["--nproc-per-node", "2", "--", .. Distill(teacher, "--set", "experiment.name=odd", "--set", "solver.batch_size=63")]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("solver.batch_size is 63", bad.Error);
        Assert.Contains("exited with code 2", bad.Error);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    [FashionMnistFact]
    public void CtrlCAtTheLauncherStopsEveryWorkerAfterTheSameStepAndKeepsTheCheckpoint()
    {
        var teacher = Path.Combine(output, "teacher.safetensors");
        using (var model = ModelZoo.Create("resnet8", new ModelOptions(10, 1, ModelVariant.TinyImageNet))) model.SaveSafeTensors(teacher);
        var start = Cli(["launch", "--nproc-per-node", "2", "--", .. Distill(teacher, "--set", "dataset.train_limit=4096", "--set", "solver.epochs=20")]);
        start.Environment["SHARPDISTILL_THREADS"] = "2";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Rank 0 writes config.yaml when training starts.
        var config = Path.Combine(output, "crld2", "config.yaml");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(config))
        {
            if (process.HasExited) Assert.Fail($"launch ended before training: {stderr.Result}");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), "training did not start");
            Thread.Sleep(200);
        }
        Thread.Sleep(3000); // some steps into the first epoch
        Assert.True(SendSignal(process.Id, 2) == 0, $"kill failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}"); // SIGINT, what Ctrl-C sends
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "launch did not stop after Ctrl-C");
        process.WaitForExit();
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}: {stdout.Result} {stderr.Result}");
        Assert.Contains("latest checkpoint written", stdout.Result);
        Assert.True(File.Exists(Path.Combine(output, "crld2", "checkpoints", "latest.safetensors")));
        Assert.DoesNotContain("lost contact", stderr.Result); // the ranks stopped together
    }

    [FashionMnistFact]
    public void TwoWorkersDistillWithSynchronisedBatchNorm()
    {
        var teacher = Path.Combine(output, "teacher.safetensors");
        using (var model = ModelZoo.Create("resnet8", new ModelOptions(10, 1, ModelVariant.TinyImageNet))) model.SaveSafeTensors(teacher);

        var run = Launch(["--nproc-per-node", "2", "--", .. Distill(teacher, "--set", "distributed.sync_batch_norm=true", "--set", "log.tensorboard=false")]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("batch norm synchronised across processes (9 layers)", run.Output);
        Assert.Contains("sync_batch_norm: true", File.ReadAllText(Path.Combine(output, "crld2", "config.yaml")));
        Assert.Single(MetricsLog.Read(Path.Combine(output, "crld2", "metrics.jsonl")));
    }

    [FashionMnistFact]
    public void KillingAWorkerWithSynchronisedBatchNormStopsTheOtherNamingIt()
    {
        var teacher = Path.Combine(output, "teacher.safetensors");
        using (var model = ModelZoo.Create("resnet8", new ModelOptions(10, 1, ModelVariant.TinyImageNet))) model.SaveSafeTensors(teacher);
        var port = ProcessGroup.FreeLocalPort();
        // Two workers started directly (as torchrun would), so the test can kill one of them. Most of a
        // step's collectives are then batch-norm synchronisations inside the forward and backward passes.
        Process Worker(int rank)
        {
            var start = Cli(Distill(teacher, "--set", "distributed.sync_batch_norm=true", "--set", "dataset.train_limit=4096", "--set", "solver.epochs=20"));
            foreach (var (name, value) in new Dictionary<string, string>
                     {
                         ["RANK"] = $"{rank}", ["LOCAL_RANK"] = $"{rank}", ["WORLD_SIZE"] = "2", ["MASTER_ADDR"] = "127.0.0.1",
                         ["MASTER_PORT"] = $"{port}", ["SHARPDISTILL_THREADS"] = "1", ["SHARPDISTILL_DIST_TIMEOUT"] = "20",
                     })
                start.Environment[name] = value;
            return Process.Start(start)!;
        }
        using var rank0 = Worker(0);
        using var rank1 = Worker(1);
        var stderr0 = rank0.StandardError.ReadToEndAsync();
        _ = rank0.StandardOutput.ReadToEndAsync();
        _ = rank1.StandardOutput.ReadToEndAsync();
        _ = rank1.StandardError.ReadToEndAsync();
        try
        {
            var config = Path.Combine(output, "crld2", "config.yaml");
            var clock = Stopwatch.StartNew();
            while (!File.Exists(config))
            {
                Assert.False(rank0.HasExited || rank1.HasExited, "a worker ended before training");
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), "training did not start");
                Thread.Sleep(200);
            }
            Thread.Sleep(2000); // some steps into the first epoch
            rank1.Kill();
            Assert.True(rank0.WaitForExit(TimeSpan.FromSeconds(60)), "rank 0 was still running 60 s after rank 1 was killed");
            rank0.WaitForExit();
            Assert.True(rank0.ExitCode == 4, $"exit {rank0.ExitCode}: {stderr0.Result}");
            Assert.Contains("rank 0 of 2: lost contact with rank 1", stderr0.Result);
            Assert.DoesNotContain("   at ", stderr0.Result);
        }
        finally
        {
            if (!rank0.HasExited) rank0.Kill();
            if (!rank1.HasExited) rank1.Kill();
        }
    }

    [Fact]
    public void BadOptionsAreOneReadableError()
    {
        var none = Launch("--nproc-per-node", "0", "--", "distill");
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("--nproc-per-node is 0", none.Error);
        var node = Launch("--nproc-per-node", "1", "--nnodes", "2", "--node-rank", "2", "--", "distill");
        Assert.Equal(2, node.ExitCode);
        Assert.Contains("--node-rank is 2", node.Error);
        Assert.DoesNotContain("   at ", node.Error);
    }
}
