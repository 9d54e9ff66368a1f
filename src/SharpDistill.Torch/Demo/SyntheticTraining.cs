using System.Diagnostics;
using SharpDistill.Torch.NN;
using SharpDistill.Torch.Optim;
using SharpDistill.Torch.Optim.Schedules;

namespace SharpDistill.Torch.Demo;

/// <summary>Settings of the synthetic learning demo (defaults train in a few seconds on one CPU core).</summary>
public sealed record SyntheticTrainingOptions
{
    public int Epochs { get; init; } = 5;
    public ulong Seed { get; init; } = 0;
    public int TrainSamples { get; init; } = 1024;
    public int TestSamples { get; init; } = 1024;
    public int BatchSize { get; init; } = 32;
    public int ImageSize { get; init; } = 8;
    /// <summary>How much brighter the class quadrant is than the rest (before noise).</summary>
    public double Brightness { get; init; } = 1.0;
    /// <summary>Standard deviation of the per-pixel Gaussian noise.</summary>
    public double Noise { get; init; } = 0.8;
    public double LearningRate { get; init; } = 0.05;
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 5e-4;

    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"epochs must be ≥ 1, got {Epochs}");
        if (TrainSamples < 1 || TestSamples < 1) throw new ArgumentException("the train and test sets need at least one sample each");
        if (BatchSize < 1) throw new ArgumentException($"batch size must be ≥ 1, got {BatchSize}");
    }
}

/// <summary>What one epoch of the demo achieved; accuracies are fractions in [0, 1].</summary>
public sealed record EpochReport(int Epoch, double LearningRate, double TrainLoss, double TrainAccuracy, double TestLoss,
    double TestAccuracy, TimeSpan Elapsed);

public sealed record SyntheticTrainingResult(IReadOnlyList<EpochReport> Epochs, long ParameterCount, TimeSpan Elapsed)
{
    public double FinalTestAccuracy => Epochs[^1].TestAccuracy;
}

/// <summary>
/// An end-to-end, seeded learning demo of the engine: <see cref="TinyCnn"/> trained with SGD
/// (momentum, weight decay) and a per-step cosine schedule on <see cref="QuadrantImages"/>, each
/// step inside its own <see cref="TensorScope"/>, evaluated on held-out images after every epoch.
/// </summary>
public static class SyntheticTraining
{
    public static SyntheticTrainingResult Run(SyntheticTrainingOptions options, Action<EpochReport>? onEpoch = null)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        // Layer initialisation draws from libtorch's default generator; the data from its own one.
        TorchRuntime.ManualSeed(options.Seed);
        using var generator = new Generator(options.Seed);
        var (trainImages, trainLabels) = QuadrantImages.Generate(options.TrainSamples, options.ImageSize, generator, options.Brightness, options.Noise);
        var (testImages, testLabels) = QuadrantImages.Generate(options.TestSamples, options.ImageSize, generator, options.Brightness, options.Noise);
        using var _1 = trainImages;
        using var _2 = trainLabels;
        using var _3 = testImages;
        using var _4 = testLabels;
        using var model = TinyCnn.Create(options.ImageSize, QuadrantImages.Classes);
        using var optimizer = new Sgd(model.Parameters(), new SgdOptions
        {
            LearningRate = options.LearningRate, Momentum = options.Momentum, WeightDecay = options.WeightDecay,
        });
        var schedule = new CosineAnnealingSchedule(options.Epochs);
        var stepsPerEpoch = (options.TrainSamples + options.BatchSize - 1) / options.BatchSize;

        var reports = new List<EpochReport>();
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            model.Train();
            double lossSum = 0;
            long correct = 0;
            using var order = Tensors.RandPerm(options.TrainSamples, generator);
            for (var step = 0; step < stepsPerEpoch; step++)
            {
                optimizer.SetLearningRate(schedule, epoch, (double)step / stepsPerEpoch);
                using var scope = new TensorScope();
                var start = step * options.BatchSize;
                var index = order.Narrow(0, start, Math.Min(options.BatchSize, options.TrainSamples - start));
                var labels = trainLabels.IndexSelect(0, index);
                var logits = model.Forward(trainImages.IndexSelect(0, index));
                var loss = F.CrossEntropy(logits, labels);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                lossSum += loss.ToDouble() * labels.NumEl;
                correct += logits.ArgMax(1).Eq(labels).Sum().ToInt64();
            }
            var (testLoss, testAccuracy) = Evaluate(model, testImages, testLabels, 256);
            var report = new EpochReport(epoch, optimizer.ParamGroups[0].LearningRate, lossSum / options.TrainSamples,
                (double)correct / options.TrainSamples, testLoss, testAccuracy, epochClock.Elapsed);
            reports.Add(report);
            onEpoch?.Invoke(report);
        }
        return new SyntheticTrainingResult(reports, model.ParameterCount(), clock.Elapsed);
    }

    /// <summary>Mean cross-entropy and top-1 accuracy of <paramref name="model"/> in eval mode, without autograd.</summary>
    public static (double Loss, double Accuracy) Evaluate(Module<Tensor, Tensor> model, Tensor images, Tensor labels, int batchSize)
    {
        model.Eval();
        using var noGrad = Autograd.NoGrad();
        var count = images.Size(0);
        double lossSum = 0;
        long correct = 0;
        for (long start = 0; start < count; start += batchSize)
        {
            using var scope = new TensorScope();
            var length = Math.Min(batchSize, count - start);
            var batchLabels = labels.Narrow(0, start, length);
            var logits = model.Forward(images.Narrow(0, start, length));
            lossSum += F.CrossEntropy(logits, batchLabels, Reduction.Sum).ToDouble();
            correct += logits.ArgMax(1).Eq(batchLabels).Sum().ToInt64();
        }
        return (lossSum / count, (double)correct / count);
    }
}
