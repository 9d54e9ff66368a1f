namespace SharpDistill.Cli.Tests;

/// <summary>
/// distributed.sync_batch_norm from the command line: shown by `config`, one readable error for a bad
/// value, recorded in a run's config and without effect in a single-process run. Its effect under
/// `launch`: LaunchCommandTests; the arithmetic: SyncBatchNormMultiProcessTests.
/// </summary>
public class DistributedSettingsTests : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("sddist").FullName;

    public void Dispose()
    {
        try { Directory.Delete(output, true); } catch (IOException) { }
    }

    [Fact]
    public void ConfigShowsTheKeyOffByDefaultAndTakesTrue()
    {
        var defaults = CliRunner.Run("config");
        Assert.True(defaults.ExitCode == 0, defaults.ToString());
        Assert.Contains("distributed:\n  sync_batch_norm: false\n", defaults.Output);
        var on = CliRunner.Run("config", "--set", "distributed.sync_batch_norm=true");
        Assert.True(on.ExitCode == 0, on.ToString());
        Assert.Contains("  sync_batch_norm: true\n", on.Output);
    }

    [Theory]
    [InlineData("distributed.sync_batch_norm=maybe")]
    [InlineData("distributed.sync_batch_norm=2")]
    [InlineData("distributed.sync_batch_norm=[true]")]
    public void ABadValueIsOneReadableErrorNamingTheKey(string assignment)
    {
        var result = CliRunner.Run("config", "--set", assignment);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("distributed.sync_batch_norm", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
    }

    [FashionMnistFact]
    public void ASingleProcessRunRecordsTheKeyAndTrainsExactlyAsWithoutIt()
    {
        string[] Train(string name, string sync) =>
        [
            "train", "--set", $"experiment.output_dir={output}", "--set", $"experiment.name={name}", "--set", "dataset.train_limit=64",
            "--set", "dataset.test_limit=32", "--set", "solver.epochs=1", "--set", "log.progress=false", "--set", "models.student=resnet8",
            "--set", "dataset.num_workers=1", "--set", "log.tensorboard=false", "--set", $"distributed.sync_batch_norm={sync}",
        ];
        var on = CliRunner.Run(Train("on", "true"));
        Assert.True(on.ExitCode == 0, on.ToString());
        Assert.DoesNotContain("data-parallel", on.Output);
        Assert.Contains("sync_batch_norm: true", File.ReadAllText(Path.Combine(output, "on", "config.yaml")));
        var off = CliRunner.Run(Train("off", "false"));
        Assert.True(off.ExitCode == 0, off.ToString());

        using var scope = new SharpDistill.Torch.TensorScope();
        var a = SharpDistill.Torch.Serialization.SafeTensors.Load(Path.Combine(output, "on", "checkpoints", "latest.safetensors")).Tensors;
        var b = SharpDistill.Torch.Serialization.SafeTensors.Load(Path.Combine(output, "off", "checkpoints", "latest.safetensors")).Tensors;
        var weights = a.Keys.Where(k => k.Contains("running_mean") || k.EndsWith("weight", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(weights);
        foreach (var key in weights)
            Assert.Equal(b[key].To(SharpDistill.Torch.DType.Float64).ToArray<double>(), a[key].To(SharpDistill.Torch.DType.Float64).ToArray<double>());
    }
}
