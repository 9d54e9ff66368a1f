using SharpDistill.Torch.Optim.Schedules;

namespace SharpDistill.Torch.Tests.Optim;

public class ScheduleTests
{
    [Fact]
    public void MultiStepMatchesTheCrldRecipeAtEveryBoundary()
    {
        // docs/training.md: 0.05 for epochs 1–150, 0.005 for 151–180, 5e-4 for 181–210, 5e-5 for 211–240.
        var schedule = new MultiStepSchedule(new[] { 150, 180, 210 });
        var expected = new Dictionary<int, double>
        {
            [1] = 0.05, [150] = 0.05, [151] = 0.005, [180] = 0.005, [181] = 5e-4, [210] = 5e-4, [211] = 5e-5, [240] = 5e-5,
        };
        foreach (var (epoch, lr) in expected)
            Assert.Equal(lr, schedule.LearningRate(0.05, epoch), 15);
    }

    [Fact]
    public void MultiStepMatchesPyTorchsRecursiveMultiStepLR()
    {
        // PyTorch's MultiStepLR.get_lr: at each scheduler step, if last_epoch is a milestone the rate is
        // multiplied by γ once per occurrence of that milestone. Epoch e (1-based) trains at last_epoch = e − 1.
        var milestones = new[] { 3, 5, 5, 9 };
        var schedule = new MultiStepSchedule(milestones, gamma: 0.5);
        var lr = 0.8;
        for (var lastEpoch = 0; lastEpoch < 15; lastEpoch++)
        {
            lr *= Math.Pow(0.5, milestones.Count(m => m == lastEpoch));
            Assert.Equal(lr, schedule.LearningRate(0.8, lastEpoch + 1), 15);
            Assert.Equal(lr, schedule.LearningRate(0.8, lastEpoch + 1, 0.99), 15); // no decay inside an epoch
        }
    }

    [Fact]
    public void StepDecaysEveryStepSizeEpochs()
    {
        var schedule = new StepSchedule(30);
        Assert.Equal(0.1, schedule.LearningRate(0.1, 30), 15);
        Assert.Equal(0.01, schedule.LearningRate(0.1, 31), 15);
        Assert.Equal(0.01, schedule.LearningRate(0.1, 60), 15);
        Assert.Equal(0.001, schedule.LearningRate(0.1, 61), 15);
    }

    [Fact]
    public void CosineAnnealingBoundaries()
    {
        var schedule = new CosineAnnealingSchedule(100, minLearningRate: 0.001);
        Assert.Equal(0.1, schedule.LearningRate(0.1, 1), 15);
        Assert.Equal(0.001 + 0.099 * (1 + Math.Cos(Math.PI / 100)) / 2, schedule.LearningRate(0.1, 2), 15);
        Assert.Equal((0.1 + 0.001) / 2, schedule.LearningRate(0.1, 51), 15);
        Assert.Equal(0.001, schedule.LearningRateAt(0.1, 100), 15);
        Assert.Equal(0.001, schedule.LearningRate(0.1, 150), 15);
        // Per-step: a quarter of the way through epoch 51 is t = 50.25.
        Assert.Equal(0.001 + 0.099 * (1 + Math.Cos(Math.PI * 50.25 / 100)) / 2, schedule.LearningRate(0.1, 51, 0.25), 15);
    }

    [Fact]
    public void LinearWarmupComposesWithAnotherSchedule()
    {
        var warm = new LinearWarmup(new MultiStepSchedule(new[] { 10 }), warmupEpochs: 5, startFactor: 0.2);
        Assert.Equal(0.02, warm.LearningRate(0.1, 1), 15);
        Assert.Equal(0.1 * (0.2 + 0.8 * 2.5 / 5), warm.LearningRate(0.1, 3, 0.5), 12);
        Assert.Equal(0.1, warm.LearningRate(0.1, 6), 15);
        Assert.Equal(0.01, warm.LearningRate(0.1, 11), 15);

        // Multiplicative warm-up over cosine (PyTorch's chained LinearLR + CosineAnnealingLR) ...
        var cosine = new CosineAnnealingSchedule(20);
        var chained = new LinearWarmup(cosine, 4, 0.25);
        // Epoch 3 is t = 2 elapsed epochs: factor 0.25 + 0.75·2/4 = 0.625.
        Assert.Equal(0.625 * cosine.LearningRateAt(1, 2), chained.LearningRate(1, 3), 15);
        // ... or a warm-up prefix: the cosine starts after the warm-up and keeps its full length.
        var prefixed = new LinearWarmup(cosine, 4, 0.25, delayInner: true);
        Assert.Equal(0.625, prefixed.LearningRate(1, 3), 15);
        Assert.Equal(1, prefixed.LearningRate(1, 5), 15);
        Assert.Equal(cosine.LearningRateAt(1, 10), prefixed.LearningRateAt(1, 14), 15);
    }

    [Fact]
    public void ConstantAndArgumentChecks()
    {
        Assert.Equal(0.3, new ConstantSchedule().LearningRate(0.3, 1000, 0.5));
        var schedule = new MultiStepSchedule(new[] { 2 });
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.LearningRate(0.1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.LearningRate(0.1, 1, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.LearningRateAt(0.1, -1));
        Assert.Throws<ArgumentException>(() => new MultiStepSchedule(new[] { 0 }));
        Assert.Throws<ArgumentException>(() => new MultiStepSchedule(new[] { 5 }, gamma: 0));
        Assert.Throws<ArgumentException>(() => new StepSchedule(0));
        Assert.Throws<ArgumentException>(() => new CosineAnnealingSchedule(0));
        Assert.Throws<ArgumentException>(() => new LinearWarmup(new ConstantSchedule(), 5, 0));
        Assert.Throws<ArgumentException>(() => new LinearWarmup(new ConstantSchedule(), 0, 0.5));
    }
}
