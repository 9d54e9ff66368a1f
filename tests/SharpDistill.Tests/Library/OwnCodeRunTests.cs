using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using SharpDistill.Config;
using SharpDistill.Data;
using SharpDistill.Distillers;
using SharpDistill.Export;
using SharpDistill.Models;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;
using SharpDistill.Torch.Serialization;
using SharpDistill.Training;
using SharpDistill.Training.Checkpoints;
using static SharpDistill.Tests.Export.OnnxRuntimeParity;

namespace SharpDistill.Tests.Library;

/// <summary>
/// The library path of docs/library.md, end to end from C#: a teacher and a student of one's own
/// (<see cref="SequentialClassifier"/>), a dataset made in memory, a method and its settings set
/// in code, the shared trainer (checkpoints, stop and resume), evaluation and ONNX export.
/// </summary>
public class OwnCodeRunTests : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("sdlibrary").FullName;
    private static readonly Normalize Norm = new([0.3f], [0.25f]);

    public void Dispose()
    {
        try { Directory.Delete(output, true); } catch (IOException) { }
    }

    private static SequentialClassifier Cnn(string name, int width) => new(name,
        new Sequential(
            new Conv2d(1, width, 3, padding: 1, bias: false), new BatchNorm2d(width), new ReLU(), new MaxPool2d(2),
            new Conv2d(width, 2 * width, 3, padding: 1, bias: false), new BatchNorm2d(2 * width), new ReLU()),
        2 * width, ShapesData.ClassNames.Length, inChannels: 1);

    private RunConfig Config(string name, string method, int epochs)
    {
        var config = new RunConfig();
        config.Experiment.Name = name;
        config.Experiment.OutputDir = output;
        config.Distiller.Method = method;
        config.Solver.Epochs = epochs;
        config.Solver.BatchSize = 32;
        config.Dataset.NumWorkers = 1;
        config.Log.Progress = false;
        config.Log.Tensorboard = false;
        return config;
    }

    private static TrainingResult Train(RunSetup run, bool resume = false, StopSignal? stop = null, Action<Trainer>? configure = null)
    {
        using var trainer = new Trainer(run, _ => { });
        configure?.Invoke(trainer);
        return trainer.Run(resume, stop);
    }

    private RunParts Parts(ZooModel student, ZooModel? teacher) => new()
    {
        Student = student, Teacher = teacher, Normalize = Norm,
        Train = ShapesData.Create("shapes/train", 512, seed: 1), Test = ShapesData.Create("shapes/test", 64, seed: 2),
    };

    private string TrainTeacher()
    {
        TorchRuntime.ManualSeed(0);
        using var run = Parts(Cnn("shapes-teacher", 16), null).CreateRun(Config("teacher", "ce", epochs: 5));
        var result = Train(run);
        Assert.True(result.BestTop1 >= 90, $"teacher top-1 {result.BestTop1}");
        return result.BestCheckpoint;
    }

    private ZooModel LoadTeacher(string checkpoint)
    {
        var teacher = Cnn("shapes-teacher", 16);
        CheckpointFile.Load(checkpoint, teacher);
        return teacher;
    }

    [Fact]
    public void OwnModelsAndDataDistilWithTheSharedTrainerAndExportToOnnx()
    {
        TorchRuntime.EnsureLoaded();
        var teacherCheckpoint = TrainTeacher();
        var config = Config("student", "kd", epochs: 3);
        config.Distiller.Settings<KdSettings>().Temperature = 2;
        TorchRuntime.ManualSeed(1);
        using var run = Parts(Cnn("shapes-student", 4), LoadTeacher(teacherCheckpoint)).CreateRun(config);
        Assert.Equal("kd", run.Distiller.Method);
        var result = Train(run);
        Assert.Equal(3, result.EpochsCompleted);
        Assert.True(result.BestTop1 >= 80, $"student top-1 {result.BestTop1}");
        Assert.Contains("loss_kd", result.History[0].TrainTerms.Keys);
        var state = CheckpointFile.ReadState(result.LatestCheckpoint);
        Assert.Equal(("shapes-student", "shapes-teacher", "kd", 4, 1), (state.Student, state.Teacher, state.Method, state.NumClasses, state.InChannels));
        Assert.Contains("temperature: 2", state.ConfigYaml);

        // Evaluation as the trainer does it, from the library.
        var evaluation = Evaluator.Evaluate(run.Distiller.Student, run.TestLoader, run.Device);
        Assert.Equal(result.LastTop1, evaluation.Top1, 6);

        // Export with serving metadata; ONNX Runtime gives the eval-mode logits and features.
        var student = run.Distiller.Student;
        var onnx = Path.Combine(output, "student.onnx");
        var spec = new ServingSpec
        {
            Model = student.Name, Channels = 1, InputSize = ShapesData.Size, Mean = [0.3f], Std = [0.25f],
            NumClasses = 4, ClassNames = ShapesData.ClassNames,
        };
        OnnxExporter.Export(student, spec, onnx, withFeatures: true);
        Assert.True(student.Training, "Export leaves the network in the mode it was in");
        student.Eval();
        using var generator = new Generator(5);
        long[] shape = [3, 1, ShapesData.Size, ShapesData.Size];
        using var input = Tensors.Randn(shape, generator);
        float[] logits, pooled;
        using (Autograd.NoGrad())
        using (var forward = student.Forward(input))
        {
            logits = forward.Logits.ToArray<float>();
            pooled = forward.PooledFeat.ToArray<float>();
        }
        var ort = Run(File.ReadAllBytes(onnx), input.ToArray<float>(), shape, OnnxExporter.LogitsName, OnnxExporter.FeaturesName);
        AssertClose(logits, ort[0], 1e-4, "own student logits");
        AssertClose(pooled, ort[1], 1e-4, "own student pooled feature");
        using var session = new InferenceSession(onnx);
        var read = ServingSpec.FromMetadata(session.ModelMetadata.CustomMetadataMap, onnx);
        Assert.Equal(ShapesData.ClassNames, read.ClassNames);
        Assert.Equal((1, ShapesData.Size, "shapes-student"), (read.Channels, read.InputSize, read.Model));
    }

    [Fact]
    public void AnOwnRunStoppedMidEpochResumesToTheSameWeights()
    {
        TorchRuntime.EnsureLoaded();
        RunSetup Setup(string name)
        {
            TorchRuntime.ManualSeed(3);
            return Parts(Cnn("shapes-student", 4), null).CreateRun(Config(name, "ce", epochs: 2));
        }
        TrainingResult straight;
        using (var run = Setup("straight")) straight = Train(run);
        using (var stop = new StopSignal(hookConsole: false))
        using (var run = Setup("stopped"))
        {
            var stopped = Train(run, stop: stop, configure: t => t.AfterStep = (epoch, step) => { if (epoch == 2 && step == 3) stop.Request(); });
            Assert.True(stopped.Stopped);
        }
        TrainingResult resumed;
        using (var run = Setup("stopped")) resumed = Train(run, resume: true);
        Assert.Equal(2, resumed.EpochsCompleted);
        using var a = SafeTensors.Load(straight.LatestCheckpoint);
        using var b = SafeTensors.Load(resumed.LatestCheckpoint);
        foreach (var (key, tensor) in a.Tensors.Where(t => t.Key.StartsWith("student.", StringComparison.Ordinal)))
            Assert.True(tensor.DType != DType.Float32 || tensor.ToArray<float>().SequenceEqual(b.Tensors[key].ToArray<float>()), $"{key} differs after resume");
    }

    [Fact]
    public void PartsThatDoNotFitAreRefusedBeforeAnythingRuns()
    {
        TorchRuntime.EnsureLoaded();
        using var student = Cnn("s", 4);
        var noTeacher = Assert.Throws<ArgumentException>(() => Parts(student, null).CreateRun(Config("x", "kd", 1)));
        Assert.Contains("needs a teacher", noTeacher.Message);
        using var wide = new SequentialClassifier("ten", new Sequential(new Conv2d(1, 4, 3)), 4, numClasses: 10, inChannels: 1);
        var classes = Assert.Throws<ArgumentException>(() => Parts(wide, null).CreateRun(Config("x", "ce", 1)));
        Assert.Contains("10 outputs", classes.Message);
        var odd = new InMemoryDataset("odd", [new ByteImage(20, 20, 1), new ByteImage(24, 20, 1)], [0, 1], 4);
        var views = Assert.Throws<ArgumentException>(() => (Parts(student, null) with { Train = odd }).CreateRun(Config("x", "ce", 1)));
        Assert.Contains("RunParts.Views", views.Message);
        Assert.False(Directory.Exists(Path.Combine(output, "x")));
    }
}
