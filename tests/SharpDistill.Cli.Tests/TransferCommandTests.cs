using SharpDistill.Cli.Tests.Methods;
using SharpDistill.Models;
using SharpDistill.Training.Checkpoints;

namespace SharpDistill.Cli.Tests;

/// <summary>`transfer` end to end: a student trained on MNIST-format classes 0-4, probed on 5-9.</summary>
public class TransferCommandTests : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("sdcli-transfer").FullName;
    private readonly TinyMnist data = new(train: 96, test: 40);

    public void Dispose()
    {
        data.Dispose();
        try { Directory.Delete(output, true); } catch (IOException) { }
    }

    private string[] Probe(string checkpoint, params string[] extra) =>
        new[] { "transfer", checkpoint, "--dataset", "mnist", "--set", $"dataset.root={data.Root}", "--set", "dataset.classes=[5, 6, 7, 8, 9]",
            "--set", "dataset.num_workers=1", "--set", $"experiment.output_dir={output}", "--set", "solver.epochs=1",
            "--set", "transfer.image_size=28", "--set", "log.progress=false", "--set", "log.tensorboard=false" }.Concat(extra).ToArray();

    private string TrainStudent()
    {
        var train = CliRunner.Run(new[] { "train", "--set", $"experiment.output_dir={output}", "--set", "experiment.name=student",
            "--set", "models.student=resnet8", "--set", "dataset.classes=[0, 1, 2, 3, 4]", "--set", "solver.epochs=1",
            "--set", "log.progress=false", "--set", "log.tensorboard=false" }.Concat(data.Settings).ToArray());
        Assert.True(train.ExitCode == 0, train.ToString());
        return Path.Combine(output, "student", "checkpoints", "latest.safetensors");
    }

    [Fact]
    public void Probes_a_student_in_both_modes_and_resumes_like_any_run()
    {
        var checkpoint = TrainStudent();

        var probe = CliRunner.Run(Probe(checkpoint));
        Assert.True(probe.ExitCode == 0, probe.ToString());
        Assert.Contains("batch norm in training mode", probe.Output);
        var runDirectory = Path.Combine(output, "transfer-bn_train-mnist-student-latest");
        Assert.Contains("batch_norm: train", File.ReadAllText(Path.Combine(runDirectory, "config.yaml")));
        Assert.Contains("checkpoint: '" + checkpoint + "'", File.ReadAllText(Path.Combine(runDirectory, "config.yaml")));
        Assert.True(File.Exists(Path.Combine(runDirectory, "checkpoints", "latest.safetensors")));
        Assert.Equal("linear_probe", CheckpointFile.ReadState(Path.Combine(runDirectory, "checkpoints", "latest.safetensors")).Method);

        var again = CliRunner.Run(Probe(checkpoint));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--resume", again.Error);
        var resumed = CliRunner.Run(Probe(checkpoint, "--resume", "--set", "solver.epochs=2"));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(2, File.ReadAllLines(Path.Combine(runDirectory, "metrics.jsonl")).Length);

        var strict = CliRunner.Run(Probe(checkpoint, "--strict"));
        Assert.True(strict.ExitCode == 0, strict.ToString());
        Assert.Contains("batch norm frozen in eval mode", strict.Output);
        Assert.Contains("batch_norm: frozen",
            File.ReadAllText(Path.Combine(output, "transfer-bn_frozen-mnist-student-latest", "config.yaml")));
    }

    [Fact]
    public void Bad_checkpoints_are_one_readable_error_with_exit_code_2()
    {
        var missing = CliRunner.Run(Probe(Path.Combine(output, "nope.safetensors")));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("student checkpoint not found", missing.Error);

        using var student = ModelZoo.Create("resnet8", new ModelOptions(5, 1, ModelVariant.TinyImageNet));
        var unknown = Path.Combine(output, "unknown.safetensors");
        CheckpointFile.Save(unknown, new CheckpointState
        {
            Kind = "best", Epoch = 1, BestTop1 = 0, BestEpoch = 1, Seed = 0, Method = "ce", Student = "resnet999", NumClasses = 5,
            InChannels = 1, Variant = nameof(ModelVariant.TinyImageNet), ConfigYaml = "", LibTorchVersion = "test", SharpDistillVersion = "test",
        }, student, [], null);
        var result = CliRunner.Run(Probe(unknown));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'resnet999'", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }
}
