using SharpDistill.Config;
using SharpDistill.Training;

namespace SharpDistill.Tests.Training;

/// <summary>Tiny, seeded Fashion-MNIST runs in a temporary output folder (the real Debian dataset files).</summary>
internal sealed class TrainingFixture : IDisposable
{
    public string OutputDir { get; } = Directory.CreateTempSubdirectory("sdtrain").FullName;


    /// <summary>A small config: resnet8 on the first <paramref name="trainImages"/> training images, 2 workers, no progress bar.</summary>
    public RunConfig Config(string name, int epochs, int trainImages = 512, int testImages = 256, params string[] extra)
    {
        var settings = new List<string>
        {
            $"experiment.name={name}", $"experiment.output_dir={OutputDir}", "experiment.seed=7",
            "dataset.name=fashion_mnist", $"dataset.train_limit={trainImages}", $"dataset.test_limit={testImages}",
            "dataset.num_workers=2", "dataset.test_batch_size=128", "models.student=resnet8", "distiller.method=ce",
            $"solver.epochs={epochs}", "solver.batch_size=64", "solver.lr=0.05", "solver.lr_decay_stages=[]",
            "log.progress=false",
        };
        settings.AddRange(extra);
        return RunConfig.Load(Array.Empty<string>(), settings);
    }

    public TrainingResult Train(RunConfig config, bool resume = false, StopSignal? stop = null, Action<Trainer>? configure = null)
    {
        using var setup = RunFactory.Create(config);
        using var trainer = new Trainer(setup, _ => { });
        configure?.Invoke(trainer);
        return trainer.Run(resume, stop);
    }

    public void Dispose()
    {
        try { Directory.Delete(OutputDir, recursive: true); } catch (IOException) { }
    }
}
