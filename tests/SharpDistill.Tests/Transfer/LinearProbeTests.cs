using SharpDistill.Config;
using SharpDistill.Distillers;
using SharpDistill.Models;
using SharpDistill.Tests.Data;
using SharpDistill.Torch;
using SharpDistill.Training;
using SharpDistill.Training.Checkpoints;
using SharpDistill.Transfer;

namespace SharpDistill.Tests.Transfer;

/// <summary>The linear probe freezes exactly what the protocol freezes (docs/transfer.md).</summary>
public class LinearProbeTests
{
    /// <summary>A SharpDistill checkpoint of an untrained 1-channel student, as train or distill would write it.</summary>
    internal static string SaveStudent(TempDirectory dir, string model = "resnet8", int classes = 5, string? recordedModel = null)
    {
        using var student = ModelZoo.Create(model, new ModelOptions(classes, 1, ModelVariant.TinyImageNet));
        var state = new CheckpointState
        {
            Kind = "best", Epoch = 1, BestTop1 = 0, BestEpoch = 1, Seed = 0, Method = "ce", Student = recordedModel ?? model,
            NumClasses = classes, InChannels = 1, Variant = nameof(ModelVariant.TinyImageNet), ConfigYaml = "",
            LibTorchVersion = "test", SharpDistillVersion = "test",
        };
        var path = dir.PathOf($"{recordedModel ?? model}.safetensors");
        CheckpointFile.Save(path, state, student, [], null);
        return path;
    }

    /// <summary>A tiny MNIST-format dataset with 10 classes (random pixels) under dir/mnist.</summary>
    internal static string WriteTinyMnist(TempDirectory dir, int train = 48, int test = 20)
    {
        var root = dir.Directory("mnist");
        var random = new Random(3);
        foreach (var (prefix, count) in new[] { ("train", train), ("t10k", test) })
        {
            var pixels = new byte[count * 784];
            random.NextBytes(pixels);
            TestFiles.WriteIdx(Path.Combine(root, $"{prefix}-images-idx3-ubyte"), 2051, [count, 28, 28], pixels, gzip: false);
            TestFiles.WriteIdx(Path.Combine(root, $"{prefix}-labels-idx1-ubyte"), 2049, [count],
                Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray(), gzip: false);
        }
        return root;
    }

    internal static RunConfig ProbeConfig(TempDirectory dir, string checkpoint, string dataRoot, string batchNorm, params string[] more) =>
        RunConfig.Load((TransferRunFactory.ProtocolYaml, "the linear-probe protocol"), [],
        [
            $"transfer.checkpoint={checkpoint}", "models.student=resnet8", "dataset.name=mnist", $"dataset.root={dataRoot}",
            "dataset.classes=[5, 6, 7, 8, 9]", "dataset.num_workers=1", "solver.epochs=1", "solver.batch_size=16", "transfer.image_size=28",
            $"transfer.batch_norm={batchNorm}", $"experiment.output_dir={dir.PathOf("runs")}", "log.progress=false", "log.tensorboard=false",
            .. more,
        ]);

    private static Dictionary<string, float[]> Snapshot(IEnumerable<KeyValuePair<string, Tensor>> tensors) =>
        tensors.ToDictionary(t => t.Key, t =>
        {
            using var values = t.Value.To(DType.Float32);
            return values.Contiguous().ToArray<float>();
        });

    private static List<string> Changed(Dictionary<string, float[]> before, Dictionary<string, float[]> after) =>
        before.Where(b => !b.Value.SequenceEqual(after[b.Key])).Select(b => b.Key).ToList();

    [Theory]
    [InlineData("train")]
    [InlineData("frozen")]
    public void Only_the_new_classifier_learns_and_bn_statistics_adapt_only_in_the_default_mode(string batchNorm)
    {
        using var dir = new TempDirectory();
        var checkpoint = SaveStudent(dir);
        var config = ProbeConfig(dir, checkpoint, WriteTinyMnist(dir), batchNorm);
        using var setup = TransferRunFactory.Create(config);
        var probe = Assert.IsType<ProbeModel>(setup.Distiller.Student);
        Assert.Equal(5, probe.NumClasses);
        var parametersBefore = Snapshot(probe.Backbone.NamedParameters());
        var buffersBefore = Snapshot(probe.Backbone.NamedBuffers());
        var classifierBefore = Snapshot(probe.Classifier.NamedParameters());

        using var trainer = new Trainer(setup, _ => { });
        // The optimizer holds the classifier's weight and bias and nothing else.
        Assert.Equal(2, trainer.Optimizer.ParamGroups.Sum(g => g.Parameters.Count));
        var result = trainer.Run();
        Assert.Equal(1, result.EpochsCompleted);

        Assert.Empty(Changed(parametersBefore, Snapshot(probe.Backbone.NamedParameters())));
        Assert.Equal(["bias", "weight"], Changed(classifierBefore, Snapshot(probe.Classifier.NamedParameters())).Order());
        var changedBuffers = Changed(buffersBefore, Snapshot(probe.Backbone.NamedBuffers()));
        var runningStatistics = buffersBefore.Keys.Where(k => k.EndsWith("running_mean") || k.EndsWith("running_var")).ToList();
        Assert.NotEmpty(runningStatistics);
        if (batchNorm == "train")
            Assert.Equal(runningStatistics.Order(), changedBuffers.Where(k => !k.EndsWith("num_batches_tracked")).Order());
        else
            Assert.Empty(changedBuffers);

        // Every record of the run says which probe it was.
        Assert.Contains($"batch_norm: {batchNorm}", File.ReadAllText(Path.Combine(result.RunDirectory, "config.yaml")));
        Assert.Contains($"loss_probe_bn_{batchNorm}", File.ReadAllText(Path.Combine(result.RunDirectory, "metrics.jsonl")));
        Assert.Contains($"transfer-bn_{batchNorm}-mnist-", result.RunDirectory);
    }

    [Fact]
    public void The_new_classifier_starts_from_the_protocols_initialisation()
    {
        using var scope = new TensorScope();
        using var backbone = ModelZoo.Create("resnet20", new ModelOptions(100));
        var width = MethodRegistry.PooledFeatureWidth(backbone);
        using var probe = new ProbeModel(backbone, 200, width, ProbeBatchNorm.Train);
        var weights = probe.Classifier.Weight.ToArray<float>();
        var mean = weights.Average();
        var std = Math.Sqrt(weights.Select(w => (w - mean) * (w - mean)).Average());
        Assert.InRange(std, 0.009, 0.011);
        Assert.InRange(mean, -0.001, 0.001);
        Assert.All(probe.Classifier.Bias!.ToArray<float>(), b => Assert.Equal(0f, b));
        Assert.All(probe.Backbone.Parameters(), p => Assert.False(p.RequiresGrad));
    }

    /// <summary>Every zoo model, whatever its classifier is called: the probe reads the pooled feature and only the classifier gets gradients.</summary>
    [Fact]
    public void Works_for_every_zoo_model()
    {
        foreach (var entry in ModelZoo.Entries)
        {
            using var scope = new TensorScope();
            using var backbone = ModelZoo.Create(entry.QualifiedName, new ModelOptions(entry.Family == ModelFamily.ImageNet ? 1000 : 100));
            var width = MethodRegistry.PooledFeatureWidth(backbone);
            using var probe = new ProbeModel(backbone, 7, width, ProbeBatchNorm.Train);
            var size = backbone.NativeInputSize;
            var logits = probe.ForwardLogits(Tensors.Randn(new long[] { 2, 3, size, size }));
            Assert.Equal(new long[] { 2, 7 }, logits.Shape);
            logits.Sum().Backward();
            Assert.All(probe.Backbone.Parameters(), p => Assert.Null(p.Grad));
            Assert.NotNull(probe.Classifier.Weight.Grad);
        }
    }

    /// <summary>The published case: a CIFAR student (standard variant, 32-pixel input) probed on STL-10's 96-pixel images.</summary>
    [Fact]
    public void A_cifar_student_probes_stl10_at_32_pixels()
    {
        using var dir = new TempDirectory();
        using (var student = ModelZoo.Create("resnet8", new ModelOptions(100)))
            CheckpointFile.Save(dir.PathOf("cifar.safetensors"), new CheckpointState
            {
                Kind = "latest", Epoch = 240, BestTop1 = 0, BestEpoch = 1, Seed = 0, Method = "dcd", Student = "resnet8", NumClasses = 100,
                InChannels = 3, Variant = nameof(ModelVariant.Standard), ConfigYaml = "", LibTorchVersion = "test", SharpDistillVersion = "test",
            }, student, [], null);
        var stl = dir.Directory("stl10_binary");
        Stl10Tests.WriteSplit(stl, "train", Enumerable.Range(0, 20).Select(i => (byte)(i % 10 + 1)).ToArray());
        Stl10Tests.WriteSplit(stl, "test", Enumerable.Range(0, 10).Select(i => (byte)(i + 1)).ToArray());
        string[] settings =
        [
            $"transfer.checkpoint={dir.PathOf("cifar.safetensors")}", "models.student=resnet8", "dataset.name=stl10", $"dataset.root={dir.Path}",
            "dataset.num_workers=1", $"experiment.output_dir={dir.PathOf("runs")}", "log.progress=false", "log.tensorboard=false",
        ];
        var protocol = RunConfig.Load((TransferRunFactory.ProtocolYaml, "the linear-probe protocol"), [], settings).Solver;
        Assert.Equal((OptimizerName.Sgd, 0.05, 0.9, 5e-4, 64, 120), (protocol.Optimizer, protocol.Lr, protocol.Momentum, protocol.WeightDecay, protocol.BatchSize, protocol.Epochs));
        Assert.Equal([30, 60, 90], protocol.LrDecayStages);
        Assert.Equal(0.1, protocol.LrDecayRate);
        var config = RunConfig.Load((TransferRunFactory.ProtocolYaml, "the linear-probe protocol"), [], [.. settings, "solver.epochs=1"]);
        using var setup = TransferRunFactory.Create(config);
        using (var batch = setup.TrainLoader.Epoch(1).First())
            Assert.Equal([20L, 3, 32, 32], batch.Views[0].Shape);
        using var trainer = new Trainer(setup, _ => { });
        var result = trainer.Run();
        Assert.Equal(1, result.EpochsCompleted);
        Assert.Equal(10, Assert.IsType<ProbeModel>(setup.Distiller.Student).NumClasses);
    }

    [Fact]
    public void A_checkpoint_of_an_unknown_model_is_refused_naming_it()
    {
        using var dir = new TempDirectory();
        var checkpoint = SaveStudent(dir, recordedModel: "resnet999");
        var config = ProbeConfig(dir, checkpoint, WriteTinyMnist(dir), "train");
        var e = Assert.Throws<CheckpointException>(() => TransferRunFactory.Create(config));
        Assert.Contains("'resnet999'", e.Message);
        Assert.Contains(checkpoint, e.Message);
    }

    [Fact]
    public void A_standard_variant_student_needs_its_native_image_size()
    {
        using var dir = new TempDirectory();
        using var student = ModelZoo.Create("resnet8", new ModelOptions(10, 1));
        var path = dir.PathOf("standard.safetensors");
        CheckpointFile.Save(path, new CheckpointState
        {
            Kind = "best", Epoch = 1, BestTop1 = 0, BestEpoch = 1, Seed = 0, Method = "ce", Student = "resnet8", NumClasses = 10,
            InChannels = 1, Variant = nameof(ModelVariant.Standard), ConfigYaml = "", LibTorchVersion = "test", SharpDistillVersion = "test",
        }, student, [], null);
        var config = ProbeConfig(dir, path, WriteTinyMnist(dir), "train");
        var e = Assert.Throws<ConfigException>(() => TransferRunFactory.Create(config));
        Assert.Contains("transfer.image_size=32", e.Message);
    }
}
