using SharpDistill.Config;
using SharpDistill.Torch;
using SharpDistill.Training;
using SharpDistill.Training.Checkpoints;
using SharpDistill.Training.Logging;

namespace SharpDistill.Tests.Training;

/// <summary>
/// A run directory survives what happens to real runs: a second run started on it, a kill in the
/// middle of a write, a model that stops producing finite outputs, and a refused resume that must
/// say why.
/// </summary>
public class RunSafetyTests
{
    [Fact]
    public void ARunDirectoryCanBeLockedOnlyOnce()
    {
        using var temp = new TempDirectory();
        var dir = temp.Directory("run");
        using (var first = RunDirectoryLock.Acquire(dir))
        {
            var e = Assert.Throws<RunLockedException>(() => RunDirectoryLock.Acquire(dir));
            Assert.Contains(dir, e.Message);
            Assert.Contains($"pid {Environment.ProcessId}", e.Message);
        }
        using var again = RunDirectoryLock.Acquire(dir); // released on dispose
        Assert.Null(again.Note);
    }

    [Fact]
    public void ALockLeftByADeadRunIsTakenOverWithANote()
    {
        using var temp = new TempDirectory();
        var dir = temp.Directory("run");
        // What a killed run leaves: the lock file (its OS lock died with it) and the owner note.
        File.WriteAllText(Path.Combine(dir, ".lock"), "");
        File.WriteAllText(Path.Combine(dir, ".lock.owner"), "pid 999999 on elsewhere, started 2026-01-01 00:00:00 UTC, sharpdistill");
        using var taken = RunDirectoryLock.Acquire(dir);
        Assert.Contains("pid 999999", taken.Note);
    }

    [FashionMnistFact]
    public void ASecondRunOnTheSameDirectoryIsRefusedAndWritesNothing()
    {
        using var fixture = new TrainingFixture();
        var config = fixture.Config("busy", epochs: 1, trainImages: 128, testImages: 64);
        var runDirectory = Path.Combine(fixture.OutputDir, "busy");
        using var holder = RunDirectoryLock.Acquire(runDirectory);
        var e = Assert.Throws<RunLockedException>(() => fixture.Train(config));
        Assert.Contains("in use by another run", e.Message);
        Assert.False(Directory.Exists(Path.Combine(runDirectory, "checkpoints")));
        Assert.False(File.Exists(Path.Combine(runDirectory, "metrics.jsonl")));
    }

    [FashionMnistFact]
    public void ResumeDropsATornLastMetricsLineAndOrphanedTemporaryFiles()
    {
        using var fixture = new TrainingFixture();
        var first = fixture.Train(fixture.Config("torn", epochs: 1, trainImages: 128, testImages: 64));
        var metrics = Path.Combine(first.RunDirectory, "metrics.jsonl");
        File.AppendAllText(metrics, "{\"Epoch\":2,\"Lr\":0.0"); // a kill during the next epoch's write
        var orphan = Path.Combine(first.RunDirectory, "checkpoints", ".latest.safetensors.0123abcd.tmp");
        File.WriteAllBytes(orphan, new byte[10]);
        var lines = new List<string>();
        using var setup = RunFactory.Create(fixture.Config("torn", epochs: 2, trainImages: 128, testImages: 64));
        using var trainer = new Trainer(setup, lines.Add);
        var resumed = trainer.Run(resume: true);
        Assert.Equal(new[] { 1, 2 }, resumed.History.Select(m => m.Epoch));
        Assert.False(File.Exists(orphan));
        Assert.Contains(lines, l => l.Contains("dropped an incomplete last line"));
        Assert.Contains(lines, l => l.Contains("removed checkpoints/.latest.safetensors.0123abcd.tmp"));
    }

    [FashionMnistFact]
    public void BestIsWrittenBeforeLatestSoAKillBetweenThemCannotLoseIt()
    {
        using var fixture = new TrainingFixture();
        var result = fixture.Train(fixture.Config("order", epochs: 1, trainImages: 128, testImages: 64));
        var best = Path.Combine(result.RunDirectory, "checkpoints", "best.safetensors");
        Assert.True(File.GetLastWriteTimeUtc(best) <= File.GetLastWriteTimeUtc(result.LatestCheckpoint));
    }

    [FashionMnistFact]
    public void ANonFiniteTestLossIsADivergenceStopNotASerializerError()
    {
        using var fixture = new TrainingFixture();
        var result = fixture.Train(fixture.Config("nantest", epochs: 1, trainImages: 128, testImages: 64));
        var before = File.ReadAllBytes(result.LatestCheckpoint);
        // 128 images in batches of 64: poisoning after the epoch's last step leaves the test loss NaN.
        var e = Assert.Throws<TrainingDivergedException>(() =>
            fixture.Train(fixture.Config("nantest", epochs: 2, trainImages: 128, testImages: 64), resume: true,
                configure: t => t.AfterStep = (epoch, step) =>
                {
                    if (step < 2) return;
                    using var _ = Autograd.NoGrad();
                    foreach (var p in t.Optimizer.Parameters) p.Fill_(double.NaN);
                }));
        Assert.Contains("test loss became NaN after epoch 2", e.Message);
        Assert.Equal(before, File.ReadAllBytes(result.LatestCheckpoint));
        Assert.Equal(new[] { 1 }, MetricsLog.Read(Path.Combine(result.RunDirectory, "metrics.jsonl")).Select(m => m.Epoch));
    }

    [FashionMnistFact]
    public void ARefusedResumeNamesEveryKeyThatDiffers()
    {
        using var fixture = new TrainingFixture();
        fixture.Train(fixture.Config("diff", epochs: 1, trainImages: 128, testImages: 64));
        var e = Assert.Throws<CheckpointException>(() =>
            fixture.Train(fixture.Config("diff", epochs: 2, trainImages: 128, testImages: 64, "solver.lr=0.1", "solver.momentum=0.8"), resume: true));
        Assert.Contains("2 key(s) differ", e.Message);
        Assert.Contains("solver.lr: 0.05 -> 0.1", e.Message);
        Assert.Contains("solver.momentum: 0.9 -> 0.8", e.Message);
    }

    [Fact]
    public void ConfigsDifferByValuesNotByTextLayout()
    {
        const string a = "solver:\n  lr: 0.05\n  epochs: 3\nexperiment:\n  seed: 1 # the seed\n";
        const string b = "experiment: {seed: '1'}\nsolver:\n  epochs: 4\n  lr: 0.05\n";
        Assert.Empty(ConfigDiff.Compare(a, b, ["solver.epochs"]));
        var differences = ConfigDiff.Compare(a, b);
        Assert.Equal("solver.epochs: 3 -> 4", Assert.Single(differences).ToString());
    }

    [Fact]
    public void TheLaterOfTiedEpochsIsTheBest()
    {
        var (best, isNew) = BestEpoch.None.After(1, 80.0);
        Assert.True(isNew);
        (best, isNew) = best.After(2, 79.0);
        Assert.False(isNew);
        Assert.Equal(new BestEpoch(80.0, 1), best);
        (best, isNew) = best.After(3, 80.0);
        Assert.True(isNew);
        Assert.Equal(new BestEpoch(80.0, 3), best);
        Assert.Equal(new BestEpoch(0.0, 1), BestEpoch.None.After(1, 0.0).Best); // the first epoch is always a best
    }

    [Theory]
    [InlineData("solver.epochs=0", "solver.epochs must be at least 1, got 0")]
    [InlineData("solver.epochs=-3", "solver.epochs must be at least 1, got -3")]
    [InlineData("solver.batch_size=0", "solver.batch_size must be at least 1, got 0")]
    [InlineData("dataset.num_workers=-1", "dataset.num_workers must be at least 0")]
    [InlineData("dataset.train_limit=-5", "dataset.train_limit must be at least 0")]
    [InlineData("dataset.test_limit=-5", "dataset.test_limit must be at least 0")]
    [InlineData("dataset.test_batch_size=0", "dataset.test_batch_size must be at least 1")]
    [InlineData("solver.lr=0", "solver.lr must be a positive finite number")]
    [InlineData("solver.momentum=1", "solver.momentum must be in [0, 1)")]
    [InlineData("solver.lr_decay_stages=[5, 3]", "solver.lr_decay_stages must increase")]
    [InlineData("experiment.seed=-1", "experiment.seed must be at least 0")]
    public void OutOfRangeValuesAreRefusedByTheirKey(string assignment, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => RunConfig.Load([], [assignment]));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void TheProgressBarNeverDrawsOnAWriterThatIsNotTheTerminal()
    {
        Assert.False(new EpochProgress(true, new StringWriter()).Enabled);
        Assert.False(new EpochProgress(true, null).Enabled);
        var drawn = new StringWriter();
        new EpochProgress(true, drawn).Run("epoch 1/1", 3, report => report(new StepStatus(1, 3, 64, 1.0, 50.0)));
        Assert.Equal("", drawn.ToString());
    }
}
